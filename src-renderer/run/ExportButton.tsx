/** "Export bundle" in the run header: saves the bundle and shows the bundle's own verification. */
import { useState } from 'react';
import { count } from '../shell/plural';
import { runtimeClient } from '../state/clientRef';
import { toastError } from '../state/toastStore';
import { exportRunToFile, type ExportResult } from '../shell/exportBundles';

export function ExportButton({ runId }: { runId: string }) {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ExportResult | null>(null);
  return (
    <span className="export">
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            setDone(await exportRunToFile(runtimeClient(), runId));
          } catch (err) {
            toastError(err, 'Export failed', runId);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? 'Exporting…' : 'Export bundle'}
      </button>
      {done && done.runId === runId ? (
        <span
          className={`badge ${done.report.valid ? 'badge-ok' : 'badge-bad'}`}
          role="status"
          aria-label="Exported bundle"
          title={`${done.fileName}: ${done.report.message}`}
        >
          {done.report.valid
            ? `Exported · bundle verifies (${count(done.report.records, 'record')})`
            : `Exported, but the bundle does not verify: ${done.report.message}`}
        </span>
      ) : null}
    </span>
  );
}

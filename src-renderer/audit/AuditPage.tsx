/**
 * Open an exported bundle from disk, verify it offline in the main process (`verifyBundle`:
 * no network, nothing imported), and browse its records read-only. Where the carrier can
 * (web host, Electron) the page never holds the file: the host verifies it from disk and
 * sends back the report and the first records (a BundleFileVerdict).
 */
import { useState } from 'react';
import type { ApiResponses } from '../../src-shared/api';
import { BUNDLE_PREVIEW_RECORDS, type BundleFileVerdict } from '../../src-shared/bundleFile';
import { BundleInvalidError, ImportError } from '../../src-shared/errors';
import { count } from '../shell/plural';
import { parseJsonExact, readJsonExact } from '../../src-shared/exactJson';
import type { LedgerRecord } from '../../src-shared/types';
import { JsonView } from '../shell/JsonView';
import { runtimeClient } from '../state/clientRef';
import { describeError } from '../state/toastStore';
import { RecordDetail } from '../run/RecordDetail';
import { recordTitle } from '../run/recordInsight';
import { ErrorText } from '../shell/ErrorText';

type Report = ApiResponses['verifyBundle'];

interface Loaded {
  report: Report;
  /** The bundle's records as exported rows (at most BUNDLE_PREVIEW_RECORDS when the host read the file). */
  rows: unknown[];
  recordCount: number;
  /** The parsed bundle, when the page read the file itself. */
  bundle: unknown;
}

function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsText(file);
  });
}

/** Bundle rows carry each record's hashed body as canonical JSON text; the UI wants objects. */
export function bundleRecords(bundle: unknown): LedgerRecord[] {
  const b = bundle as { records?: unknown } | null;
  if (!Array.isArray(b?.records)) return [];
  return b.records.map((row: { seq?: number; record_hash?: string; signature?: string | null; body?: unknown }, i: number) => {
    let body: Record<string, unknown> = {};
    try {
      body = typeof row.body === 'string' ? (readJsonExact(row.body) as Record<string, unknown>) : {};
    } catch {
      // a malformed body still gets a row: verification names it
    }
    return {
      ...emptyRecord,
      ...body,
      seq: row.seq ?? i,
      record_hash: row.record_hash ?? '',
      signature: row.signature ?? null,
    } as LedgerRecord;
  });
}

const emptyRecord: Partial<LedgerRecord> = {
  kind: 'effect',
  status: 'completed',
  node_id: null,
  step_id: '',
  effect: null,
  result: null,
  error: null,
  started_at: '',
  ended_at: null,
  actor: null,
  actor_id: null,
  attempt: 1,
  idempotency_key: null,
  prev_hash: null,
};

export function AuditPage() {
  const [fileName, setFileName] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const client = runtimeClient();

  const start = (name: string | null) => {
    setFileName(name);
    setLoaded(null);
    setError(null);
    setOpen(null);
    setBusy(true);
  };
  const fromVerdict = (verdict: BundleFileVerdict): Loaded => ({
    report: verdict,
    rows: verdict.preview?.records ?? [],
    recordCount: verdict.preview?.recordCount ?? 0,
    bundle: null,
  });
  const load = async (file: File) => {
    start(file.name);
    try {
      setLoaded(client.verifyBundleFile ? fromVerdict(await client.verifyBundleFile(file)) : await readAndVerify(file));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const pick = async () => {
    if (!client.openBundleFile) return;
    try {
      const picked = await client.openBundleFile();
      if (!picked) return;
      start(picked.fileName);
      setLoaded(fromVerdict(picked));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  // Only what verified is shown: an invalid bundle's records, run id and workflow are the attacker's words.
  const report = loaded?.report ?? null;
  const records = report?.valid ? bundleRecords({ records: loaded!.rows }) : [];
  const recordCount = report?.valid ? loaded!.recordCount : 0;

  return (
    <section
      className={`page audit-page${dragging ? ' dragging' : ''}`}
      aria-label="Audit"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        const file = e.dataTransfer.files[0];
        if (file) void load(file);
      }}
    >
      <h1>Audit a bundle</h1>
      <p className="muted">
        The bundle is verified by the runtime on this machine, offline; it is not imported. Choose a file or drop one on this page.
      </p>
      <div className="audit-open">
        {client.openBundleFile ? (
          <button type="button" className="primary" onClick={() => void pick()}>
            Open bundle…
          </button>
        ) : null}
        <label>
          Bundle file
          <input type="file" accept=".json,application/json" onChange={(e) => e.target.files?.[0] && void load(e.target.files[0])} />
        </label>
      </div>
      {fileName ? (
        <p>
          File: <span className="mono">{fileName}</span>
          {busy ? <span className="muted"> · verifying…</span> : null}
        </p>
      ) : null}
      {error ? <ErrorText text={error} /> : null}
      {report ? (
        <p className={report.valid ? 'badge badge-ok' : 'badge badge-bad'} role="status" aria-label="Verification">
          {report.valid ? 'Chain valid' : `Chain broken at seq ${report.firstBadSeq ?? '?'} (${report.reason ?? 'unknown'})`} ·{' '}
          {/* The trust sentence has its own badge below. */}
          {/* "Chain valid · 5 records, …", not "Chain valid · valid: 5 records". */}
          {(report.trustMessage ? report.message.replace(`; ${report.trustMessage}`, '') : report.message).replace(/^valid: /, '')}
        </p>
      ) : null}
      {report?.valid ? (
        <p
          className={report.trust === 'own_key' || report.trust === 'trusted_key' ? 'badge badge-ok' : 'badge badge-warn'}
          aria-label="Trust"
        >
          {report.trustMessage ??
            (report.signed ? `signed by key ${report.signed.keyId} (not checked against a trust list)` : 'unsigned: integrity only')}
        </p>
      ) : null}
      {report?.valid ? (
        <p className="muted">
          Run {report.runId ?? '?'} · workflow {report.workflowId ?? '?'} · {count(recordCount, 'record')}
        </p>
      ) : null}
      {records.length ? (
        <div className="ledger-row ledger-head audit-head" role="presentation" aria-hidden="true">
          <span className="seq">Seq</span>
          <span className="node">Node</span>
          <span className="title">Record</span>
          <span className="hash">Hash</span>
        </div>
      ) : null}
      <ul className="audit-records" aria-label="Bundle records">
        {records.slice(0, BUNDLE_PREVIEW_RECORDS).map((r, i) => (
          <li key={i}>
            <button type="button" className="ledger-row" aria-expanded={open === i} onClick={() => setOpen(open === i ? null : i)}>
              <span className="seq">#{r.seq ?? i}</span>
              <span className="node">{r.node_id ?? '—'}</span>
              <span className="title">{recordTitle(r)}</span>
              <span className="hash">{String(r.record_hash ?? '').slice(0, 10)}</span>
            </button>
            {open === i ? <RecordDetail record={r} inBundle /> : null}
          </li>
        ))}
      </ul>
      {recordCount > BUNDLE_PREVIEW_RECORDS ? (
        <p className="muted">
          Showing the first {BUNDLE_PREVIEW_RECORDS.toLocaleString('en-US')} of {count(recordCount, 'record')}.
        </p>
      ) : null}
      {report?.valid && loaded?.bundle && recordCount === 0 ? <JsonView value={loaded.bundle} label="Bundle" /> : null}
    </section>
  );
}

/** Where the carrier has no file path (an in-memory host): the page reads and parses the file, then posts it. */
async function readAndVerify(file: File): Promise<Loaded> {
  let text: string;
  try {
    text = await readText(file);
  } catch (err) {
    throw new ImportError(`cannot read ${file.name} (${(err as Error).message})`);
  }
  let bundle: unknown;
  try {
    bundle = parseJsonExact(text, 'bundle');
  } catch (err) {
    throw new BundleInvalidError(`not JSON (${(err as Error).message})`);
  }
  const report = await runtimeClient().call('verifyBundle', { bundle });
  const rows = (bundle as { records?: unknown }).records;
  return { report, rows: Array.isArray(rows) ? rows : [], recordCount: Array.isArray(rows) ? rows.length : 0, bundle };
}

/**
 * Open an exported bundle from disk, verify it offline in the main process (`verifyBundle`:
 * no network, nothing imported), and browse its records read-only.
 */
import { useState } from 'react';
import type { ApiResponses } from '../../src-shared/api';
import { parseJsonExact, readJsonExact } from '../../src-shared/exactJson';
import type { LedgerRecord } from '../../src-shared/types';
import { JsonView } from '../shell/JsonView';
import { runtimeClient } from '../state/clientRef';
import { describeError } from '../state/toastStore';
import { RecordDetail } from '../run/RecordDetail';
import { recordTitle } from '../run/recordInsight';
import { ErrorText } from '../shell/ErrorText';

type Report = ApiResponses['verifyBundle'];

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
  const [bundle, setBundle] = useState<unknown>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);

  const load = async (file: File) => {
    setFileName(file.name);
    setReport(null);
    setError(null);
    setOpen(null);
    let text: string;
    try {
      text = await readText(file);
    } catch (err) {
      setBundle(null);
      return setError(`IMPORT_FAILED: cannot read ${file.name} (${(err as Error).message})`);
    }
    let parsed: unknown;
    try {
      parsed = parseJsonExact(text, 'bundle');
    } catch (err) {
      setBundle(null);
      return setError(`BUNDLE_INVALID: not JSON (${(err as Error).message})`);
    }
    setBundle(parsed);
    try {
      // Streamed where the carrier can (a 100 MB bundle exceeds the web API's request limit).
      const client = runtimeClient();
      setReport(client.verifyBundleFile ? await client.verifyBundleFile(file) : await client.call('verifyBundle', { bundle: parsed }));
    } catch (err) {
      setError(describeError(err));
    }
  };
  // Only what verified is shown: an invalid bundle's records, run id and workflow are the attacker's words.
  const records = report?.valid ? bundleRecords(bundle) : [];

  return (
    <section className="page audit-page" aria-label="Audit">
      <h1>Audit a bundle</h1>
      <p className="muted">The bundle is verified by the runtime on this machine, offline; it is not imported.</p>
      <label>
        Bundle file
        <input type="file" accept=".json,application/json" onChange={(e) => e.target.files?.[0] && void load(e.target.files[0])} />
      </label>
      {fileName ? (
        <p>
          File: <span className="mono">{fileName}</span>
        </p>
      ) : null}
      {error ? <ErrorText text={error} /> : null}
      {report ? (
        <p className={report.valid ? 'badge badge-ok' : 'badge badge-bad'} role="status" aria-label="Verification">
          {report.valid ? 'Chain valid' : `Chain broken at seq ${report.firstBadSeq ?? '?'} (${report.reason ?? 'unknown'})`} ·{' '}
          {/* The trust sentence has its own badge below. */}
          {report.trustMessage ? report.message.replace(`; ${report.trustMessage}`, '') : report.message}
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
          Run {report.runId ?? '?'} · workflow {report.workflowId ?? '?'} · {records.length} records
        </p>
      ) : null}
      <ul className="audit-records">
        {records.slice(0, 2000).map((r, i) => (
          <li key={i}>
            <button type="button" className="ledger-row" aria-expanded={open === i} onClick={() => setOpen(open === i ? null : i)}>
              <span className="seq">#{r.seq ?? i}</span>
              <span className="node">{r.node_id ?? '—'}</span>
              <span className="title">{recordTitle(r)}</span>
              <span className="hash">{String(r.record_hash ?? '').slice(0, 10)}</span>
            </button>
            {open === i ? <RecordDetail record={r} /> : null}
          </li>
        ))}
      </ul>
      {records.length > 2000 ? <p className="muted">Showing the first 2,000 of {records.length} records.</p> : null}
      {report?.valid && bundle && records.length === 0 ? <JsonView value={bundle} label="Bundle" /> : null}
    </section>
  );
}

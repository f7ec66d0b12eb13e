/**
 * Writing a verified foreign run into a store, once, as `importPlan` allows. Stores that keep
 * raw rows (ProvenanceStore.importRun) take the rows as they are, foreign bodies included, with
 * snapshots and signed head in the same transaction; other stores get an ordinary commit of
 * the parsed records, which only works for our own records.
 */
import { ImportError } from '../../src-shared/errors';
import { isValidRunId, RUN_ID_RULE } from '../../src-shared/runId';
import type { LedgerRecord, RunState, SignedHead } from '../../src-shared/types';
import type { ImportExtras, ProvenanceStore, RuntimeStore, SnapshotStore } from '../runtime/storeContract';
import { importPlan } from './importPlan';
import { parsePlainJson } from '../../src-shared/losslessJson';
import { readJsonExact } from '../../src-shared/exactJson';
import { chainRowFromRecord, type ChainRow } from './chainRow';

type RawImportTarget = Pick<ProvenanceStore, 'importRun'>;

type ImportTarget = RuntimeStore &
  Partial<SnapshotStore> & { getSignedHead?(runId: string): SignedHead | null; saveSignedHead?(h: SignedHead): void };

export interface ImportResult {
  runId: string;
  /** False when the same run was already here (nothing written). */
  imported: boolean;
  /** Records appended to a run that was already here (a longer ledger of it). */
  appended?: number;
}

export function writeImportedRun(
  store: ImportTarget,
  state: RunState,
  rows: ChainRow[],
  extras: Omit<ImportExtras, 'plan'> = {},
): ImportResult {
  if (!isValidRunId(state.run_id))
    throw new ImportError(`refusing to import run ${JSON.stringify(state.run_id).slice(0, 120)}: a run id is ${RUN_ID_RULE}`, {
      runId: state.run_id,
    });
  if (isRawTarget(store)) {
    // Read before the write only to say how many records were new; the store decides inside its transaction.
    const headBefore = store.getRun(state.run_id)?.ledger_head?.seq;
    const imported = store.importRun(state, rows, statusOf, { ...extras, plan: importPlan });
    return appendedResult(state.run_id, imported, headBefore, rows);
  }
  const existing = store.getRun(state.run_id);
  const plan = importPlan(existing, rows, (seq) => storedRow(store, state.run_id, seq));
  if (plan.kind === 'same') return { runId: state.run_id, imported: false };
  if (rows.some((r) => r.foreign))
    throw new ImportError('this store cannot hold records from another runtime; import into a SQLite database', { runId: state.run_id });
  const records = rows
    .slice(plan.appendFrom)
    // readJsonExact: a record's `1.0` or 2^53+1 must re-canonicalize to the bytes it was hashed from.
    .map((r) => ({ ...(readJsonExact(r.body) as unknown as LedgerRecord), record_hash: r.record_hash, signature: r.signature }));
  store.commit({ state, records, expectedHeadSeq: existing?.ledger_head?.seq ?? null, isNew: !existing });
  for (const s of extras.snapshots ?? []) if (store.getSnapshot && !store.getSnapshot(s.snapshot_id)) store.saveSnapshot?.(s);
  if (extras.signedHead && store.saveSignedHead && !store.getSignedHead?.(state.run_id)) store.saveSignedHead(extras.signedHead);
  return appendedResult(state.run_id, true, existing?.ledger_head?.seq, rows);
}

function appendedResult(runId: string, imported: boolean, headBefore: number | undefined, rows: ChainRow[]): ImportResult {
  if (!imported || headBefore === undefined) return { runId, imported };
  return { runId, imported, appended: rows.length - 1 - headBefore };
}

function statusOf(row: ChainRow): { status: string; key: string | null } {
  const o = parsePlainJson(row.body) as { status?: unknown; idempotency_key?: unknown };
  return {
    status: typeof o.status === 'string' ? o.status : 'completed',
    key: typeof o.idempotency_key === 'string' ? o.idempotency_key : null,
  };
}

function isRawTarget(store: object): store is RawImportTarget {
  return typeof (store as Partial<RawImportTarget>).importRun === 'function';
}

/** A store without raw rows holds only our own records: their hashed bytes are their canonical form. */
function storedRow(store: RuntimeStore, runId: string, seq: number): ChainRow | null {
  const record = store.readLedger(runId, { afterSeq: seq - 1, limit: 1 }).records[0];
  return record && record.seq === seq ? chainRowFromRecord(record) : null;
}

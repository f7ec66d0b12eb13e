/**
 * Writing a verified foreign run into a store, once. Stores that keep raw rows
 * (ProvenanceStore.importRun) take the rows as they are, foreign bodies included; other stores
 * get an ordinary commit of the parsed records, which only works for our own records.
 */
import { ImportError } from '../../src-shared/errors';
import type { LedgerRecord, RunState } from '../../src-shared/types';
import type { ProvenanceStore, RuntimeStore } from '../runtime/storeContract';
import { parsePlainJson } from '../../src-shared/losslessJson';
import type { ChainRow } from './chainRow';

type RawImportTarget = Pick<ProvenanceStore, 'importRun'>;

export interface ImportResult {
  runId: string;
  /** False when the same run was already here (nothing written). */
  imported: boolean;
}

export function writeImportedRun(store: RuntimeStore, state: RunState, rows: ChainRow[]): ImportResult {
  if (isRawTarget(store)) return { runId: state.run_id, imported: store.importRun(state, rows, statusOf) };
  const existing = store.getRun(state.run_id);
  if (existing) {
    if (existing.ledger_head?.hash === state.ledger_head?.hash) return { runId: state.run_id, imported: false };
    throw new ImportError(`run ${state.run_id} already exists here with a different ledger`, { runId: state.run_id });
  }
  if (rows.some((r) => r.foreign))
    throw new ImportError('this store cannot hold records from another runtime; import into a SQLite database', { runId: state.run_id });
  const records = rows.map((r) => ({ ...(JSON.parse(r.body) as LedgerRecord), record_hash: r.record_hash, signature: r.signature }));
  store.commit({ state, records, expectedHeadSeq: null, isNew: true });
  return { runId: state.run_id, imported: true };
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

/**
 * Writing a verified foreign run into a store. Stores that keep raw rows
 * (SqliteStore.importRun) take the rows as they are, foreign bodies included; other stores
 * get an ordinary commit of the parsed records, which only works for our own records.
 * A run already here is extended only by the rule of ledgerExtension.ts.
 */
import { ImportError } from '../../src-shared/errors';
import type { LedgerHead, LedgerRecord, RunState } from '../../src-shared/types';
import type { RuntimeStore } from '../runtime/contracts';
import { parsePlainJson } from '../../src-shared/losslessJson';
import type { ChainRow } from './chainRow';
import { planLedgerImport } from './ledgerExtension';

export interface RawImportTarget {
  importRun(
    state: RunState,
    rows: ChainRow[],
    statusOf: (row: ChainRow) => { status: string; key: string | null },
    after?: LedgerHead | null,
  ): boolean;
  ledgerRowAt(runId: string, seq: number): ChainRow | null;
}

export interface ImportResult {
  runId: string;
  /** False when the same run was already here (nothing written). */
  imported: boolean;
  /** Records appended to a run that was already here (a longer ledger of it). */
  appended?: number;
}

export function writeImportedRun(store: RuntimeStore, state: RunState, rows: ChainRow[]): ImportResult {
  if (isRawTarget(store)) {
    const existing = store.getRun(state.run_id);
    const plan = planLedgerImport(
      state.run_id,
      existing ? { head: existing.ledger_head, rowAt: (seq) => store.ledgerRowAt(state.run_id, seq) } : null,
      rows,
    );
    if (plan.kind === 'same') return { runId: state.run_id, imported: false };
    if (plan.kind === 'new') return { runId: state.run_id, imported: store.importRun(state, rows, statusOf) };
    store.importRun(state, plan.rows, statusOf, plan.after);
    return { runId: state.run_id, imported: true, appended: plan.rows.length };
  }
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
  const t = store as Partial<RawImportTarget>;
  return typeof t.importRun === 'function' && typeof t.ledgerRowAt === 'function';
}

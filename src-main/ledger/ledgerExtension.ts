/**
 * The one rule for importing a ledger of a run that is already here (a Python folder read
 * again after the Python runtime went on, a newer bundle of the same run): the incoming
 * ledger, verified whole beforehand, must contain the stored one as its prefix, ending in
 * exactly the stored head; then only the records after that head are new. Anything else is
 * another history of the same run id and is refused.
 */
import { ImportError } from '../../src-shared/errors';
import type { LedgerHead } from '../../src-shared/types';
import type { ChainRow } from './chainRow';

export type LedgerImportPlan =
  /** The run is not here: store every record. */
  | { kind: 'new' }
  /** The same ledger (or a prefix of what is stored): nothing to write. */
  | { kind: 'same' }
  /** The stored ledger is a prefix: append the rows after `after`. */
  | { kind: 'append'; after: LedgerHead; rows: ChainRow[] };

/**
 * `stored`: where the run's ledger ends here and a reader of its stored rows (null: the run
 * is not here). `rows`: the incoming ledger, already verified, in seq order from 0.
 * Records are compared by hash, and by their hashed bytes when a ledger has no hash chain
 * (so an unchained ledger only grows by records after an identical last record).
 */
export function planLedgerImport(
  runId: string,
  stored: { head: LedgerHead | null; rowAt(seq: number): ChainRow | null } | null,
  rows: ChainRow[],
): LedgerImportPlan {
  if (!stored) return { kind: 'new' };
  const head = stored.head;
  const incomingLast = rows[rows.length - 1] ?? null;
  if (!head) {
    if (!incomingLast) return { kind: 'same' };
    throw conflict(runId, 'the run is here without records');
  }
  if (!incomingLast) throw conflict(runId, 'the incoming ledger is empty');
  if (incomingLast.seq <= head.seq) {
    if (sameRecord(stored.rowAt(incomingLast.seq), incomingLast)) return { kind: 'same' };
    throw conflict(runId, `record ${incomingLast.seq} differs from the stored one: the two ledgers are different histories`);
  }
  const atHead = rows[head.seq]!;
  if (atHead.record_hash !== head.hash || !sameRecord(stored.rowAt(head.seq), atHead))
    throw conflict(runId, `record ${head.seq} differs from the stored one: the two ledgers are different histories`);
  return { kind: 'append', after: head, rows: rows.slice(head.seq + 1) };
}

function sameRecord(a: ChainRow | null, b: ChainRow): boolean {
  return !!a && a.seq === b.seq && a.record_hash === b.record_hash && a.body === b.body;
}

function conflict(runId: string, why: string): ImportError {
  return new ImportError(`run ${runId} already exists here with a different ledger: ${why}`, { runId });
}

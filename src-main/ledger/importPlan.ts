/**
 * The one rule for importing a run (bundles and Python ledgers alike) next to what is
 * already stored. An import never replaces anything: a run that is not here is written
 * whole; the same ledger again writes nothing; a longer chain of the same imported run
 * appends only its new records (they were verified, and the hash chain makes the shared
 * prefix identical); anything else is refused. A run that lives here (not imported) is
 * never extended from outside: it has its own writer.
 */
import { ImportError } from '../../src-shared/errors';
import type { RunState } from '../../src-shared/types';
import type { ChainRow } from './chainRow';

export type ImportPlan = { kind: 'same' } | { kind: 'write'; appendFrom: number };

export function importPlan(existing: RunState | null, rows: ChainRow[]): ImportPlan {
  if (!existing) return { kind: 'write', appendFrom: 0 };
  const runId = existing.run_id;
  const head = existing.ledger_head;
  const last = rows[rows.length - 1];
  if ((head?.seq ?? -1) === (last?.seq ?? -1) && (head?.hash ?? null) === (last?.record_hash ?? null)) return { kind: 'same' };
  const atHead = head ? rows[head.seq] : undefined;
  if (!head || atHead?.record_hash !== head.hash)
    throw new ImportError(`run ${runId} already exists here with a different ledger: nothing was imported`, { runId });
  if (existing.origin?.kind !== 'import')
    throw new ImportError(`run ${runId} is a run of this database: an import cannot extend it`, { runId });
  return { kind: 'write', appendFrom: head.seq + 1 };
}

/**
 * How an import may write next to what is already stored, for bundles and Python ledgers
 * alike. An import never replaces anything: a run that is not here is written whole; the
 * same ledger again (or a prefix of the stored one) writes nothing; a longer ledger of the
 * same imported run appends only its new records (`planLedgerImport` decides whether the
 * stored ledger is its prefix); anything else is refused. A run that lives here (not
 * imported) is never extended from outside: it has its own writer. Stores call this inside
 * their import transaction, so the decision and the write see the same rows.
 */
import { ImportError } from '../../src-shared/errors';
import type { RunState } from '../../src-shared/types';
import type { ImportPlanResult } from '../runtime/storeContract';
import type { ChainRow } from './chainRow';
import { planLedgerImport } from './ledgerExtension';

export function importPlan(existing: RunState | null, rows: ChainRow[], storedRowAt: (seq: number) => ChainRow | null): ImportPlanResult {
  if (!existing) return { kind: 'write', appendFrom: 0 };
  const plan = planLedgerImport(existing.run_id, { head: existing.ledger_head, rowAt: storedRowAt }, rows);
  if (plan.kind === 'same') return { kind: 'same' };
  if (plan.kind === 'new') return { kind: 'write', appendFrom: 0 };
  if (existing.origin?.kind !== 'import')
    throw new ImportError(`run ${existing.run_id} is a run of this database: an import cannot extend it`, { runId: existing.run_id });
  return { kind: 'write', appendFrom: plan.after.seq + 1 };
}

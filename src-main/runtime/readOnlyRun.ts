/**
 * A run that can be looked at but never continued, whatever workflows are registered: one
 * imported without a hash chain (appending to it would chain new records onto records whose
 * integrity nothing can check, and present the result as a verified ledger), or one whose
 * imported state holds NaN / Infinity (kept by name as strings: a workflow reading them
 * would compute with a string where Python had a number).
 */
import type { RunState } from '../../src-shared/types';

export function readOnlyReason(state: RunState): string | null {
  if (state.origin?.kind === 'import' && state.origin.hash_chain === false)
    return 'imported run (read-only): its ledger has no hash chain, so it cannot be continued here';
  const nonFinite = nonFiniteReason(state);
  return nonFinite ? `imported run (read-only): ${nonFinite}` : null;
}

/**
 * Why a state imported from Python may not be computed with here (it holds NaN / Infinity,
 * kept by name as strings), or null. Also refuses restoring or forking a snapshot of it.
 */
export function nonFiniteReason(state: RunState): string | null {
  if (state.origin?.kind !== 'import' || !state.origin.non_finite?.length) return null;
  return `its state holds Python's NaN/Infinity at ${state.origin.non_finite.join(', ')}, which no JSON number here can be (shown by name); a workflow cannot compute with it here`;
}

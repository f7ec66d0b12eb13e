/**
 * A run that can be looked at but never continued, whatever workflows are registered: one
 * imported without a hash chain. Appending to it would chain new records onto records whose
 * integrity nothing can check, and present the result as a verified ledger.
 */
import type { RunState } from '../../src-shared/types';

export function readOnlyReason(state: RunState): string | null {
  if (state.origin?.kind === 'import' && state.origin.hash_chain === false)
    return 'imported run (read-only): its ledger has no hash chain, so it cannot be continued here';
  return null;
}

/**
 * The one rule for a claimed run's state (ClaimedRun.state), in every store: a state that
 * reads back damaged is handed over as null, so the claim still goes through and only that
 * run fails, when the worker reads it itself. Any other error is the claim's own.
 */
import { DatabaseCorruptError } from '../../src-shared/errors';
import type { RunState } from '../../src-shared/types';

export function claimedStateOrNull(read: () => RunState): RunState | null {
  try {
    return read();
  } catch (err) {
    if (err instanceof DatabaseCorruptError) return null;
    throw err;
  }
}

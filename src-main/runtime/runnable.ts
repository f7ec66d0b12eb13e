/**
 * When a run needs a worker, decided once for every store: the store keeps this as an
 * indexed column so any process can find and claim the work (see docs/proposal.md, "The
 * database is the work queue").
 */
import { TERMINAL_STATUSES, type RunState } from '../../src-shared/types';

/**
 * The epoch millisecond from which the run can be advanced by a worker, or null when it
 * needs nobody (it waits on a person or an event, is paused, or has ended):
 * - `running` (just started, resumed, answered, recovered after a crash): since its last update;
 * - waiting on a timer: from the time it fires;
 * - waiting on a child run: once the child has ended (`childEndedAt`, or null while it has not);
 *   at once while the child does not exist (`childMissing`): the host starts a child after the
 *   parent's wait is committed, so a crash in between leaves the start to any worker.
 */
export function runnableAt(state: RunState, childEndedAt: number | null = null, childMissing = false): number | null {
  if (state.paused) return null;
  if (state.status === 'running') return Date.parse(state.updated_at);
  if (state.status !== 'waiting' || !state.waiting) return null;
  if (state.waiting.reason === 'until') {
    const until = state.waiting.until ? Date.parse(state.waiting.until) : Number.NaN;
    return Number.isFinite(until) ? until : null;
  }
  if (state.waiting.reason === 'subworkflow') return childMissing ? Date.parse(state.updated_at) : childEndedAt;
  return null;
}

/** The child a waiting run waits on (its end makes the parent runnable). */
export function awaitedChild(state: RunState): string | null {
  return state.status === 'waiting' && state.waiting?.reason === 'subworkflow' ? (state.waiting.child_run_id ?? null) : null;
}

export function isTerminal(state: Pick<RunState, 'status'>): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(state.status);
}

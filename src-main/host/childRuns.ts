/**
 * Links between parent and child runs (start_subworkflow): the payload a parent is resumed
 * with when its child ends, and which child a waiting parent still has to have started.
 * The deterministic child id (a repeated start finds the child already made) is decided by
 * the effect (effects/subworkflow).
 */
import type { JsonValue } from '../../src-shared/json';
import type { RunState } from '../../src-shared/types';
import { childStartOf, type ChildStart } from '../effects/subworkflow/index';

/**
 * A completed child resumes its parent with its output; a failed or cancelled one with
 * `{error: {code, message, node_id}, child_run_id, child_status}`.
 */
export function childOutcomePayload(child: RunState): JsonValue {
  if (child.status === 'completed') return child.output ?? null;
  const error = child.error ?? {
    code: child.status === 'cancelled' ? 'CANCELLED' : 'FAILED',
    message: `child run ${child.status}`,
    node_id: null,
  };
  return {
    error: { code: error.code, message: error.message, node_id: error.node_id },
    child_run_id: child.run_id,
    child_status: child.status,
  };
}

export function isWaitingForChild(parent: RunState | null, childRunId: string): parent is RunState {
  return !!parent && parent.status === 'waiting' && parent.waiting?.reason === 'subworkflow' && parent.waiting.child_run_id === childRunId;
}

/** The child a parent waits on and what to start it with, when the parent is waiting for it (null otherwise). */
export function awaitedChildStart(parent: RunState | null): { childRunId: string; start: ChildStart | null; waitKey: string } | null {
  if (!parent || parent.status !== 'waiting' || parent.waiting?.reason !== 'subworkflow' || !parent.waiting.child_run_id) return null;
  return { childRunId: parent.waiting.child_run_id, start: childStartOf(parent.waiting), waitKey: parent.waiting.wait_key };
}

/**
 * Links between parent and child runs (start_subworkflow): the payload a parent is resumed
 * with when its child ends, and the deterministic child id that makes starting a child
 * idempotent (a retry after a crash finds the child it already started).
 */
import { createHash } from 'node:crypto';
import type { JsonValue } from '../../src-shared/json';
import type { RunState } from '../../src-shared/types';

export function childRunIdFor(parentRunId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${parentRunId}\n${idempotencyKey}`).digest('hex').slice(0, 16);
  return `${parentRunId}.child-${digest}`;
}

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

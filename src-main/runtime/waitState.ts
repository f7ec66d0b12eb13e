import type { WaitState } from '../../src-shared/types';

export type PartialWait = Partial<WaitState> & Pick<WaitState, 'reason'>;

/** Fills every WaitState field, so stored waits always have the full shape. */
export function completeWait(partial: PartialWait, defaults: Pick<WaitState, 'wait_key' | 'result_key' | 'resume_to_node'>): WaitState {
  return {
    reason: partial.reason,
    wait_key: partial.wait_key || defaults.wait_key,
    result_key: partial.result_key !== undefined ? partial.result_key : defaults.result_key,
    resume_to_node: partial.resume_to_node !== undefined ? partial.resume_to_node : defaults.resume_to_node,
    until: partial.until ?? null,
    prompt: partial.prompt ?? null,
    choices: partial.choices ?? null,
    allow_free_text: partial.allow_free_text ?? true,
    event_name: partial.event_name ?? null,
    tool_calls: partial.tool_calls ?? null,
    child_run_id: partial.child_run_id ?? null,
    details: partial.details ?? null,
  };
}

export function defaultWaitKey(reason: string, runId: string, nodeId: string, visit: number, attempt: number): string {
  return `${reason}:${runId}:${nodeId}:${visit}${attempt > 1 ? `:${attempt}` : ''}`;
}

/**
 * A wait re-armed by restore or fork gets a new key (derived from the old one and the
 * record that re-armed it), so an answer meant for the old wait cannot land on the new one.
 */
export function rekeyWait(wait: WaitState, tag: string): WaitState {
  const base = wait.wait_key.replace(/@[^@]*$/, '');
  return { ...wait, wait_key: `${base}@${tag}` };
}

import type { RunState, RunSummary } from '../../src-shared/types';

/** What run lists show: the state without vars (shared by every store). */
export function toRunSummary(s: RunState): RunSummary {
  return {
    run_id: s.run_id,
    workflow_id: s.workflow_id,
    workflow_version: s.workflow_version,
    parent_run_id: s.parent_run_id,
    status: s.status,
    current_node: s.current_node,
    waiting_reason: s.waiting?.reason ?? null,
    wait_prompt: s.waiting?.prompt ?? null,
    paused: s.paused,
    step_count: s.step_count,
    ledger_seq: s.ledger_head?.seq ?? -1,
    created_at: s.created_at,
    updated_at: s.updated_at,
    origin_kind: s.origin?.kind ?? null,
    wait_event_name: s.status === 'waiting' ? (s.waiting?.event_name ?? null) : null,
    wait_until: s.status === 'waiting' ? (s.waiting?.until ?? null) : null,
    wait_child_run_id: s.status === 'waiting' ? (s.waiting?.child_run_id ?? null) : null,
    error_summary: s.error ? { code: s.error.code, message: s.error.message, node_id: s.error.node_id } : null,
  };
}

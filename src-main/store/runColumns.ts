/**
 * The indexed columns of a run row, decided once for every SQL store (SQLite, PostgreSQL):
 * what the lists, the work queue and the change feed query, beside the exact state text.
 */
import type { RunState } from '../../src-shared/types';
import { awaitedChild, runnableAt } from '../runtime/runnable';

/** `childEndedAt`: when the child this run waits on ended (null: it has not, or none). */
export function runColumns(s: RunState, state: string, childEndedAt: number | null = null): Record<string, unknown> {
  const until = s.waiting?.reason === 'until' && s.waiting.until ? Date.parse(s.waiting.until) : null;
  return {
    run_id: s.run_id,
    workflow_id: s.workflow_id,
    status: s.status,
    parent_run_id: s.parent_run_id,
    current_node: s.current_node,
    waiting_reason: s.status === 'waiting' ? (s.waiting?.reason ?? null) : null,
    wait_until_ms: s.status === 'waiting' && until !== null && Number.isFinite(until) ? until : null,
    event_name: s.status === 'waiting' && s.waiting?.reason === 'event' ? s.waiting.event_name : null,
    paused: s.paused ? 1 : 0,
    head_seq: s.ledger_head?.seq ?? null,
    head_hash: s.ledger_head?.hash ?? null,
    created_at: s.created_at,
    updated_at: s.updated_at,
    origin_kind: s.origin?.kind ?? null,
    workflow_version: s.workflow_version,
    runnable_at: runnableAt(s, childEndedAt),
    wait_child_id: awaitedChild(s),
    state,
  };
}

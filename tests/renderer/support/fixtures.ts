/** Realistic wire objects for component tests (shapes from src-shared/types.ts). */
import type { RunView } from '../../../src-shared/api';
import type { LedgerRecord, RunState, RunSummary, WaitState, WorkflowInfo } from '../../../src-shared/types';

export const approvalWorkflow: WorkflowInfo = {
  id: 'examples.approval',
  version: '1',
  label: 'Approval gate',
  description: 'Asks a person to approve.',
  entry: 'ask',
  nodes: [
    { id: 'ask', label: 'Ask for approval', kind: 'ask_user', next: ['route'] },
    { id: 'route', label: 'Approved?', kind: 'decision', next: ['act', 'done'] },
    { id: 'act', label: 'Run trusted tool', kind: 'tool_calls', next: ['done'] },
    { id: 'done', label: 'Done', kind: 'end', next: [] },
  ],
  default_vars: { question: 'Run the tool now?' },
  source: 'builtin',
};

export function wait(p: Partial<WaitState>): WaitState {
  return {
    reason: 'user',
    wait_key: 'w1',
    result_key: 'answer',
    resume_to_node: 'route',
    until: null,
    prompt: null,
    choices: null,
    allow_free_text: true,
    event_name: null,
    tool_calls: null,
    child_run_id: null,
    details: null,
    ...p,
  };
}

export function runState(p: Partial<RunState> = {}): RunState {
  return {
    run_id: 'run-1',
    workflow_id: 'examples.approval',
    workflow_version: '1',
    parent_run_id: null,
    status: 'running',
    current_node: 'ask',
    vars: { question: 'Run the tool now?' },
    output: null,
    error: null,
    waiting: null,
    paused: false,
    step_count: 1,
    visits: { ask: 1 },
    pending_effect: null,
    ledger_head: { seq: 1, hash: 'h1' },
    created_at: '2026-11-29T04:00:00.000Z',
    updated_at: '2026-11-29T04:00:01.000Z',
    actor_id: null,
    origin: null,
    ...p,
  };
}

export function runView(p: Partial<RunState> = {}, extra: Partial<RunView> = {}): RunView {
  return {
    state: runState(p),
    workflow: approvalWorkflow,
    resumable: true,
    notResumableReason: null,
    stepMode: false,
    breakpoints: [],
    children: [],
    ...extra,
  };
}

export function summary(p: Partial<RunSummary> = {}): RunSummary {
  return {
    run_id: 'run-1',
    workflow_id: 'examples.approval',
    workflow_version: '1',
    parent_run_id: null,
    status: 'running',
    current_node: 'ask',
    waiting_reason: null,
    wait_prompt: null,
    paused: false,
    step_count: 1,
    ledger_seq: 1,
    created_at: '2026-11-29T04:00:00.000Z',
    updated_at: '2026-11-29T04:00:01.000Z',
    origin_kind: null,
    ...p,
  };
}

export function record(seq: number, p: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    run_id: 'run-1',
    step_id: `s${seq}`,
    node_id: 'count',
    status: 'completed',
    kind: 'transition',
    seq,
    effect: null,
    result: null,
    error: null,
    started_at: '2026-11-29T04:00:00.000Z',
    ended_at: '2026-11-29T04:00:00.005Z',
    actor_id: 'runtime',
    actor: { kind: 'runtime', id: 'host', fingerprint: 'f'.repeat(64) },
    attempt: 1,
    idempotency_key: null,
    prev_hash: seq === 0 ? null : `hash${seq - 1}`,
    record_hash: `hash${seq}`,
    signature: null,
    ...p,
  };
}

/** A ledger of `total` transition records served page by page like the host does. */
export function pagedLedger(total: number) {
  return (req: { afterSeq?: number; beforeSeq?: number; fromEnd?: boolean; limit?: number }) => {
    const limit = req.limit ?? 200;
    let from: number;
    if (req.fromEnd) from = Math.max(0, total - limit);
    else if (req.beforeSeq !== undefined) from = Math.max(0, req.beforeSeq - limit);
    else from = (req.afterSeq ?? -1) + 1;
    const to = Math.min(total, req.beforeSeq ?? Infinity, from + limit);
    const records = [];
    for (let s = from; s < to; s++) records.push(record(s));
    return { records, total };
  };
}

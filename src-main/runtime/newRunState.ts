/** The state of a run that has just been created, before its first record: one definition of the shape. */
import type { JsonObject } from '../../src-shared/json';
import type { RunState } from '../../src-shared/types';

export interface NewRunFields {
  runId: string;
  workflowId: string;
  workflowVersion: string;
  entry: string;
  vars: JsonObject;
  now: string;
  actorId: string | null;
  parentRunId?: string | null;
}

export function newRunState(f: NewRunFields): RunState {
  return {
    run_id: f.runId,
    workflow_id: f.workflowId,
    workflow_version: f.workflowVersion,
    parent_run_id: f.parentRunId ?? null,
    status: 'running',
    current_node: f.entry,
    vars: f.vars,
    output: null,
    error: null,
    waiting: null,
    paused: false,
    step_count: 0,
    visits: {},
    pending_effect: null,
    ledger_head: null,
    created_at: f.now,
    updated_at: f.now,
    actor_id: f.actorId,
    origin: null,
  };
}

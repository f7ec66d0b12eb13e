/**
 * What a workflow author writes against: a workflow's nodes, the plan each node's handler
 * returns (DESIGN.md §3), and the registry the kernel looks workflows up in.
 */
import type { JsonObject, JsonValue } from '../../src-shared/json';
import type { RunState } from '../../src-shared/types';

export interface RetryPolicy {
  /** Total attempts including the first (default 1: no retry). */
  maxAttempts: number;
  /** Delay before the 2nd attempt; multiplied by `factor` for each further one. */
  backoffMs?: number;
  factor?: number;
}

/** What a node's handler returns (DESIGN.md §3). */
export type StepPlan =
  | { effect: EffectRequest; resultKey?: string; next?: string }
  | { next: string; set?: JsonObject }
  | { complete: JsonValue }
  | { fail: { code: string; message: string } };

export interface EffectRequest {
  type: string;
  payload: JsonObject;
}

export interface NodeContext {
  readonly nodeId: string;
  /** Visits of this node so far, this one included (1 on the first visit). */
  readonly visit: number;
  readonly now: Date;
  /**
   * Fires once the kernel no longer waits for this call: the handler time limit passed, the
   * run was cancelled, or the plan arrived. A handler that starts work of its own stops it here.
   */
  readonly signal?: AbortSignal;
}

export type NodeHandler = (run: Readonly<RunState>, ctx: NodeContext) => StepPlan | Promise<StepPlan>;

/** What the inspector writes on a declared edge: a short name and, optionally, the condition in words. */
export interface EdgeLabel {
  /** A few words on the edge, e.g. "approved" (at most EDGE_LABEL_MAX characters). */
  label: string;
  /** When this edge is taken, in words, e.g. `the answer is "approve"` (shown on hover). */
  when?: string;
}

export const EDGE_LABEL_MAX = 32;
export const EDGE_CONDITION_MAX = 160;

export interface NodeDefinition {
  handler: NodeHandler;
  /** The nodes a plan may go to: what the inspector draws; any other target is refused. */
  next?: string[];
  /**
   * Labels for some of the `next` edges, by target node id (a string is the label alone).
   * Display only: the handler's plan still decides which edge is taken.
   */
  edgeLabels?: Record<string, string | EdgeLabel>;
  label?: string;
  kind?: string;
  retry?: RetryPolicy;
  /**
   * When this node's effect completes with failed parts (a `tool_calls` call that failed):
   * `continue` (the default, as LangGraph's ToolNode hands errors back to the model) keeps
   * the result, marks the record with the error and goes on; `fail` keeps the result and
   * fails the run with that error (as an uncaught Temporal activity failure would).
   */
  onEffectError?: 'continue' | 'fail';
}

export interface WorkflowSpec {
  id: string;
  version: string;
  entry: string;
  nodes: Record<string, NodeDefinition>;
  label?: string;
  description?: string;
  defaultVars?: JsonObject;
  /**
   * A JSON Schema for the vars a run starts with (object schema: properties, required,
   * additionalProperties...). Start and fork refuse vars that do not match, naming the field.
   */
  inputSchema?: JsonObject;
}

/** A validated workflow (see defineWorkflow). */
export interface WorkflowDefinition extends WorkflowSpec {
  readonly validated: true;
}

export interface WorkflowRegistry {
  get(workflowId: string, version?: string): WorkflowDefinition | undefined;
  list(): WorkflowDefinition[];
}

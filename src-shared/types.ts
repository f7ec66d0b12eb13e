/**
 * The data model of DESIGN.md §2–§6, in the wire format of AbstractRuntime (Python):
 * snake_case field names on disk and on the wire.
 */
import type { JsonObject, JsonValue } from './json';

export type RunStatus = 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'waiting', 'completed', 'failed', 'cancelled'];
export const TERMINAL_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

export type WaitReason = 'user' | 'event' | 'until' | 'tool_calls' | 'subworkflow' | 'recovery';

export interface ToolCall {
  name: string;
  arguments: JsonObject;
  call_id: string;
}

export interface ToolCallResult {
  call_id: string;
  name: string;
  success: boolean;
  output: JsonValue;
  error: string | null;
}

/** Field names follow the Python runtime's WaitState (`resume_to_node`, `details`…). */
export interface WaitState {
  reason: WaitReason;
  /** Unique per wait; a resume must name it. */
  wait_key: string;
  /** Where the resume payload lands in `vars` (written whole). */
  result_key: string | null;
  /** Node the run continues at once resumed; null completes the run with the payload. */
  resume_to_node: string | null;
  /** ISO time (reason `until`). */
  until: string | null;
  prompt: string | null;
  choices: string[] | null;
  allow_free_text: boolean;
  /** reason `event`. */
  event_name: string | null;
  /** reason `tool_calls`: the calls that need a decision or an external result. */
  tool_calls: ToolCall[] | null;
  /** reason `subworkflow`. */
  child_run_id: string | null;
  /** Reason-specific extras (recovery: the interrupted effect; tool_calls: trust modes). */
  details: JsonObject | null;
}

export interface RunError {
  code: string;
  message: string;
  node_id: string | null;
}

export interface LedgerHead {
  seq: number;
  hash: string;
}

/** An effect attempt whose intent (`started`) is committed but whose outcome is not. */
export interface PendingEffect {
  step_id: string;
  seq: number;
  attempt: number;
  idempotency_key: string;
  effect: EffectRecord;
  /** Where the run continues once the effect completes (null: the effect completes the run). */
  resume_to_node?: string | null;
}

export type RunOrigin =
  | { kind: 'fork'; run_id: string; seq: number; hash: string; snapshot_id: string }
  | {
      kind: 'import';
      source: 'abstractruntime-py' | 'bundle';
      imported_at: string;
      path: string | null;
      /** False when the ledger came without record hashes: shown, never continued here. */
      hash_chain?: boolean;
      /** Python artifact id → our `sha256:` reference of the same bytes (Python imports). */
      artifacts?: Record<string, string>;
      /**
       * The Python run file as it was read (an artifact), and the ledger seq it went with:
       * exported again unchanged while the run has not moved, so its exact numbers survive.
       */
      python_run_file?: { ref: string; ledger_seq: number };
      /**
       * Where the imported state held Python's NaN / Infinity / -Infinity (`vars.ratio`):
       * kept by name as strings for display, so the run is read-only (nothing may compute
       * with a number that is not one).
       */
      non_finite?: string[];
    };

export interface RunState {
  run_id: string;
  workflow_id: string;
  workflow_version: string;
  parent_run_id: string | null;
  status: RunStatus;
  current_node: string;
  vars: JsonObject;
  output: JsonValue | null;
  error: RunError | null;
  waiting: WaitState | null;
  /** A paused run is neither ticked nor resumed and its timers do not fire. */
  paused: boolean;
  step_count: number;
  /** Visits per node: part of every idempotency key, so loops are not taken for replays. */
  visits: Record<string, number>;
  pending_effect: PendingEffect | null;
  ledger_head: LedgerHead | null;
  created_at: string;
  updated_at: string;
  actor_id: string | null;
  /** The Python runtime's session (kept from imported runs; ours have none). */
  session_id?: string | null;
  origin: RunOrigin | null;
}

export type ActorKind = 'runtime' | 'user' | 'llm' | 'tool' | 'scheduler';

export interface ActorFingerprint {
  kind: ActorKind;
  id: string;
  /** sha256 of the canonical JSON of the actor's stable identity fields (never secrets). */
  fingerprint: string;
}

/** As recorded in the ledger (Python: `{type, payload, result_key}`). */
export interface EffectRecord {
  type: string;
  payload: JsonObject;
  result_key: string | null;
}

export type RecordStatus = 'started' | 'completed' | 'waiting' | 'failed';

/** Records that are not effect attempts say what they are in `kind`. */
export type RecordKind =
  | 'effect'
  | 'run_started'
  | 'transition'
  | 'resumed'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'paused'
  | 'unpaused'
  | 'snapshot'
  | 'restored'
  | 'forked'
  | 'recovery';

/**
 * One ledger record: the Python runtime's StepRecord fields plus `seq`, `kind` and `actor`.
 * `record_hash = sha256(canonicalJson(record without record_hash and signature))`.
 * Records imported from the Python runtime have no `seq`/`kind`/`actor` in their hashed
 * body; the importer numbers them from 0 in file order.
 */
export interface LedgerRecord {
  run_id: string;
  step_id: string;
  node_id: string | null;
  status: RecordStatus;
  kind: RecordKind;
  seq: number;
  effect: EffectRecord | null;
  result: JsonValue | null;
  error: { code: string; message: string } | string | null;
  started_at: string;
  ended_at: string | null;
  actor_id: string | null;
  actor: ActorFingerprint | null;
  attempt: number;
  idempotency_key: string | null;
  prev_hash: string | null;
  record_hash: string;
  signature: string | null;
}

/** A large value kept out of vars and records, content-addressed. */
export interface ArtifactRef {
  $artifact: string; // "sha256:<hex>"
  size: number;
  mime: string;
}

export interface Snapshot {
  snapshot_id: string;
  run_id: string;
  name: string;
  description: string | null;
  tags: string[];
  created_at: string;
  ledger_seq: number;
  state_hash: string;
  state: RunState;
}

export type SnapshotSummary = Omit<Snapshot, 'state'>;

/** What lists show: a run without its vars. */
export interface RunSummary {
  run_id: string;
  workflow_id: string;
  workflow_version: string;
  parent_run_id: string | null;
  status: RunStatus;
  current_node: string;
  waiting_reason: WaitReason | null;
  wait_prompt: string | null;
  paused: boolean;
  step_count: number;
  ledger_seq: number;
  created_at: string;
  updated_at: string;
  origin_kind: RunOrigin['kind'] | null;
  /** Set by a host in run lists: why a runnable run is not advancing (see RunView.stalled). */
  stalled?: string;
  /** What the run waits for, when waiting: the event's name, the timer's ISO time, the child run. */
  wait_event_name?: string | null;
  wait_until?: string | null;
  wait_child_run_id?: string | null;
  /** Why a failed run failed (its error, without the stack). */
  error_summary?: { code: string; message: string; node_id: string | null } | null;
}

export type VerifyFailureReason =
  | 'hash_mismatch'
  | 'broken_link'
  | 'gap'
  | 'reorder'
  | 'bad_signature'
  | 'truncated'
  | 'malformed'
  /** Written without a hash chain (Python's JsonlLedgerStore alone): nothing to check against. */
  | 'unchained';

export interface VerifyReport {
  valid: boolean;
  records: number;
  firstBadSeq: number | null;
  reason: VerifyFailureReason | null;
  /** Human sentence for the UI and CLI. */
  message: string;
  /** Present when the chain carries signatures or a signed head. */
  signed: { publicKey: string; signedSeq: number; keyId: string } | null;
  /** Who vouches for the chain (set where a trust list is known: host, CLI). */
  trust?: VerifyTrust;
  /** The trust in words, e.g. "unsigned: integrity only (…)". */
  trustMessage?: string;
}

/** unsigned: anyone can re-hash; own_key: this machine's key; trusted_key: on the user's trust list; unknown_key: anyone's. */
export type VerifyTrust = 'unsigned' | 'own_key' | 'trusted_key' | 'unknown_key';

export interface SignedHead {
  run_id: string;
  seq: number;
  hash: string;
  sig: string;
  public_key: string;
}

/** Graph of a workflow, as the inspector draws it. */
export interface WorkflowNodeInfo {
  id: string;
  label: string;
  kind: string;
  next: string[];
  /** Labels the workflow declares on some of `next` (absent: none, as for a graph drawn from a ledger). */
  edge_labels?: WorkflowEdgeLabel[];
}

/** The label on the edge to `target`, and when it is taken in words (null: not said). */
export interface WorkflowEdgeLabel {
  target: string;
  label: string;
  condition: string | null;
}

export interface WorkflowInfo {
  id: string;
  version: string;
  label: string;
  description: string;
  entry: string;
  nodes: WorkflowNodeInfo[];
  default_vars: JsonObject;
  /** The JSON Schema the workflow declares for its vars (null: any JSON object is accepted). */
  input_schema?: JsonObject | null;
  /** `ledger`: not a definition, the nodes a run visited (its workflow is not known here). */
  source: 'builtin' | 'module' | 'ledger';
}

export type LlmMode = 'local' | 'remote' | 'hybrid';

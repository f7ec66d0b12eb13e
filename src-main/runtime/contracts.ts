/**
 * What the kernel needs from the world, as interfaces: workflows, effect handlers, a clock,
 * and the stores. Implementations are injected (stores in src-main/store, effect handlers
 * in src-main/effects); the kernel imports none of them.
 */
import type { JsonObject, JsonValue } from '../../src-shared/json';
import type {
  ArtifactRef,
  LedgerRecord,
  RunState,
  RunStatus,
  RunSummary,
  Snapshot,
  SnapshotSummary,
  WaitState,
  ActorFingerprint,
} from '../../src-shared/types';

// ---------------------------------------------------------------- workflows

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
}

export type NodeHandler = (run: Readonly<RunState>, ctx: NodeContext) => StepPlan | Promise<StepPlan>;

export interface NodeDefinition {
  handler: NodeHandler;
  /** The nodes a plan may go to: what the inspector draws; any other target is refused. */
  next?: string[];
  label?: string;
  kind?: string;
  retry?: RetryPolicy;
}

export interface WorkflowSpec {
  id: string;
  version: string;
  entry: string;
  nodes: Record<string, NodeDefinition>;
  label?: string;
  description?: string;
  defaultVars?: JsonObject;
}

/** A validated workflow (see defineWorkflow). */
export interface WorkflowDefinition extends WorkflowSpec {
  readonly validated: true;
}

export interface WorkflowRegistry {
  get(workflowId: string, version?: string): WorkflowDefinition | undefined;
  list(): WorkflowDefinition[];
}

// ---------------------------------------------------------------- effects

export interface EffectContext {
  readonly run: Readonly<RunState>;
  readonly nodeId: string;
  readonly stepId: string;
  readonly attempt: number;
  /** Stable across retries and crash recovery: providers and tools may deduplicate on it. */
  readonly idempotencyKey: string;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  readonly now: Date;
}

export type EffectOutcome =
  | { kind: 'completed'; result: JsonValue; actor?: ActorFingerprint }
  /** The run waits; the kernel fills in wait_key, result_key and resume_to_node. */
  | { kind: 'waiting'; wait: Partial<WaitState> & Pick<WaitState, 'reason'> }
  | { kind: 'failed'; error: { code: string; message: string }; retryable?: boolean };

export interface EffectHandler {
  execute(effect: EffectRequest, ctx: EffectContext): Promise<EffectOutcome>;
  /**
   * Whether running this effect again after a crash is harmless. A non-idempotent effect
   * interrupted mid-flight puts the run in `waiting` (reason `recovery`) for a person.
   */
  isIdempotent(effect: EffectRequest): boolean;
  /**
   * Whether the effect touches the outside world. Effects that do are preceded by a
   * committed intent record; those that do not (pure waits) share one transaction.
   */
  hasSideEffects?(effect: EffectRequest): boolean;
  /**
   * Called when a wait this handler produced is resumed (tool approvals, passthrough
   * results, a child run's outcome): turns the resume payload into the effect's outcome.
   * Without it, the payload itself is the effect's result.
   */
  resume?(effect: EffectRequest, wait: WaitState, payload: JsonValue, ctx: EffectContext): Promise<EffectOutcome>;
  /**
   * The part of the payload that identifies the effect for its idempotency key. Tool calls
   * drop provider call ids here: a re-asked LLM invents new ids for the same calls, and the
   * completed result must still be found and reused.
   */
  keyPayload?(effect: EffectRequest): JsonObject;
  /** Fits a reused (recorded) result to the request that found it, e.g. new call ids. */
  adaptReusedResult?(result: JsonValue, effect: EffectRequest): JsonValue;
}

export type EffectHandlers = Record<string, EffectHandler>;

// ---------------------------------------------------------------- time and ids

export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface IdGenerator {
  runId(): string;
  stepId(): string;
  /** Optional; the runtime falls back to `snap-<stepId()>`. */
  snapshotId?(): string;
}

// ---------------------------------------------------------------- stores

export interface RunFilter {
  status?: RunStatus | RunStatus[];
  workflowId?: string;
  /** Text over run id, workflow id and current node. */
  search?: string;
  parentRunId?: string;
  /** Runs created at or after / before this ISO time (normalised to toISOString by the API). */
  createdFrom?: string;
  createdTo?: string;
  limit?: number;
  offset?: number;
}

export interface LedgerPage {
  records: LedgerRecord[];
  /** Records in the run's ledger. */
  total: number;
}

export interface LedgerQuery {
  /** Records with seq > afterSeq, ascending. */
  afterSeq?: number;
  /** Records with seq < beforeSeq, ascending (the page just before it). */
  beforeSeq?: number;
  /** The last `limit` records (ascending) when neither bound is given. */
  fromEnd?: boolean;
  limit: number;
}

/**
 * One atomic write: the run's new state and the ledger records that lead to it. A SQLite
 * store makes it one transaction. `expectedHeadSeq` is the ledger head the writer started
 * from: a store must refuse the write (ConcurrentUpdateError) if the head moved.
 */
/** A lease claimed inside a commit: `owner` holds the run until `now + ttlMs`. */
export interface LeaseClaim {
  owner: string;
  ttlMs: number;
  now: Date;
}

export interface CommitBatch {
  state: RunState;
  records: LedgerRecord[];
  expectedHeadSeq: number | null;
  isNew?: boolean;
  /**
   * Claims (or extends) the run's lease in the same transaction as the write; the commit
   * throws RunLeasedError, writing nothing, while another owner holds a live lease. A
   * side-effecting effect's intent commit carries this, so only one host ever runs it.
   */
  lease?: LeaseClaim;
  /** With `lease`: the lease is released once this commit is written (the operation's last write). */
  releaseLease?: boolean;
}

export interface RunStore {
  getRun(runId: string): RunState | null;
  listRuns(filter?: RunFilter): { runs: RunSummary[]; total: number };
  /** Runs with status `waiting` and wait reason `until` due at or before `now`, not paused. */
  listDueTimers(now: Date): RunState[];
  /** Runs waiting on an event of this name (not paused). */
  listWaitingForEvent(eventName: string): RunState[];
  /** Runs with status `running` (to advance or recover on start). */
  listRunnable(): RunState[];
}

export interface LedgerStore {
  readLedger(runId: string, query: LedgerQuery): LedgerPage;
  /** The completed effect record with this idempotency key (index lookup, not a scan). */
  findCompletedEffect(runId: string, idempotencyKey: string): LedgerRecord | null;
  /** Every record of a run in seq order, as an iterator (verify, export). */
  iterateLedger(runId: string): Iterable<LedgerRecord>;
}

export interface LeaseStore {
  /** Claims the run for `owner` until now+ttl; throws RunLeasedError if another owner holds a live lease. */
  acquireLease(runId: string, owner: string, ttlMs: number, now: Date): void;
  releaseLease(runId: string, owner: string): void;
}

export interface RuntimeStore extends RunStore, LedgerStore, LeaseStore {
  commit(batch: CommitBatch): void;
}

export interface SnapshotQuery {
  runId?: string;
  text?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export interface SnapshotStore {
  saveSnapshot(snapshot: Snapshot): void;
  getSnapshot(snapshotId: string): Snapshot | null;
  searchSnapshots(query: SnapshotQuery): SnapshotSummary[];
}

export interface ArtifactStore {
  /** Stores bytes once (content-addressed) and returns their reference. */
  putArtifact(bytes: Uint8Array, mime: string): ArtifactRef;
  /** Reads and verifies the SHA-256; throws ArtifactNotFoundError / ArtifactCorruptError. */
  getArtifact(ref: string): { bytes: Uint8Array; mime: string };
  hasArtifact(ref: string): boolean;
}

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
  limit?: number;
  /**
   * The page after this one (a `nextCursor` from the previous page): a keyset range on the
   * list's index, as cheap at the millionth run as at the first.
   */
  cursor?: string;
  /** Legacy: rows skipped before the page; costs grow with it (use `cursor`). */
  offset?: number;
}

export interface RunPage {
  runs: RunSummary[];
  /** Runs matching the filter (kept per status, not counted per page, where the filter allows). */
  total: number;
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
}

/** A bounded slice of a work list: at most `limit`, after the last run of the previous slice. */
export interface ListPage {
  limit: number;
  after?: RunState;
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
  listRuns(filter?: RunFilter): RunPage;
  /** Runs with status `waiting` and wait reason `until` due at or before `now`, not paused, by due time. */
  listDueTimers(now: Date, page?: ListPage): RunState[];
  /** Runs waiting on an event of this name (not paused), by run id. */
  listWaitingForEvent(eventName: string, page?: ListPage): RunState[];
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
  /**
   * Resolves once every commit made so far survives a power loss. A store that makes each
   * commit durable by itself need not have it; one that groups fsyncs across runs in flight
   * (SQLite at durability 'full') must, and the kernel awaits it before a side effect runs
   * and before an operation returns.
   */
  whenDurable?(): Promise<void>;
}

export interface SnapshotQuery {
  runId?: string;
  text?: string;
  from?: string;
  to?: string;
  limit?: number;
  /** The page after this snapshot (the last of the previous page): a keyset range, no OFFSET. */
  after?: { created_at: string; snapshot_id: string };
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

// ---------------------------------------------------------------- the work queue

/** A process that claims and advances runnable runs (`worker`, `serve`, the desktop app). */
export interface WorkerInfo {
  workerId: string;
  kind: string;
  hostname: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  /** Considered gone after this (epoch ms) unless it beats again. */
  expiresAt: number;
  /** The workflows it can advance, as `id@version`. */
  workflows: string[];
}

export interface ClaimRequest {
  owner: string;
  now: Date;
  ttlMs: number;
  /** At most this many runs. */
  limit: number;
  /** Whether this worker can advance a run of that workflow (id + version). */
  accepts(workflowId: string, workflowVersion: string): boolean;
  /** Runs this owner is already advancing in-process: never claimed again. */
  busy(runId: string): boolean;
  /** Whether another owner's unexpired lease may be taken over (its process died). */
  ownerGone?(owner: string): boolean;
}

/** What the queue knows of one run: when it became runnable and who holds it. */
export interface RunWorkState {
  runnableAt: number | null;
  lease: { owner: string; expiresAt: number } | null;
}

/**
 * The database as the work queue (docs/proposal.md). A store keeps `runnableAt` (see
 * runtime/runnable.ts) indexed with every commit, and wakes a parent in the same commit in
 * which its child ends. A claim takes leases on runnable runs nobody holds, in one
 * transaction (SQLite: IMMEDIATE; a server database: `FOR UPDATE SKIP LOCKED`).
 */
export interface WorkQueueStore {
  claimRunnable(req: ClaimRequest): string[];
  /** The earliest time any run becomes runnable (null: none), so a worker can sleep until then. */
  nextRunnableAt(): number | null;
  /**
   * Takes a run off the queue until its next commit (it stopped at a breakpoint or in step
   * mode: a person continues it). Does nothing if the run's head moved past `headSeq`.
   */
  holdRun(runId: string, headSeq: number | null): void;
  workState(runId: string): RunWorkState | null;
  heartbeatWorker(info: WorkerInfo): void;
  removeWorker(workerId: string): void;
  liveWorkers(now: Date): WorkerInfo[];
  /**
   * A number that changes whenever any process committed to the store since the last read
   * (SQLite: `PRAGMA data_version` plus this connection's own writes): cheap enough to read
   * every few milliseconds, so workers and the change feed never scan tables while idle.
   */
  changeToken(): number;
}

// ---------------------------------------------------------------- the change feed

export interface RunChange {
  runId: string;
  headSeq: number | null;
  changeSeq: number;
}

/**
 * Every commit by any process, readable by every other (docs/proposal.md, "The change
 * feed"). SQLite: a change sequence on the runs row, read only when `PRAGMA data_version`
 * says another connection wrote; a server database: the same sequence plus LISTEN/NOTIFY.
 */
export interface ChangeFeedStore {
  /** Moves only when another connection or process committed (own writes do not count). */
  foreignChangeToken(): number;
  /** Runs changed after `afterSeq`, oldest change first, at most `limit`. */
  changesSince(afterSeq: number, limit: number): RunChange[];
  lastChangeSeq(): number;
}

/**
 * What a store implements (src-main/store): runs, their ledgers and leases for the kernel,
 * snapshots and artifacts, and the provenance/import methods the ledger layer uses.
 */
import type {
  ArtifactRef,
  LedgerRecord,
  RunState,
  RunStatus,
  RunSummary,
  SignedHead,
  Snapshot,
  SnapshotSummary,
} from '../../src-shared/types';

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

/** A lease claimed inside a commit: `owner` holds the run until `now + ttlMs`. */
export interface LeaseClaim {
  owner: string;
  ttlMs: number;
  now: Date;
}

/**
 * One atomic write: the run's new state and the ledger records that lead to it. A SQLite
 * store makes it one transaction. `expectedHeadSeq` is the ledger head the writer started
 * from: a store must refuse the write (ConcurrentUpdateError) if the head moved.
 */
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
  /**
   * The writer awaits `whenDurable(runId)` before anything relies on this commit (an effect,
   * the operation's return), so a store may hold it and send it with the other commits of
   * the same turn; a refusal then reaches the writer from `whenDurable(runId)`. Reads see
   * it at once. A store that sends every commit at once ignores the flag.
   */
  deferrable?: boolean;
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
  /**
   * The completed effect record with this idempotency key (index lookup, not a scan).
   * `asOfHeadSeq`: the head the asker's state is at; the store may then answer "none" from
   * what it knows of the run at that head without asking the database, because any commit
   * made against that head is refused if the run has moved on since.
   */
  findCompletedEffect(runId: string, idempotencyKey: string, asOfHeadSeq?: number | null): LedgerRecord | null;
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
   * and before an operation returns. With `runId`: it also rejects if a deferrable commit of
   * that run was refused (with the refusal), and only then; other runs' refusals are theirs.
   */
  whenDurable?(runId?: string): Promise<void>;
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

/** One stored record as the verifier and exporter read it. */
export interface StoredRecordRow {
  seq: number;
  record_hash: string;
  signature: string | null;
  /** Canonical JSON of the hashed body. */
  body: string;
  /** True for records imported from another runtime (no `seq` in the body). */
  foreign: boolean;
}

/** The indexed columns of an imported row (its status and idempotency key). */
export type RowStatusOf = (row: StoredRecordRow) => { status: string; key: string | null };

/**
 * Provenance and import: what a store that keeps the exact hashed bytes (SqliteStore) adds
 * beyond the kernel's needs. The ledger layer verifies from these rows instead of
 * re-canonicalizing, keeps the signed head beside the run, and imports another runtime's
 * records as they are. Stores without it (MemoryStore) are verified from their records.
 */
/** How an import may write: nothing (`same`), or the rows from `appendFrom` on (0: a new run). */
export type ImportPlanResult = { kind: 'same' } | { kind: 'write'; appendFrom: number };

export interface ImportExtras {
  /** Decides against the run already stored (null: none); throws to refuse. */
  plan?: (existing: RunState | null, rows: StoredRecordRow[], storedRowAt: (seq: number) => StoredRecordRow | null) => ImportPlanResult;
  /** Saved with the run, in the same transaction; ids already present are kept as they are. */
  snapshots?: Snapshot[];
  /** Saved only when the store holds no signed head for the run (an import never replaces one). */
  signedHead?: SignedHead | null;
}

export interface ProvenanceStore {
  /** Every stored row of a run in seq order, the hashed body as it was written. */
  iterateLedgerRows(runId: string): Iterable<StoredRecordRow>;
  /** The same rows handed to `visit` one by one: verification's path, without a generator step per row. */
  scanLedgerRows(runId: string, visit: (row: StoredRecordRow) => void): void;
  saveSignedHead(head: SignedHead): void;
  getSignedHead(runId: string): SignedHead | null;
  /**
   * Stores a verified run from elsewhere (Python runtime, bundle) with its rows as they are.
   * Returns false when the same ledger is already here (import is idempotent).
   */
  importRun(state: RunState, rows: StoredRecordRow[], statusOf: RowStatusOf, extras?: ImportExtras): boolean;
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

/**
 * A run a claim leased, with its state as the claim's transaction read it: the worker starts
 * from it without reading the run again (the lease keeps every other process from committing).
 */
export interface ClaimedRun {
  runId: string;
  /**
   * Null when the stored state could not be read (corrupt): the claim still goes through, and
   * the worker reads the run itself and meets the error there, for that run alone.
   */
  state: RunState | null;
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
  claimRunnable(req: ClaimRequest): ClaimedRun[];
  /**
   * The earliest time a run becomes claimable (null: none), so a worker can sleep until then:
   * a runnable run nobody leases, from its `runnableAt`; a leased one, from the later of that
   * and its lease's expiry (a run in flight elsewhere is not work for anyone else until then).
   */
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
  /**
   * A number that changes whenever some commit may have made a run claimable (started,
   * resumed, woken, released while still runnable); a worker claims when it moves, not on
   * every commit of runs in flight. A store that cannot tell returns its change token.
   */
  workToken(): number;
  /**
   * Calls `wake` each time another process may have offered work (PostgreSQL: a `work`
   * notification, or a reconnect that may have missed one), so an idle worker claims at once
   * instead of at its next poll. A store that is not told (SQLite) has none: its workers poll.
   * Returns what stops the calls.
   */
  onWorkOffered?(wake: () => void): () => void;
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

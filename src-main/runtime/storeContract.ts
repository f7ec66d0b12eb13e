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
  importRun(state: RunState, rows: StoredRecordRow[], statusOf: RowStatusOf): boolean;
}

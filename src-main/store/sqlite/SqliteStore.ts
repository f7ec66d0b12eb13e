/**
 * The embedded default store: runs, ledger, leases, snapshots, artifacts and signed heads
 * in one SQLite file (WAL). One `commit` is one IMMEDIATE transaction (state + records), so
 * a crash keeps either the whole step or none of it. Reads page with indexes and never load
 * a whole ledger; ledger rows keep the exact hashed bytes for fast verification.
 */
import type Database from 'better-sqlite3';
import {
  DatabaseCorruptError,
  RuntimeError,
  ArtifactCorruptError,
  ArtifactNotFoundError,
  ImportError,
  NonJsonValueError,
  StoreError,
} from '../../../src-shared/errors';
import { findNonJsonPath } from '../../../src-shared/json';
import type {
  ArtifactRef,
  LedgerRecord,
  RunState,
  RunSummary,
  SignedHead,
  Snapshot,
  SnapshotSummary,
} from '../../../src-shared/types';
import type {
  ArtifactStore,
  CommitBatch,
  LedgerPage,
  LedgerQuery,
  RunFilter,
  RuntimeStore,
  SnapshotQuery,
  SnapshotStore,
} from '../../runtime/contracts';
import { toRunSummary } from '../../runtime/runSummary';
import { sha256Hex } from '../../runtime/sha256';
import { checkBatch } from '../memory/checkBatch';
import { checkLease, type HeldLease, type OwnerGone } from '../leaseRule';
import { readJsonExact, stringifyExact } from '../../../src-shared/exactJson';
import { isDeadLocalOwner } from '../processLeaseOwner';
import { recordFromRow, rowFromRecord, type StoredRecordRow } from './ledgerRows';
import { DatabaseFileIdentity } from './fileIdentity';
import { openDatabase, type OpenOptions } from './openDatabase';
import { SCHEMA_VERSION } from './schema';
import { guarded, toStoreError } from './sqliteErrors';
import { prepareStatements, type LedgerTuple, type Statements } from './statements';
import { runColumns, runWhere, snapshotWhere } from './queryFilters';

export type { StoredRecordRow } from './ledgerRows';
export type { Durability, OpenOptions } from './openDatabase';

const PAGE = 1000;

/** The indexed columns of an imported row (its status and idempotency key). */
export type RowStatusOf = (row: StoredRecordRow) => { status: string; key: string | null };


export class SqliteStore implements RuntimeStore, SnapshotStore, ArtifactStore {
  private readonly st: Statements;
  private readonly listCache = new Map<string, Database.Statement>();
  private readonly commitTx: Database.Transaction<(batch: CommitBatch, rows: StoredRecordRow[], state: string) => void>;
  private readonly leaseTx: Database.Transaction<(runId: string, owner: string, expiresAt: number, now: number) => void>;
  /**
   * Says whether another owner's unexpired lease may be taken over anyway: by default, when
   * its owner is a process of this machine that no longer exists (see processLeaseOwner).
   */
  leaseOwnerGone: OwnerGone = isDeadLocalOwner;
  private readonly importTx: Database.Transaction<(state: RunState, rows: StoredRecordRow[], statusOf: RowStatusOf) => boolean>;
  private readonly file: DatabaseFileIdentity | null;

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
    readonly readonly: boolean,
  ) {
    this.file = DatabaseFileIdentity.of(path);
    this.st = prepareSchemaStatements(db, path);
    this.commitTx = db.transaction((batch, rows, state) => this.commitInTx(batch, rows, state));
    this.leaseTx = db.transaction((runId, owner, expiresAt, now) => this.leaseInTx(runId, owner, expiresAt, now));
    this.importTx = db.transaction((state, rows, statusOf) => this.importInTx(state, rows, statusOf));
  }

  static open(path: string, opts: OpenOptions = {}): SqliteStore {
    const db = openDatabase(path, opts);
    try {
      return new SqliteStore(db, path, !!opts.readonly);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  get schemaVersion(): number {
    return SCHEMA_VERSION;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Why this store no longer writes (its file was deleted or replaced under it), or null. */
  fileProblem(): string | null {
    return this.file?.currentProblem() ?? null;
  }

  // ------------------------------------------------------------ runs + ledger

  commit(batch: CommitBatch): void {
    const bad = findNonJsonPath(batch.state, 'state');
    if (bad) throw new NonJsonValueError(`cannot store run ${batch.state.run_id}: ${bad} is not plain JSON`, { path: bad });
    const rows = batch.records.map(rowFromRecord);
    const state = stringifyExact(batch.state);
    this.file?.assertWritable();
    this.run(() => this.commitTx.immediate(batch, rows, state));
  }

  private commitInTx(batch: CommitBatch, rows: StoredRecordRow[], state: string): void {
    const head = this.st.runHead.get(batch.state.run_id) as { head_seq: number | null; head_hash: string | null } | undefined;
    // checkBatch reads only existence and the head: a stub spares parsing the stored state.
    const current = head ? ({ ledger_head: head.head_seq === null ? null : { seq: head.head_seq, hash: head.head_hash } } as RunState) : null;
    const lease = batch.lease;
    const held = lease ? this.heldLease(batch.state.run_id) : undefined;
    if (lease) checkLease(batch.state.run_id, held, lease.owner, lease.now.getTime(), this.leaseOwnerGone);
    checkBatch(batch, current);
    batch.records.forEach((r, i) => this.insertRow(r.run_id, rows[i]!, r.status, r.idempotency_key));
    this.st.upsertRun.run(runColumns(batch.state, state));
    if (!lease) return;
    // The check above proved any other holder expired or gone: the row can be overwritten or dropped.
    if (batch.releaseLease) {
      if (held) this.st.dropLease.run(batch.state.run_id);
    } else this.st.putLease.run(batch.state.run_id, lease.owner, lease.now.getTime() + lease.ttlMs);
  }

  private heldLease(runId: string): HeldLease | undefined {
    const row = this.st.getLease.get(runId) as [owner: string, expiresAt: number] | undefined;
    return row ? { owner: row[0], expiresAt: row[1] } : undefined;
  }

  private insertRow(runId: string, row: StoredRecordRow, status: string, key: string | null): void {
    this.st.insertRecord.run(runId, row.seq, row.record_hash, row.signature, status, key, row.foreign ? 1 : 0, row.body);
  }

  getRun(runId: string): RunState | null {
    const row = this.run(() => this.st.getRun.get(runId)) as { state: string } | undefined;
    return row ? parseStored<RunState>(row.state, this.path, `the state of run ${runId}`) : null;
  }

  listRuns(filter: RunFilter = {}): { runs: RunSummary[]; total: number } {
    const { where, params } = runWhere(filter);
    const count = this.cached(`count:${where}`, `SELECT count(*) AS n FROM runs ${where}`);
    const total = (this.run(() => count.get(...params)) as { n: number }).n;
    const sql = `SELECT state FROM runs ${where} ORDER BY updated_at DESC, run_id DESC LIMIT ? OFFSET ?`;
    const rows = this.run(() => this.cached(`list:${where}`, sql).all(...params, filter.limit ?? -1, filter.offset ?? 0)) as {
      state: string;
    }[];
    return { runs: rows.map((r) => toRunSummary(parseStored<RunState>(r.state, this.path, 'a run state'))), total };
  }

  listDueTimers(now: Date): RunState[] {
    return this.states(this.st.dueTimers, now.getTime());
  }

  listWaitingForEvent(eventName: string): RunState[] {
    return this.states(this.st.waitingForEvent, eventName);
  }

  listRunnable(): RunState[] {
    return this.states(this.st.runnable);
  }

  readLedger(runId: string, q: LedgerQuery): LedgerPage {
    const limit = Math.max(0, q.limit);
    // Seqs are contiguous from 0, so the head gives the count without scanning the ledger.
    const head = this.run(() => this.st.runHead.get(runId)) as { head_seq: number | null } | undefined;
    const total = head?.head_seq == null ? 0 : head.head_seq + 1;
    const rows = this.run(() => this.ledgerPage(runId, q, limit));
    return { records: rows.map((r) => this.record(toStored(r))), total };
  }

  private ledgerPage(runId: string, q: LedgerQuery, limit: number): LedgerTuple[] {
    if (q.afterSeq !== undefined) return this.st.ledgerAfter.all(runId, q.afterSeq, limit) as LedgerTuple[];
    if (q.beforeSeq !== undefined) return (this.st.ledgerBefore.all(runId, q.beforeSeq, limit) as LedgerTuple[]).reverse();
    if (q.fromEnd) return (this.st.ledgerBefore.all(runId, Number.MAX_SAFE_INTEGER, limit) as LedgerTuple[]).reverse();
    return this.st.ledgerAfter.all(runId, -1, limit) as LedgerTuple[];
  }

  findCompletedEffect(runId: string, idempotencyKey: string): LedgerRecord | null {
    const row = this.run(() => this.st.completedByKey.get(runId, idempotencyKey)) as LedgerTuple | undefined;
    return row ? this.record(toStored(row)) : null;
  }

  *iterateLedger(runId: string): Iterable<LedgerRecord> {
    for (const row of this.iterateLedgerRows(runId)) yield this.record(row);
  }

  /**
   * The stored rows (hashed bytes included) in seq order, read a page at a time so a long
   * ledger is never held in memory and the connection stays free between pages.
   */
  *iterateLedgerRows(runId: string): Iterable<StoredRecordRow> {
    let after = -1;
    for (;;) {
      const rows = this.run(() => this.st.ledgerAfter.all(runId, after, PAGE)) as LedgerTuple[];
      for (const r of rows) yield toStored(r);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]![0];
    }
  }

  /**
   * The same rows as iterateLedgerRows, handed to `visit` one by one: verification's path,
   * without a generator step per row.
   */
  scanLedgerRows(runId: string, visit: (row: StoredRecordRow) => void): void {
    let after = -1;
    for (;;) {
      const rows = this.run(() => this.st.ledgerAfter.all(runId, after, PAGE)) as LedgerTuple[];
      for (let i = 0; i < rows.length; i++) visit(toStored(rows[i]!));
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]![0];
    }
  }

  // ------------------------------------------------------------ leases

  acquireLease(runId: string, owner: string, ttlMs: number, now: Date): void {
    this.file?.assertWritable();
    this.run(() => this.leaseTx.immediate(runId, owner, now.getTime() + ttlMs, now.getTime()));
  }

  private leaseInTx(runId: string, owner: string, expiresAt: number, now: number): void {
    checkLease(runId, this.heldLease(runId), owner, now, this.leaseOwnerGone);
    this.st.putLease.run(runId, owner, expiresAt);
  }

  releaseLease(runId: string, owner: string): void {
    this.run(() => this.st.deleteLease.run(runId, owner));
  }

  // ------------------------------------------------------------ snapshots

  saveSnapshot(s: Snapshot): void {
    const bad = findNonJsonPath(s, 'snapshot');
    if (bad) throw new NonJsonValueError(`cannot store snapshot: ${bad} is not plain JSON`, { path: bad });
    const info = this.run(() =>
      this.st.insertSnapshot.run(s.snapshot_id, s.run_id, s.name, s.description, JSON.stringify(s.tags), s.created_at, stringifyExact(s)),
    );
    if (info.changes === 0) throw new StoreError(`snapshot ${s.snapshot_id} already exists`, { snapshotId: s.snapshot_id });
  }

  getSnapshot(snapshotId: string): Snapshot | null {
    const row = this.run(() => this.st.getSnapshot.get(snapshotId)) as { body: string } | undefined;
    return row ? parseStored<Snapshot>(row.body, this.path, `snapshot ${snapshotId}`) : null;
  }

  searchSnapshots(q: SnapshotQuery): SnapshotSummary[] {
    const { where, params } = snapshotWhere(q);
    const sql = `SELECT body FROM snapshots ${where} ORDER BY created_at DESC, snapshot_id DESC LIMIT ?`;
    const rows = this.run(() => this.cached(`snap:${where}`, sql).all(...params, q.limit ?? -1)) as { body: string }[];
    return rows.map((r) => {
      const { state: _state, ...summary } = parseStored<Snapshot>(r.body, this.path, 'a snapshot');
      return summary;
    });
  }

  // ------------------------------------------------------------ artifacts

  putArtifact(bytes: Uint8Array, mime: string): ArtifactRef {
    const ref = `sha256:${sha256Hex(bytes)}`;
    this.file?.assertWritable();
    this.run(() => this.st.insertArtifact.run(ref, mime, bytes.byteLength, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    return { $artifact: ref, size: bytes.byteLength, mime };
  }

  getArtifact(ref: string): { bytes: Uint8Array; mime: string } {
    const row = this.run(() => this.st.getArtifact.get(ref)) as { mime: string; bytes: Buffer } | undefined;
    if (!row) throw new ArtifactNotFoundError(`artifact ${ref} not found in ${this.path}`, { ref });
    if (`sha256:${sha256Hex(row.bytes)}` !== ref)
      throw new ArtifactCorruptError(`artifact ${ref} in ${this.path} does not match its SHA-256: its bytes were changed`, { ref });
    return { bytes: new Uint8Array(row.bytes), mime: row.mime };
  }

  hasArtifact(ref: string): boolean {
    return !!this.run(() => this.st.hasArtifact.get(ref));
  }

  // ------------------------------------------------------------ provenance + import

  saveSignedHead(head: SignedHead): void {
    this.file?.assertWritable();
    this.run(() => this.st.putSignedHead.run(head.run_id, head.seq, head.hash, head.sig, head.public_key));
  }

  getSignedHead(runId: string): SignedHead | null {
    return (this.run(() => this.st.getSignedHead.get(runId)) as SignedHead | undefined) ?? null;
  }

  /**
   * Stores a verified run from elsewhere (Python runtime, bundle) with its rows as they are.
   * Returns false when the same ledger is already here (import is idempotent).
   */
  importRun(state: RunState, rows: StoredRecordRow[], statusOf: RowStatusOf): boolean {
    this.file?.assertWritable();
    return this.run(() => this.importTx.immediate(state, rows, statusOf));
  }

  private importInTx(state: RunState, rows: StoredRecordRow[], statusOf: RowStatusOf): boolean {
      const last = rows[rows.length - 1];
      const head = this.st.runHead.get(state.run_id) as { head_seq: number | null; head_hash: string | null } | undefined;
      if (head) {
        if (head.head_seq === (last?.seq ?? null) && head.head_hash === (last?.record_hash ?? null)) return false;
        throw new ImportError(`run ${state.run_id} already exists here with a different ledger`, { runId: state.run_id });
      }
      rows.forEach((row, i) => {
        if (row.seq !== i) throw new StoreError(`imported record ${row.seq} is out of order (expected ${i})`, { runId: state.run_id });
        const { status, key } = statusOf(row);
        this.insertRow(state.run_id, row, status, key);
      });
      this.st.upsertRun.run(runColumns(state, stringifyExact(state)));
      return true;
  }

  // ------------------------------------------------------------ internals

  private record(row: StoredRecordRow): LedgerRecord {
    try {
      return recordFromRow(row);
    } catch (err) {
      throw new DatabaseCorruptError(`${this.path}: ledger record ${row.seq} is damaged (${(err as Error).message})`, {
        file: this.path,
        seq: row.seq,
      });
    }
  }

  private run<T>(fn: () => T): T {
    return guarded(this.path, fn);
  }

  private states(stmt: Database.Statement, ...params: unknown[]): RunState[] {
    const rows = this.run(() => stmt.all(...params)) as { state: string }[];
    return rows.map((r) => parseStored<RunState>(r.state, this.path, 'a run state'));
  }

  private cached(key: string, sql: string): Database.Statement {
    let stmt = this.listCache.get(key);
    if (!stmt) {
      stmt = this.run(() => this.db.prepare(sql));
      this.listCache.set(key, stmt);
    }
    return stmt;
  }
}

/** Stored JSON that no longer parses was damaged on disk. Read exactly: numbers stay as written. */
function parseStored<T>(text: string, file: string, what: string): T {
  try {
    return readJsonExact(text) as T;
  } catch (err) {
    throw new DatabaseCorruptError(`${file}: ${what} is damaged (${(err as Error).message})`, { file });
  }
}

/** Preparing reads the schema: a damaged or unexpected schema is a damaged database. */
function prepareSchemaStatements(db: Database.Database, file: string): Statements {
  try {
    return prepareStatements(db);
  } catch (err) {
    const typed = toStoreError(err, file);
    if (typed instanceof RuntimeError) throw typed;
    throw new DatabaseCorruptError(`${file}: its schema is damaged or not what this version expects (${(err as Error).message})`, { file });
  }
}

// A damaged file can hand back any type in any column: coerce, so the verifier reports the
// row as bad instead of crashing on it.
function toStored(t: LedgerTuple): StoredRecordRow {
  const seq = t[0];
  const hash = t[1];
  const body = t[3];
  return {
    seq: typeof seq === 'number' ? seq : Number(seq),
    record_hash: typeof hash === 'string' ? hash : String(hash),
    signature: typeof t[2] === 'string' ? t[2] : null,
    body: typeof body === 'string' ? body : String(body),
    foreign: t[4] === 1,
  };
}

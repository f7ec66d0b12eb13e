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
import type { ArtifactRef, LedgerRecord, RunState, SignedHead, Snapshot, SnapshotSummary } from '../../../src-shared/types';
import type {
  ArtifactStore,
  ChangeFeedStore,
  ClaimedRun,
  ClaimRequest,
  RunChange,
  CommitBatch,
  LedgerPage,
  LedgerQuery,
  ListPage,
  ImportExtras,
  ImportPlanResult,
  ProvenanceStore,
  RowStatusOf,
  RunFilter,
  RunPage,
  RuntimeStore,
  StoredRecordRow,
  SnapshotQuery,
  SnapshotStore,
  RunWorkState,
  WorkerInfo,
  WorkQueueStore,
} from '../../runtime/storeContract';
import { toRunSummary } from '../../runtime/runSummary';
import { awaitedChild, isTerminal } from '../../runtime/runnable';
import { sha256Hex } from '../../runtime/sha256';
import { checkBatch } from '../checkBatch';
import { decodeRunCursor, encodeRunCursor } from '../runCursor';
import { claimedStateOrNull } from '../claimedState';
import { checkLease, type HeldLease, type OwnerGone } from '../leaseRule';
import { readJsonExact, stringifyExact } from '../../../src-shared/exactJson';
import { isDeadLocalOwner } from '../processLeaseOwner';
import { recordFromRow, rowFromRecord } from '../../runtime/recordRows';
import { DatabaseFileIdentity } from './fileIdentity';
import { groupsCommits, openDatabase, type OpenOptions } from './openDatabase';
import { GroupFsync, yieldTurnOf } from './groupFsync';
import { SCHEMA_VERSION } from './schema';
import { guarded, toStoreError } from './sqliteErrors';
import { prepareStatements, type LedgerTuple, type Statements } from './statements';
import { runColumns, runWhere, snapshotWhere } from './queryFilters';

export type { OpenOptions } from './openDatabase';
// Their home is the store contract now; re-exported for code written against this file.
export type { RowStatusOf, StoredRecordRow } from '../../runtime/storeContract';

const PAGE = 1000;
/** A claim reads the runnable index this many rows at a time, and at most CLAIM_SCAN rows. */
const CLAIM_PAGE = 64;
const CLAIM_SCAN = 4096;
/** Rows of workers whose heartbeat stopped longer ago than this are deleted. */
const WORKER_HISTORY_MS = 24 * 3600_000;

type RunnableTuple = [
  runId: string,
  workflowId: string,
  version: string | null,
  runnableAt: number,
  owner: string | null,
  expiresAt: number | null,
];

export class SqliteStore implements RuntimeStore, SnapshotStore, ArtifactStore, ProvenanceStore, WorkQueueStore, ChangeFeedStore {
  private readonly st: Statements;
  private readonly listCache = new Map<string, Database.Statement>();
  private readonly commitTx: Database.Transaction<(batch: CommitBatch, rows: StoredRecordRow[], state: string) => void>;
  private readonly leaseTx: Database.Transaction<(runId: string, owner: string, expiresAt: number, now: number) => void>;
  /**
   * Says whether another owner's unexpired lease may be taken over anyway: by default, when
   * its owner is a process of this machine that no longer exists (see processLeaseOwner).
   */
  leaseOwnerGone: OwnerGone = isDeadLocalOwner;
  /** Commits through this connection (data_version only counts other connections'). */
  private ownWrites = 0;
  private readonly totals = new Map<string, { token: number; n: number }>();
  private readonly importTx: Database.Transaction<
    (state: RunState, rows: StoredRecordRow[], statusOf: RowStatusOf, extras: ImportExtras) => boolean
  >;
  private readonly claimTx: Database.Transaction<(req: ClaimRequest) => ClaimedRun[]>;
  private readonly file: DatabaseFileIdentity | null;
  private readonly fileKey: string | null;

  /** Set with durability 'full': fsyncs the WAL once per group of commits (groupFsync.ts). */
  readonly groupFsync: GroupFsync | null;

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
    readonly readonly: boolean,
    groupCommit: boolean,
  ) {
    this.file = DatabaseFileIdentity.of(path);
    this.fileKey = this.file?.key ?? null;
    this.groupFsync = groupCommit
      ? new GroupFsync(path, this.fileKey, {
          begin: () => this.run(() => db.exec('BEGIN IMMEDIATE')),
          commit: () => this.run(() => db.exec('COMMIT')),
          rollback: () => db.inTransaction && db.exec('ROLLBACK'),
        })
      : null;
    this.st = prepareSchemaStatements(db, path);
    this.commitTx = db.transaction((batch, rows, state) => this.commitInTx(batch, rows, state));
    this.leaseTx = db.transaction((runId, owner, expiresAt, now) => this.leaseInTx(runId, owner, expiresAt, now));
    this.importTx = db.transaction((state, rows, statusOf, extras) => this.importInTx(state, rows, statusOf, extras));
    this.claimTx = db.transaction((req) => this.claimInTx(req));
  }

  static open(path: string, opts: OpenOptions = {}): SqliteStore {
    const db = openDatabase(path, opts);
    try {
      return new SqliteStore(db, path, !!opts.readonly, groupsCommits(opts, path));
    } catch (err) {
      db.close();
      throw err;
    }
  }

  get schemaVersion(): number {
    return SCHEMA_VERSION;
  }

  close(): void {
    if (this.db.open) {
      this.groupFsync?.syncNow();
      this.db.close();
    }
    this.groupFsync?.close();
  }

  /** Resolves once every commit made so far is on disk (at once with durability 'process'). */
  whenDurable(): Promise<void> {
    return this.groupFsync ? this.run(() => this.groupFsync!.whenDurable()) : Promise.resolve();
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
    // In a turn transaction the file was checked by the turn's first commit, moments ago.
    if (!this.groupFsync?.inTurn) this.file?.assertWritable();
    this.groupFsync?.join();
    this.run(() => this.commitTx.immediate(batch, rows, state));
    this.ownWrites++;
    this.groupFsync?.wrote();
  }

  private commitInTx(batch: CommitBatch, rows: StoredRecordRow[], state: string): void {
    const head = this.st.runHead.get(batch.state.run_id) as { head_seq: number | null; head_hash: string | null } | undefined;
    // checkBatch reads only existence and the head: a stub spares parsing the stored state.
    const current = head
      ? ({ ledger_head: head.head_seq === null ? null : { seq: head.head_seq, hash: head.head_hash } } as RunState)
      : null;
    const lease = batch.lease;
    const held = lease ? this.heldLease(batch.state.run_id) : undefined;
    if (lease) checkLease(batch.state.run_id, held, lease.owner, lease.now.getTime(), this.leaseOwnerGone);
    checkBatch(batch, current);
    batch.records.forEach((r, i) => this.insertRow(r.run_id, rows[i]!, r.status, r.idempotency_key));
    const child = this.awaitedChildEnd(batch.state);
    this.st.upsertRun.run(runColumns(batch.state, state, child.endedAt, child.missing));
    if (batch.state.parent_run_id && isTerminal(batch.state))
      this.st.wakeParent.run(Date.parse(batch.state.updated_at), batch.state.run_id);
    // A parent waiting on a child not yet started was runnable (for whoever starts it): no longer.
    else if (batch.state.parent_run_id && !current) this.st.childStarted.run(batch.state.run_id);
    if (!lease) return;
    // The check above proved any other holder expired or gone: the row can be overwritten or dropped.
    if (batch.releaseLease) {
      if (held) this.st.dropLease.run(batch.state.run_id);
    } else this.st.putLease.run(batch.state.run_id, lease.owner, lease.now.getTime() + lease.ttlMs);
  }

  /** A parent that starts waiting on a child that already ended, or that does not exist yet, is runnable at once. */
  private awaitedChildEnd(state: RunState): { endedAt: number | null; missing: boolean } {
    const child = awaitedChild(state);
    if (!child) return { endedAt: null, missing: false };
    const ended = this.st.childEnded.get(child) as string | null | undefined;
    return { endedAt: ended ? Date.parse(ended) : null, missing: ended === undefined };
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
    return row ? this.parseState(runId, row.state) : null;
  }

  private parseState(runId: string, text: string): RunState {
    return parseStored<RunState>(text, this.path, `the state of run ${runId}`);
  }

  listRuns(filter: RunFilter = {}): RunPage {
    const { where, params } = runWhere(filter);
    const after = filter.cursor !== undefined ? decodeRunCursor(filter.cursor) : null;
    const keyset = after ? `${where ? `${where} AND` : 'WHERE'} (updated_at, run_id) < (?, ?)` : where;
    const limit = filter.limit ?? -1;
    const sql = `SELECT state FROM runs ${keyset} ORDER BY updated_at DESC, run_id DESC LIMIT ? OFFSET ?`;
    const rows = this.run(() =>
      this.cached(`list:${keyset}`, sql).all(...params, ...(after ?? []), limit, after ? 0 : (filter.offset ?? 0)),
    ) as { state: string }[];
    const runs = rows.map((r) => toRunSummary(parseStored<RunState>(r.state, this.path, 'a run state')));
    const last = runs[runs.length - 1];
    const nextCursor = limit > 0 && runs.length === limit && last ? encodeRunCursor(last.updated_at, last.run_id) : null;
    return { runs, total: this.countRuns(filter, where, params), nextCursor };
  }

  /**
   * Totals without a count per page: by status from the counts the schema's triggers keep;
   * other filters are counted once per change of the database (a paging reader pays once).
   */
  private countRuns(filter: RunFilter, where: string, params: unknown[]): number {
    const byStatusOnly = !filter.workflowId && filter.parentRunId === undefined && !filter.search;
    if (byStatusOnly) {
      if (filter.status === undefined) return this.run(() => this.st.countAll.get()) as number;
      return this.run(() => this.st.countStatus.get(JSON.stringify([filter.status].flat()))) as number;
    }
    const key = `${where}\u0000${JSON.stringify(params)}`;
    const token = this.changeToken();
    const hit = this.totals.get(key);
    if (hit && hit.token === token) return hit.n;
    const count = this.cached(`count:${where}`, `SELECT count(*) AS n FROM runs ${where}`);
    const n = (this.run(() => count.get(...params)) as { n: number }).n;
    if (this.totals.size > 64) this.totals.clear();
    this.totals.set(key, { token, n });
    return n;
  }

  listDueTimers(now: Date, page?: ListPage): RunState[] {
    const after = page?.after;
    const at = after?.waiting?.until ? Date.parse(after.waiting.until) : Number.MIN_SAFE_INTEGER;
    return this.states(this.st.dueTimers, now.getTime(), at, at, after?.run_id ?? '', page?.limit ?? -1);
  }

  listWaitingForEvent(eventName: string, page?: ListPage): RunState[] {
    return this.states(this.st.waitingForEvent, eventName, page?.after?.run_id ?? '', page?.limit ?? -1);
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

  // ------------------------------------------------------------ the work queue

  claimRunnable(req: ClaimRequest): ClaimedRun[] {
    if (req.limit <= 0) return [];
    this.file?.assertWritable();
    return this.run(() => this.claimTx.immediate(req));
  }

  /**
   * Walks the runnable index in order, skipping runs another live owner holds, until `limit`
   * runs are claimed or CLAIM_SCAN rows were looked at: a claim's cost is bounded by the runs
   * in flight, not by the runs stored.
   */
  private claimInTx(req: ClaimRequest): ClaimedRun[] {
    const now = req.now.getTime();
    const claimed: ClaimedRun[] = [];
    let afterAt = Number.MIN_SAFE_INTEGER;
    let afterId = '';
    for (let scanned = 0; scanned < CLAIM_SCAN && claimed.length < req.limit;) {
      const rows = this.st.runnablePage.all(now, afterAt, afterAt, afterId, CLAIM_PAGE) as RunnableTuple[];
      for (const [runId, workflowId, version, at, owner, expiresAt] of rows) {
        afterAt = at;
        afterId = runId;
        if (claimed.length >= req.limit) break;
        if (req.busy(runId) || !req.accepts(workflowId, version ?? '')) continue;
        const free = owner === null || expiresAt === null || expiresAt <= now || (owner !== req.owner && !!req.ownerGone?.(owner));
        if (!free) continue;
        this.st.putLease.run(runId, req.owner, now + req.ttlMs);
        const { state } = this.st.getRun.get(runId) as { state: string };
        claimed.push({ runId, state: claimedStateOrNull(() => this.parseState(runId, state)) });
      }
      scanned += rows.length;
      if (rows.length < CLAIM_PAGE) break;
    }
    return claimed;
  }

  changeToken(): number {
    const other = this.run(() => this.db.pragma('data_version', { simple: true })) as number;
    return this.ownWrites * 0x100000000 + other;
  }

  foreignChangeToken(): number {
    return this.run(() => this.db.pragma('data_version', { simple: true })) as number;
  }

  /** SQLite cannot tell what a commit was from `data_version`: every commit counts. */
  workToken(): number {
    return this.changeToken();
  }

  changesSince(afterSeq: number, limit: number): RunChange[] {
    const rows = this.run(() => this.st.changesSince.all(afterSeq, limit)) as [string, number | null, number][];
    return rows.map(([runId, headSeq, changeSeq]) => ({ runId, headSeq, changeSeq }));
  }

  lastChangeSeq(): number {
    return (this.run(() => this.st.lastChange.get()) as number | null) ?? 0;
  }

  nextRunnableAt(): number | null {
    return (this.run(() => this.st.nextRunnable.get()) as number | null | undefined) ?? null;
  }

  holdRun(runId: string, headSeq: number | null): void {
    this.file?.assertWritable();
    this.run(() => this.st.holdRun.run(runId, headSeq));
    this.ownWrites++;
  }

  workState(runId: string): RunWorkState | null {
    const row = this.run(() => this.st.workState.get(runId)) as [number | null, string | null, number | null] | undefined;
    if (!row) return null;
    return { runnableAt: row[0], lease: row[1] !== null && row[2] !== null ? { owner: row[1], expiresAt: row[2] } : null };
  }

  heartbeatWorker(info: WorkerInfo): void {
    this.file?.assertWritable();
    this.run(() => {
      this.st.putWorker.run({ ...info, workflows: JSON.stringify(info.workflows) });
      // Workers that stopped beating long ago are only history: a bounded table, whoever cleans it.
      this.st.dropDeadWorkers.run(info.heartbeatAt - WORKER_HISTORY_MS);
    });
  }

  removeWorker(workerId: string): void {
    this.run(() => this.st.deleteWorker.run(workerId));
  }

  liveWorkers(now: Date): WorkerInfo[] {
    const rows = this.run(() => this.st.liveWorkers.all(now.getTime())) as [
      string,
      string,
      string,
      number,
      number,
      number,
      number,
      string,
    ][];
    return rows.map(([workerId, kind, hostname, pid, startedAt, heartbeatAt, expiresAt, workflows]) => ({
      workerId,
      kind,
      hostname,
      pid,
      startedAt,
      heartbeatAt,
      expiresAt,
      workflows: parseStored<string[]>(workflows, this.path, `worker ${workerId}`),
    }));
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
    this.groupFsync?.wrote();
    this.run(() => this.groupFsync?.syncNow());
  }

  getSignedHead(runId: string): SignedHead | null {
    return (this.run(() => this.st.getSignedHead.get(runId)) as SignedHead | undefined) ?? null;
  }

  /**
   * Stores a verified run from elsewhere (Python runtime, bundle) with its rows as they are,
   * with its snapshots and signed head, in one transaction. What may be written is decided
   * by `importPlan` (src-main/ledger/importPlan.ts) from what is stored: returns false when
   * the same ledger is already here (import is idempotent).
   */
  importRun(state: RunState, rows: StoredRecordRow[], statusOf: RowStatusOf, extras: ImportExtras = {}): boolean {
    this.file?.assertWritable();
    const stored = this.run(() => this.importTx.immediate(state, rows, statusOf, extras));
    this.groupFsync?.wrote();
    this.run(() => this.groupFsync?.syncNow());
    return stored;
  }

  /** One stored row (hashed bytes included), or null. */
  ledgerRowAt(runId: string, seq: number): StoredRecordRow | null {
    const rows = this.run(() => this.st.ledgerAfter.all(runId, seq - 1, 1)) as LedgerTuple[];
    const row = rows[0] ? toStored(rows[0]) : null;
    return row && row.seq === seq ? row : null;
  }

  private importInTx(state: RunState, rows: StoredRecordRow[], statusOf: RowStatusOf, extras: ImportExtras): boolean {
    const head = this.st.runHead.get(state.run_id) as { head_seq: number | null; head_hash: string | null } | undefined;
    const existing = head ? this.getRun(state.run_id) : null;
    const plan = (extras.plan ?? refuseExisting)(existing, rows, (seq) => this.ledgerRowAt(state.run_id, seq));
    if (plan.kind === 'same') return false;
    rows.forEach((row, i) => {
      if (row.seq !== i) throw new StoreError(`imported record ${row.seq} is out of order (expected ${i})`, { runId: state.run_id });
      if (i < plan.appendFrom) return;
      const { status, key } = statusOf(row);
      this.insertRow(state.run_id, row, status, key);
    });
    this.st.upsertRun.run(runColumns(state, stringifyExact(state)));
    for (const s of extras.snapshots ?? []) {
      this.st.insertSnapshot.run(s.snapshot_id, s.run_id, s.name, s.description, JSON.stringify(s.tags), s.created_at, stringifyExact(s));
    }
    const signed = extras.signedHead;
    if (signed && !this.st.getSignedHead.get(state.run_id))
      this.st.putSignedHead.run(signed.run_id, signed.seq, signed.hash, signed.sig, signed.public_key);
    this.ownWrites++;
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
    if (this.fileKey) yieldTurnOf(this.fileKey, this.groupFsync);
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

function refuseExisting(existing: RunState | null, rows: StoredRecordRow[]): ImportPlanResult {
  if (!existing) return { kind: 'write', appendFrom: 0 };
  const last = rows[rows.length - 1];
  if (existing.ledger_head?.seq === last?.seq && existing.ledger_head?.hash === last?.record_hash) return { kind: 'same' };
  throw new ImportError(`run ${existing.run_id} already exists here with a different ledger`, { runId: existing.run_id });
}

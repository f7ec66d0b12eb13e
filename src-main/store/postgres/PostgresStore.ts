/**
 * The server store: the same contracts as SqliteStore, on one PostgreSQL database shared by
 * any number of processes on any number of machines (a fleet of workers, inspectors).
 *
 * - Synchronous like the contracts, through PgSyncClient (a worker thread owns the
 *   connection). A commit of a run in flight is one server round trip, one pipelined list:
 *   BEGIN, the server's head and lease check (art_commit_guard), every write and COMMIT; a
 *   refused one, and a run that waits on a child, take two: BEGIN + lock and read the head,
 *   then the writes. The change counter's row lock is taken late in the list, so it is held
 *   for one server-side execution, never across a round trip.
 * - Group commit: writes go with `synchronous_commit = off`; `whenDurable()` makes them all
 *   durable with one flushed commit on the async connection (pgNotifications.ts).
 * - One round trip per turn: a deferrable commit (a tick's, a start's) is held until the end
 *   of the event-loop turn and sent with the others held then (pgCommitQueue.ts). Every
 *   other call sends what is held first, so nothing reads or writes around a held commit;
 *   only `getRun` and `findCompletedEffect` of other runs go straight to the server.
 * - The work queue: claims lock runs with `FOR UPDATE SKIP LOCKED` and take leases in the
 *   same transaction; a child's final commit wakes its parent in that commit.
 * - The change feed: `change_seq` from a counter bumped in commit order, `pg_notify` in
 *   every commit, `LISTEN` on the async connection moves the change tokens.
 */
import {
  ArtifactCorruptError,
  ArtifactNotFoundError,
  ConcurrentUpdateError,
  DatabaseCorruptError,
  DatabaseUnavailableError,
  ImportError,
  NonJsonValueError,
  RuntimeError,
  StoreError,
} from '../../../src-shared/errors';
import { readJsonExact, stringifyExact } from '../../../src-shared/exactJson';
import { findNonJsonPath } from '../../../src-shared/json';
import { recordMatches, type LedgerFilter } from '../../../src-shared/ledgerFilter';
import type { ArtifactRef, LedgerRecord, RunState, SignedHead, Snapshot, SnapshotSummary } from '../../../src-shared/types';
import { recordFromRow, rowFromRecord } from '../../runtime/recordRows';
import { awaitedChild, isTerminal, runnableAt } from '../../runtime/runnable';
import { toRunSummary } from '../../runtime/runSummary';
import { sha256Hex } from '../../runtime/sha256';
import type {
  ArtifactStore,
  ChangeFeedStore,
  ClaimedRun,
  ClaimRequest,
  CommitBatch,
  ImportExtras,
  ImportPlanResult,
  LedgerPage,
  LedgerQuery,
  ListPage,
  ProvenanceStore,
  RowStatusOf,
  RunChange,
  RunFilter,
  RunPage,
  RuntimeStore,
  RunWorkState,
  SnapshotQuery,
  SnapshotStore,
  StoredRecordRow,
  WorkerInfo,
  WorkQueueStore,
} from '../../runtime/storeContract';
import { checkBatch } from '../checkBatch';
import { claimedStateOrNull } from '../claimedState';
import { checkLease, type HeldLease, type OwnerGone } from '../leaseRule';
import { isDeadLocalOwner } from '../processLeaseOwner';
import { runColumns } from '../runColumns';
import { decodeRunCursor, encodeRunCursor } from '../runCursor';
import { mergeHeld } from './pgHeldSend';
import { CommitQueue, headKey, type Landed, type QueuedCommit } from './pgCommitQueue';
import { CompletedKeys, MAX_KEYS_PER_RUN } from './pgCompletedKeys';
import { PgNotifications, ServerRestartedError } from './pgNotifications';
import { openPgDatabase } from './pgOpen';
import { PG_SCHEMA_VERSION } from './pgSchema';
import {
  insertLedgerRows,
  LEDGER_COLUMNS,
  ledgerSearch,
  ledgerSearchNewest,
  pgLedgerFilter,
  SEARCH_NEWEST_RUNS,
  LEDGER_ROWS_PER_INSERT,
  pgRunWhere,
  pgSnapshotWhere,
  RUN_COLUMNS,
  SQL,
  type PgLedgerTuple,
} from './pgStatements';
import type { PgResult, PgStatement, PgSyncClient } from './pgSyncClient';
import { redactPostgresUrl } from './pgUrl';

const PAGE = 1000;
/**
 * Rows a claim's page looks at: what the claim still wants (a worker with room for a thousand
 * runs takes them in one page, not sixteen round trips), at least CLAIM_PAGE (some may be
 * busy or of workflows it does not run), at most CLAIM_PAGE_MAX (a page locks its rows).
 */
const CLAIM_PAGE = 64;
const CLAIM_PAGE_MAX = 1024;
const CLAIM_SCAN = 4096;
const WORKER_HISTORY_MS = 24 * 3600_000;

export interface PgOpenOptions {
  readonly?: boolean;
  /**
   * 'full' (default): commits are durable before anything relies on them (group commit via
   * whenDurable). 'process': whenDurable does not wait for the server's disk flush.
   */
  durability?: 'full' | 'process';
  /** With 'full' (default true): group commits; false: every commit flushes on its own. */
  groupCommit?: boolean;
  /** How long the connection keeps trying to reach the server before a call fails (default 10 s). */
  reconnectForMs?: number;
}

export class PostgresStore implements RuntimeStore, SnapshotStore, ArtifactStore, ProvenanceStore, WorkQueueStore, ChangeFeedStore {
  /** Says whether another owner's unexpired lease may be taken over (see SqliteStore). */
  leaseOwnerGone: OwnerGone = isDeadLocalOwner;
  private ownWrites = 0;
  /** Own commits that may have made a run claimable (see workToken). */
  private ownWork = 0;
  private readonly totals = new Map<string, { token: number; n: number }>();
  private nextRunnable: { token: number; at: number | null } | null = null;
  /** The owners of leases the last claim found gone (ClaimRequest.ownerGone): the next claim's first page counts them free. */
  private goneOwners: string[] = [];
  private readonly notifications: PgNotifications;
  private closed = false;
  /** Set when the async connection failed for good (shown by getInfo through databaseProblem). */
  private listenProblem: string | null = null;
  private readonly held: CommitQueue;
  private readonly completedKeys = new CompletedKeys();
  /** The connection, for every call but a read of a run with nothing held: held commits are sent first. */
  private readonly db: Pick<PgSyncClient, 'run' | 'rows'>;

  private constructor(
    /** The connection itself (held commits not sent first). */
    private readonly conn: PgSyncClient,
    /** The URL without its password: what logs, errors and the UI show. */
    readonly path: string,
    url: string,
    readonly readonly: boolean,
    private readonly grouped: boolean,
    serverStart: string | null,
  ) {
    this.held = new CommitQueue({
      sendAll: (statements) => void conn.run(statements, { rollbackOnError: true, pipeline: true }),
      merge: mergeHeld,
      markStatement: (mark) => ({ text: SQL.markSession, values: [mark] }),
      notifyStatement: (work) => ({ text: work ? SQL.notifyWork : SQL.notify }),
      notify: (work) => void conn.run([{ text: work ? SQL.notifyWork : SQL.notify }]),
      whatLanded: (commits) => this.whatLanded(commits),
      commitNow: (batch) => this.commit(batch),
      refused: (c) => this.completedKeys.forget(c.runId),
      landed: (c) => this.committed(c.offered),
    });
    this.db = {
      run: (statements: PgStatement[], opts?: { rollbackOnError?: boolean; pipeline?: boolean }): PgResult[] => {
        this.held.send();
        return conn.run(statements, opts);
      },
      rows: <T extends unknown[] = unknown[]>(text: string, values?: unknown[]): T[] => {
        this.held.send();
        return conn.rows<T>(text, values);
      },
    };
    this.notifications = new PgNotifications(
      url,
      () => this.conn.backendPid,
      (err) => {
        this.listenProblem = `the change feed connection failed: ${err.message}`;
        console.error(`[abstractruntime] ${this.path}: ${this.listenProblem}`);
      },
      serverStart,
    );
    this.notifications.start();
  }

  /** Connects, checks and migrates the schema (see pgOpen.ts). */
  static open(url: string, opts: PgOpenOptions = {}): PostgresStore {
    const grouped = opts.durability !== 'process' && opts.groupCommit !== false && !opts.readonly;
    const { client, serverStart } = openPgDatabase(url, {
      ...opts,
      asyncCommits: grouped || opts.durability === 'process',
    });
    // Marked, so a failed send of held commits can tell this session from a new one (whatLanded).
    client.run([{ text: SQL.markSession, values: [''] }]);
    return new PostgresStore(client, redactPostgresUrl(url), url, !!opts.readonly, grouped, serverStart);
  }

  get schemaVersion(): number {
    return PG_SCHEMA_VERSION;
  }

  close(): void {
    if (this.closed) return;
    // What is held is sent (a refusal reaches its run's writer through whenDurable).
    this.held.send();
    this.closed = true;
    this.conn.close();
    this.notifications.close();
  }

  /** With a run id, rejects with the refusal of a held commit of that run (see CommitQueue). */
  async whenDurable(runId?: string): Promise<void> {
    await this.held.settled(runId);
    if (!this.grouped) return;
    return this.notifications.whenDurable().catch((err: Error) => {
      if (err instanceof RuntimeError) throw err;
      throw new DatabaseUnavailableError(
        `${this.path}: recent commits could not be confirmed durable (${err.message}); nothing that depends on them was started`,
        { database: this.path, restarted: err instanceof ServerRestartedError },
      );
    });
  }

  /**
   * Sends the held commits now. With a run id, throws that run's refusal (once), as its
   * commit would have without the flag: for a caller that needs the answer before it goes on.
   */
  sendHeld(runId?: string): void {
    this.held.send();
    if (runId !== undefined) this.held.throwRefusal(runId);
  }

  /** Why this store cannot follow other processes (its LISTEN connection failed for good), or null. */
  get changeFeedProblem(): string | null {
    return this.listenProblem;
  }

  /** Durable flushes whenDurable made (tests and the bench read it). */
  get durableFlushes(): number {
    return this.notifications.flushes;
  }

  // ------------------------------------------------------------ runs + ledger

  commit(batch: CommitBatch): void {
    try {
      this.commitBatch(batch);
    } catch (err) {
      this.completedKeys.forget(batch.state.run_id);
      throw err;
    }
    this.completedKeys.committed(batch);
  }

  private commitBatch(batch: CommitBatch): void {
    const bad = findNonJsonPath(batch.state, 'state');
    if (bad) throw new NonJsonValueError(`cannot store run ${batch.state.run_id}: ${bad} is not plain JSON`, { path: bad });
    const rows = batch.records.map(rowFromRecord);
    const stateText = stringifyExact(batch.state);
    const runId = batch.state.run_id;
    const child = awaitedChild(batch.state);
    const lease = batch.lease;
    // A new run with no lease and no child to look at has nothing to read first: its commit
    // is one round trip, and a run someone created first is refused by the unique keys.
    const newRun = !!batch.isNew && !lease && !child;
    if (batch.deferrable && !this.closed && this.hold(batch, rows, stateText, newRun, !!child)) return;
    if (newRun) return this.commitNewRun(batch, rows, stateText);
    if (!batch.isNew && !child && this.commitGuarded(batch, rows, stateText)) return;
    const first: PgStatement[] = [{ text: SQL.begin }, { text: SQL.runHeadForUpdate, values: [runId] }];
    if (lease) first.push({ text: SQL.getLease, values: [runId] });
    if (child) first.push({ text: SQL.childEnded, values: [child] });
    let offered = false;
    this.inTransaction(first, (read) => {
      const head = read[1]!.rows[0] as [number | null, string | null] | undefined;
      const current = head ? ({ ledger_head: head[0] === null ? null : { seq: head[0], hash: head[1] } } as RunState) : null;
      const heldRow = lease ? (read[2]!.rows[0] as [string, number] | undefined) : undefined;
      const held: HeldLease | undefined = heldRow ? { owner: heldRow[0], expiresAt: heldRow[1] } : undefined;
      if (lease) checkLease(runId, held, lease.owner, lease.now.getTime(), this.leaseOwnerGone);
      checkBatch(batch, current);
      const childRow = child ? (read[read.length - 1]!.rows[0] as [string | null] | undefined) : undefined;
      const ended = childRow?.[0] ?? null;
      const planned = this.commitWrites(batch, rows, stateText, {
        dropHeldLease: !!held,
        childEndedAt: ended ? Date.parse(ended) : null,
        childMissing: !!child && childRow === undefined,
      });
      offered = planned.offered;
      return planned.writes;
    });
    this.committed(offered);
  }

  /**
   * A commit's writes once its checks passed, ending with COMMIT. `offered`: it leaves work for
   * others (its run runnable and not held by the committer, or a parent woken).
   */
  private commitWrites(
    batch: CommitBatch,
    rows: StoredRecordRow[],
    stateText: string,
    at: { dropHeldLease: boolean; childEndedAt?: number | null; childMissing?: boolean; notify?: boolean },
  ): { writes: PgStatement[]; offered: boolean } {
    const { state, lease } = batch;
    const runId = state.run_id;
    const endedAt = at.childEndedAt ?? null;
    const childMissing = at.childMissing ?? false;
    const writes: PgStatement[] = [];
    writes.push(
      ...this.ledgerInserts(
        runId,
        rows,
        batch.records.map((r) => [r.status, r.idempotency_key]),
      ),
    );
    if (lease) {
      if (!batch.releaseLease) writes.push({ text: SQL.putLease, values: [runId, lease.owner, lease.now.getTime() + lease.ttlMs] });
      else if (at.dropHeldLease) writes.push({ text: SQL.dropLease, values: [runId] });
    }
    writes.push(this.runWrite(batch.isNew ? 'insert' : 'update', state, stateText, endedAt, childMissing));
    const wakes = !!state.parent_run_id && isTerminal(state);
    if (wakes) writes.push({ text: SQL.wakeParent, values: [Date.parse(state.updated_at), runId] });
    // A parent waiting on a child not yet started was runnable (for whoever starts it): no longer.
    else if (state.parent_run_id && batch.isNew) writes.push({ text: SQL.childStarted, values: [runId] });
    const offered = wakes || (runnableAt(state, endedAt, childMissing) !== null && (!lease || !!batch.releaseLease));
    // A held commit leaves the notification to its send: one for all (CommitQueue.send).
    if (at.notify !== false) writes.push({ text: offered ? SQL.notifyWork : SQL.notify });
    writes.push({ text: SQL.commit });
    return { writes, offered };
  }

  /** After a commit went through: counts whether it offered work. */
  private committed(offered: boolean): void {
    if (offered) this.ownWork++;
    this.wrote();
  }

  /**
   * The usual commit of a run in flight, in one round trip: the server checks the head and
   * the lease (art_commit_guard) in the same list as the writes. False when the guard refused
   * (nothing was written): the two-trip path then reads the run and says why, or commits it
   * (another owner's lease of a process that died, which only this side can tell).
   */
  private commitGuarded(batch: CommitBatch, rows: StoredRecordRow[], stateText: string): boolean {
    const list = this.guardedList(batch, rows, stateText);
    if (!list) return false;
    try {
      this.db.run(list.statements, { rollbackOnError: true, pipeline: true });
    } catch (err) {
      if (String((err as RuntimeError).details?.sqlState ?? '').startsWith('AR')) return false;
      throw this.duplicate(err);
    }
    this.committed(list.offered);
    return true;
  }

  /** A commit of a run in flight as one list, the server checking head and lease; null when it has no head to check. */
  private guardedList(
    batch: CommitBatch,
    rows: StoredRecordRow[],
    stateText: string,
    notify = true,
  ): { statements: PgStatement[]; offered: boolean } | null {
    const { state, lease } = batch;
    const expectedHash = batch.records[0]?.prev_hash ?? state.ledger_head?.hash ?? null;
    if (batch.expectedHeadSeq === null || expectedHash === null) return null;
    // The chain rules against the head the writer started from; the guard checks that head is the stored one.
    checkBatch(batch, { ledger_head: { seq: batch.expectedHeadSeq, hash: expectedHash } } as RunState);
    const guard = [state.run_id, batch.expectedHeadSeq, expectedHash, lease?.owner ?? null, lease?.now.getTime() ?? null];
    // The lease row, whoever held it (the guard let only this owner or an expired one through), goes.
    const { writes, offered } = this.commitWrites(batch, rows, stateText, { dropHeldLease: true, notify });
    return { statements: [{ text: SQL.begin }, { text: SQL.commitGuard, values: guard }, ...writes], offered };
  }

  /**
   * Holds a deferrable commit for the turn's send, when it touches only its own run (no
   * parent to wake or child to look at) and its last record tells whether it landed. False:
   * it goes at once.
   */
  private hold(batch: CommitBatch, rows: StoredRecordRow[], stateText: string, newRun: boolean, child: boolean): boolean {
    const { state } = batch;
    const last = batch.records[batch.records.length - 1];
    if (!last || child || state.parent_run_id) return false;
    const head = { seq: last.seq, hash: last.record_hash };
    if (!batch.isNew && this.joinHeld(batch, rows, stateText, head)) return true;
    let list: { statements: PgStatement[]; offered: boolean } | null;
    if (newRun) list = this.newRunList(batch, rows, stateText, false);
    else if (batch.isNew) return false;
    else list = this.guardedList(batch, rows, stateText, false);
    if (!list) return false;
    this.held.add({ runId: state.run_id, batch, rows, ...list, head });
    return true;
  }

  /**
   * A commit that continues the run's commit held in this turn joins it: one transaction
   * instead of two (an effect's outcome and the next effect's intent, say). What is stored
   * is what the two in turn would store, and both writers await the same send. False: the
   * held one is not this commit's head, or belongs to another lease.
   */
  private joinHeld(batch: CommitBatch, rows: StoredRecordRow[], stateText: string, head: QueuedCommit['head']): boolean {
    const prev = this.held.joinable(batch.state.run_id);
    if (!prev || prev.batch.isNew || prev.head.seq !== batch.expectedHeadSeq) return false;
    if ((prev.batch.lease?.owner ?? null) !== (batch.lease?.owner ?? null)) return false;
    const joined: CommitBatch = {
      ...batch,
      records: [...prev.batch.records, ...batch.records],
      expectedHeadSeq: prev.batch.expectedHeadSeq,
    };
    const joinedRows = [...prev.rows, ...rows];
    const list = this.guardedList(joined, joinedRows, stateText, false);
    if (!list) return false;
    this.held.join(prev, { runId: batch.state.run_id, batch: joined, rows: joinedRows, ...list, head });
    return true;
  }

  /**
   * What landed of a failed send (see CommitQueue). The session is marked empty after each
   * look, so an unset mark means a new session: the old one was cut, and only the stored
   * heads can tell.
   */
  private whatLanded(commits: QueuedCommit[]): Landed {
    const [mark, heads] = this.conn.run(
      [
        { text: SQL.sessionMark },
        { text: SQL.storedHeads, values: [commits.map((c) => c.runId), commits.map((c) => c.head.seq), commits.map((c) => c.head.hash)] },
        { text: SQL.markSession, values: [''] },
      ],
      { pipeline: true },
    );
    const lastMark = (mark!.rows[0] as [string | null] | undefined)?.[0] ?? null;
    if (lastMark !== null) return { session: 'same', lastMark: lastMark || null };
    return { session: 'new', heads: new Set((heads!.rows as [string, number][]).map(([runId, seq]) => headKey(runId, seq))) };
  }

  private commitNewRun(batch: CommitBatch, rows: StoredRecordRow[], stateText: string): void {
    const { statements, offered } = this.newRunList(batch, rows, stateText);
    try {
      this.db.run(statements, { rollbackOnError: true, pipeline: true });
    } catch (err) {
      throw this.duplicate(err);
    }
    this.committed(offered);
  }

  /** A new run's commit as one list: nothing to read first, a run created before refused by the unique keys. */
  private newRunList(
    batch: CommitBatch,
    rows: StoredRecordRow[],
    stateText: string,
    notify = true,
  ): { statements: PgStatement[]; offered: boolean } {
    checkBatch(batch, null);
    const { writes, offered } = this.commitWrites(batch, rows, stateText, { dropHeldLease: false, notify });
    return { statements: [{ text: SQL.begin }, ...writes], offered };
  }

  private runWrite(
    mode: 'insert' | 'update' | 'upsert',
    state: RunState,
    text: string,
    childEndedAt: number | null = null,
    childMissing = false,
  ): PgStatement {
    const cols = runColumns(state, text, childEndedAt, childMissing);
    const values = RUN_COLUMNS.map((c) => cols[c] ?? null);
    return { text: mode === 'insert' ? SQL.insertRun : mode === 'update' ? SQL.updateRun : SQL.upsertRun, values };
  }

  /** The run's rows as inserts of at most LEDGER_ROWS_PER_INSERT rows each, in order. */
  private ledgerInserts(runId: string, rows: StoredRecordRow[], statusKey: [string, string | null][]): PgStatement[] {
    const inserts: PgStatement[] = [];
    for (let from = 0; from < rows.length; from += LEDGER_ROWS_PER_INSERT) {
      const chunk = rows.slice(from, from + LEDGER_ROWS_PER_INSERT);
      const values: unknown[] = [runId];
      chunk.forEach((r, i) => {
        const [status, key] = statusKey[from + i]!;
        values.push(r.seq, r.record_hash, r.signature, status, key, r.foreign ? 1 : 0, r.body);
      });
      inserts.push({ text: insertLedgerRows(chunk.length), values });
    }
    return inserts;
  }

  /**
   * Runs `first` (which opens a transaction), lets `then` decide the rest from what it read
   * (throwing to refuse), and sends the rest, which ends with COMMIT. Anything thrown rolls
   * the transaction back: a refused or failed commit leaves nothing.
   */
  private inTransaction(first: PgStatement[], then: (read: ReturnType<PgSyncClient['run']>) => PgStatement[]): void {
    const read = this.db.run(first, { rollbackOnError: true, pipeline: true });
    let rest: PgStatement[];
    try {
      rest = then(read);
    } catch (err) {
      this.rollback();
      throw err;
    }
    try {
      this.db.run(rest, { rollbackOnError: true, pipeline: true });
    } catch (err) {
      throw this.duplicate(err);
    }
  }

  /** A unique violation on a new run is another writer creating it first. */
  private duplicate(err: unknown): unknown {
    const d = (err as RuntimeError).details;
    if (d?.sqlState === '23505') return new ConcurrentUpdateError(`${(err as Error).message}: written by another writer first`, d);
    return err;
  }

  private rollback(): void {
    try {
      this.db.run([{ text: 'ROLLBACK' }]);
    } catch {
      // A lost connection has rolled the transaction back already.
    }
  }

  private wrote(): void {
    this.ownWrites++;
    if (this.grouped) this.notifications.wrote();
  }

  getRun(runId: string): RunState | null {
    // Another run's held commits change nothing of this one: no need to send them first.
    const row = (this.held.has(runId) ? this.db : this.conn).rows<[string, string]>(SQL.getRunWithKeys, [runId, MAX_KEYS_PER_RUN + 1])[0];
    if (!row) {
      this.completedKeys.forget(runId);
      return null;
    }
    return this.readState(runId, row[0], row[1]);
  }

  /** A run's state as read with its completed keys (getRunWithKeys, claimLeases), remembered for the replay look-up. */
  private readState(runId: string, stateText: string, keysText: string): RunState {
    const state = this.parse<RunState>(stateText, `the state of run ${runId}`);
    this.completedKeys.remember(
      runId,
      state.ledger_head?.seq ?? null,
      this.parse<string[]>(keysText, `the completed keys of run ${runId}`),
    );
    return state;
  }

  listRuns(filter: RunFilter = {}): RunPage {
    const { where, values } = pgRunWhere(filter);
    const after = filter.cursor !== undefined ? decodeRunCursor(filter.cursor) : null;
    const n = values.length;
    const keyset = after ? `${where ? `${where} AND` : 'WHERE'} (updated_at, run_id) < ($${n + 1}, $${n + 2})` : where;
    const limit = filter.limit ?? null;
    const base = n + (after ? 2 : 0);
    const sql = `SELECT state FROM runs ${keyset} ORDER BY updated_at DESC, run_id DESC LIMIT $${base + 1} OFFSET $${base + 2}`;
    const rows = this.db.rows<[string]>(sql, [...values, ...(after ?? []), limit, after ? 0 : (filter.offset ?? 0)]);
    const runs = rows.map((r) => toRunSummary(this.parse<RunState>(r[0], 'a run state')));
    const last = runs[runs.length - 1];
    const nextCursor = limit !== null && limit > 0 && runs.length === limit && last ? encodeRunCursor(last.updated_at, last.run_id) : null;
    return { runs, total: this.countRuns(filter, where, values), nextCursor };
  }

  private countRuns(filter: RunFilter, where: string, values: unknown[]): number {
    const byStatusOnly =
      !filter.workflowId && filter.parentRunId === undefined && !filter.search && !filter.createdFrom && !filter.createdTo;
    if (byStatusOnly) {
      if (filter.status === undefined) return this.db.rows<[number]>(SQL.countAll)[0]![0];
      return this.db.rows<[number]>(SQL.countStatus, [[filter.status].flat()])[0]![0];
    }
    const key = `${where}\u0000${JSON.stringify(values)}`;
    const token = this.changeToken();
    const hit = this.totals.get(key);
    if (hit && hit.token === token && this.notifications.listening) return hit.n;
    const count = this.db.rows<[number]>(`SELECT count(*)::bigint FROM runs ${where}`, values)[0]![0];
    if (this.totals.size > 64) this.totals.clear();
    this.totals.set(key, { token, n: count });
    return count;
  }

  listDueTimers(now: Date, page?: ListPage): RunState[] {
    const after = page?.after;
    const at = after?.waiting?.until ? Date.parse(after.waiting.until) : Number.MIN_SAFE_INTEGER;
    return this.states(SQL.dueTimers, [now.getTime(), at, after?.run_id ?? '', page?.limit ?? null]);
  }

  listWaitingForEvent(eventName: string, page?: ListPage): RunState[] {
    return this.states(SQL.waitingForEvent, [eventName, page?.after?.run_id ?? '', page?.limit ?? null]);
  }

  listRunnable(): RunState[] {
    return this.states(SQL.runnable, []);
  }

  readLedger(runId: string, q: LedgerQuery): LedgerPage {
    const limit = Math.max(0, q.limit);
    const [headRes, pageRes] = this.db.run([{ text: SQL.runHead, values: [runId] }, this.ledgerPage(runId, q, limit)], {
      pipeline: true,
    });
    const head = headRes!.rows[0]?.[0] as number | null | undefined;
    const total = head == null ? 0 : head + 1;
    let rows = pageRes!.rows as PgLedgerTuple[];
    if (q.afterSeq === undefined && (q.beforeSeq !== undefined || q.fromEnd)) rows = rows.reverse();
    return { records: rows.map((r) => this.record(toStored(r))), total };
  }

  private ledgerPage(runId: string, q: LedgerQuery, limit: number): PgStatement {
    if (q.afterSeq !== undefined) return { text: SQL.ledgerAfter, values: [runId, q.afterSeq, limit] };
    if (q.beforeSeq !== undefined) return { text: SQL.ledgerBefore, values: [runId, q.beforeSeq, limit] };
    if (q.fromEnd) return { text: SQL.ledgerBefore, values: [runId, Number.MAX_SAFE_INTEGER, limit] };
    return { text: SQL.ledgerAfter, values: [runId, -1, limit] };
  }

  findCompletedEffect(runId: string, idempotencyKey: string, asOfHeadSeq?: number | null): LedgerRecord | null {
    // Held commits only append: the newest match is theirs if they have one, else the server's.
    const held = this.held.heldRecords(runId).findLast((r) => r.status === 'completed' && r.idempotency_key === idempotencyKey);
    if (held) return held;
    if (asOfHeadSeq !== undefined && this.completedKeys.surelyAbsent(runId, idempotencyKey, asOfHeadSeq)) return null;
    const row = this.conn.rows<PgLedgerTuple>(SQL.completedByKey, [runId, idempotencyKey])[0];
    return row ? this.record(toStored(row)) : null;
  }

  *iterateLedger(runId: string): Iterable<LedgerRecord> {
    for (const row of this.iterateLedgerRows(runId)) yield this.record(row);
  }

  *iterateLedgerRows(runId: string): Iterable<StoredRecordRow> {
    let after = -1;
    for (;;) {
      const rows = this.db.rows<PgLedgerTuple>(SQL.ledgerAfter, [runId, after, PAGE]);
      for (const r of rows) yield toStored(r);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]![0];
    }
  }

  scanLedgerRows(runId: string, visit: (row: StoredRecordRow) => void): void {
    for (const row of this.iterateLedgerRows(runId)) visit(row);
  }

  /**
   * The seqs of the run's records that pass the filter, in order, at most `limit`: the server
   * decides our records, and a record imported from Python that passes the text test is
   * decided here by `recordMatches` on its stored text (as SQLite's query reads it).
   */
  findLedgerSeqs(runId: string, filter: LedgerFilter, limit: number): number[] {
    const seqs: number[] = [];
    for (let after = -1; seqs.length < limit;) {
      const { text, values } = pgLedgerFilter(runId, filter, after, limit);
      // Our records come without their bodies (the server decided them); imported ones with.
      const rows = this.db.rows<PgLedgerTuple>(text, values);
      for (const tuple of rows) {
        const row = toStored(tuple);
        if (!row.foreign || recordMatches(this.record(row), row.body, filter)) seqs.push(row.seq);
        if (seqs.length >= limit) break;
      }
      if (rows.length < limit) break;
      after = rows[rows.length - 1]![0];
    }
    return seqs;
  }

  /**
   * Records whose stored text holds every word (already folded by asciiLower), newest run
   * first, with their runs' workflows: one server call that scans the ledger there, not a read
   * of every run's records by the client.
   */
  searchLedger(words: string[], limit: number): { runId: string; workflowId: string | null; record: LedgerRecord; body: string }[] {
    if (!words.length || limit <= 0) return [];
    type Row = [string, string | null, ...PgLedgerTuple];
    // The newest runs first: when they hold a page of hits, those are the page, since every
    // other run comes after them in the order of the answer. Otherwise the whole ledger.
    let rows = this.db.rows<Row>(ledgerSearchNewest(words.length), [...words, limit, SEARCH_NEWEST_RUNS]);
    if (rows.length < limit) rows = this.db.rows<Row>(ledgerSearch(words.length), [...words, limit]);
    return rows.map(([runId, workflowId, ...tuple]) => {
      const row = toStored(tuple);
      return { runId, workflowId, record: this.record(row), body: row.body };
    });
  }

  /** One stored row (hashed bytes included), or null. */
  ledgerRowAt(runId: string, seq: number): StoredRecordRow | null {
    const row = this.db.rows<PgLedgerTuple>(`SELECT ${LEDGER_COLUMNS} FROM ledger WHERE run_id = $1 AND seq = $2`, [runId, seq])[0];
    return row ? toStored(row) : null;
  }

  // ------------------------------------------------------------ leases

  acquireLease(runId: string, owner: string, ttlMs: number, now: Date): void {
    // Every lease write holds the run row's lock, so it cannot race a commit or a claim.
    this.inTransaction(
      [{ text: SQL.begin }, { text: SQL.runHeadForUpdate, values: [runId] }, { text: SQL.getLease, values: [runId] }],
      (read) => {
        const row = read[2]!.rows[0] as [string, number] | undefined;
        checkLease(runId, row ? { owner: row[0], expiresAt: row[1] } : undefined, owner, now.getTime(), this.leaseOwnerGone);
        return [{ text: SQL.putLease, values: [runId, owner, now.getTime() + ttlMs] }, { text: SQL.commit }];
      },
    );
    this.wrote();
  }

  releaseLease(runId: string, owner: string): void {
    const [r] = this.db.run([{ text: SQL.deleteLease, values: [runId, owner] }]);
    if (r!.rows.length) this.ownWork++;
    this.wrote();
  }

  // ------------------------------------------------------------ the work queue

  /**
   * Locks runnable runs nobody else holds (`FOR UPDATE SKIP LOCKED`: rows another worker is
   * claiming or committing are passed over), takes leases on the ones this worker accepts,
   * and commits: two workers on any machines never claim the same run. Leases of processes
   * of this machine that died count as free (`ownerGone`); a remote lease only by expiring.
   */
  claimRunnable(req: ClaimRequest): ClaimedRun[] {
    if (req.limit <= 0) return [];
    const now = req.now.getTime();
    // The owners of live leases are listed in the round trip that opens the transaction and
    // reads the first page, which takes the owners found gone by the last claim (a process
    // that died stays dead): only an owner newly found gone costs the page again.
    let gone = req.ownerGone ? this.goneOwners : [];
    const chosen: string[] = [];
    let afterAt = Number.MIN_SAFE_INTEGER;
    let afterId = '';
    let begun = false;
    try {
      for (let scanned = 0; scanned < CLAIM_SCAN && chosen.length < req.limit;) {
        const size = Math.min(CLAIM_PAGE_MAX, Math.max(CLAIM_PAGE, req.limit - chosen.length));
        const page = { text: SQL.runnablePage, values: [now, afterAt, afterId, gone, size] };
        const opening = begun ? [] : [{ text: SQL.begin }, ...(req.ownerGone ? [{ text: SQL.liveOwners, values: [now, req.owner] }] : [])];
        const got = this.db.run([...opening, page], { rollbackOnError: true, pipeline: true });
        if (!begun && req.ownerGone) {
          const found = (got[1]!.rows as [string][]).map((r) => r[0]).filter((o) => req.ownerGone!(o));
          this.goneOwners = found;
          if (found.some((o) => !gone.includes(o))) {
            // Read again from the start with them: the rows this page locked stay this transaction's.
            gone = found;
            begun = true;
            continue;
          }
        }
        begun = true;
        const rows = got[got.length - 1]!.rows as [string, string, string | null, number][];
        for (const [runId, workflowId, version, at] of rows) {
          afterAt = at;
          afterId = runId;
          if (chosen.length >= req.limit) break;
          if (req.busy(runId) || !req.accepts(workflowId, version ?? '')) continue;
          chosen.push(runId);
        }
        scanned += rows.length;
        if (rows.length < size) break;
      }
      if (!chosen.length) {
        this.db.run([{ text: 'ROLLBACK' }]);
        return [];
      }
      const [claimed] = this.db.run(
        [{ text: SQL.claimLeases, values: [chosen, req.owner, now + req.ttlMs, now, gone, MAX_KEYS_PER_RUN + 1] }, { text: SQL.commit }],
        { rollbackOnError: true, pipeline: true },
      );
      this.wrote();
      const got = new Map((claimed!.rows as [string, string, string][]).map(([id, state, keys]) => [id, { state, keys }]));
      return chosen.flatMap((runId) => {
        const row = got.get(runId);
        if (!row) return [];
        const state = claimedStateOrNull(() => this.readState(runId, row.state, row.keys));
        // Damaged: nothing it taught before about the run's keys holds either.
        if (!state) this.completedKeys.forget(runId);
        return [{ runId, state }];
      });
    } catch (err) {
      this.rollback();
      throw err;
    }
  }

  /** Cached until the change token moves: an idle worker reads it every poll without a query. */
  nextRunnableAt(): number | null {
    const token = this.changeToken();
    if (this.nextRunnable && this.nextRunnable.token === token && this.notifications.listening) return this.nextRunnable.at;
    const at = (this.db.rows<[number | null]>(SQL.nextRunnable)[0]?.[0] as number | null | undefined) ?? null;
    this.nextRunnable = { token, at };
    return at;
  }

  holdRun(runId: string, headSeq: number | null): void {
    this.db.run([{ text: SQL.holdRun, values: [runId, headSeq] }]);
    this.wrote();
  }

  workState(runId: string): RunWorkState | null {
    const row = this.db.rows<[number | null, string | null, number | null]>(SQL.workState, [runId])[0];
    if (!row) return null;
    return { runnableAt: row[0], lease: row[1] !== null && row[2] !== null ? { owner: row[1], expiresAt: row[2] } : null };
  }

  heartbeatWorker(info: WorkerInfo): void {
    this.db.run([
      {
        text: SQL.putWorker,
        values: [
          info.workerId,
          info.kind,
          info.hostname,
          info.pid,
          info.startedAt,
          info.heartbeatAt,
          info.expiresAt,
          JSON.stringify(info.workflows),
        ],
      },
      { text: SQL.dropDeadWorkers, values: [info.heartbeatAt - WORKER_HISTORY_MS] },
    ]);
  }

  removeWorker(workerId: string): void {
    this.db.run([{ text: SQL.deleteWorker, values: [workerId] }]);
  }

  liveWorkers(now: Date): WorkerInfo[] {
    const rows = this.db.rows<[string, string, string, number, number, number, number, string]>(SQL.liveWorkers, [now.getTime()]);
    return rows.map(([workerId, kind, hostname, pid, startedAt, heartbeatAt, expiresAt, workflows]) => ({
      workerId,
      kind,
      hostname,
      pid,
      startedAt,
      heartbeatAt,
      expiresAt,
      workflows: this.parse<string[]>(workflows, `worker ${workerId}`),
    }));
  }

  /** Own commits (counted at once) plus every notification the LISTEN connection received. */
  changeToken(): number {
    return this.ownWrites * 0x100000000 + this.notifications.all;
  }

  foreignChangeToken(): number {
    return this.notifications.foreign;
  }

  /** Own commits that offered work (counted at once) plus every `work` notification received. */
  workToken(): number {
    return this.ownWork * 0x100000000 + this.notifications.work;
  }

  onWorkOffered(wake: () => void): () => void {
    return this.notifications.onWork(wake);
  }

  changesSince(afterSeq: number, limit: number): RunChange[] {
    const rows = this.db.rows<[string, number | null, number]>(SQL.changesSince, [afterSeq, limit]);
    return rows.map(([runId, headSeq, changeSeq]) => ({ runId, headSeq, changeSeq }));
  }

  lastChangeSeq(): number {
    return (this.db.rows<[number | null]>(SQL.lastChange)[0]?.[0] as number | null) ?? 0;
  }

  // ------------------------------------------------------------ snapshots

  saveSnapshot(s: Snapshot): void {
    const bad = findNonJsonPath(s, 'snapshot');
    if (bad) throw new NonJsonValueError(`cannot store snapshot: ${bad} is not plain JSON`, { path: bad });
    const [r] = this.db.run([{ text: SQL.insertSnapshot, values: this.snapshotValues(s) }]);
    this.wrote();
    if (r!.rowCount === 0) throw new StoreError(`snapshot ${s.snapshot_id} already exists`, { snapshotId: s.snapshot_id });
  }

  private snapshotValues(s: Snapshot): unknown[] {
    return [s.snapshot_id, s.run_id, s.name, s.description, JSON.stringify(s.tags), s.created_at, stringifyExact(s)];
  }

  getSnapshot(snapshotId: string): Snapshot | null {
    const row = this.db.rows<[string]>(SQL.getSnapshot, [snapshotId])[0];
    return row ? this.parse<Snapshot>(row[0], `snapshot ${snapshotId}`) : null;
  }

  searchSnapshots(q: SnapshotQuery): SnapshotSummary[] {
    const { where, values } = pgSnapshotWhere(q);
    const sql = `SELECT body FROM snapshots ${where} ORDER BY created_at DESC, snapshot_id DESC LIMIT $${values.length + 1}`;
    return this.db.rows<[string]>(sql, [...values, q.limit ?? null]).map((r) => {
      const { state: _state, ...summary } = this.parse<Snapshot>(r[0], 'a snapshot');
      return summary;
    });
  }

  // ------------------------------------------------------------ artifacts

  putArtifact(bytes: Uint8Array, mime: string): ArtifactRef {
    const ref = `sha256:${sha256Hex(bytes)}`;
    this.db.run([
      { text: SQL.insertArtifact, values: [ref, mime, bytes.byteLength, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)] },
    ]);
    this.wrote();
    return { $artifact: ref, size: bytes.byteLength, mime };
  }

  getArtifact(ref: string): { bytes: Uint8Array; mime: string } {
    const row = this.db.rows<[string, Uint8Array]>(SQL.getArtifact, [ref])[0];
    if (!row) throw new ArtifactNotFoundError(`artifact ${ref} not found in ${this.path}`, { ref });
    const bytes = new Uint8Array(row[1]);
    if (`sha256:${sha256Hex(bytes)}` !== ref)
      throw new ArtifactCorruptError(`artifact ${ref} in ${this.path} does not match its SHA-256: its bytes were changed`, { ref });
    return { bytes, mime: row[0] };
  }

  hasArtifact(ref: string): boolean {
    return this.db.rows(SQL.hasArtifact, [ref]).length > 0;
  }

  // ------------------------------------------------------------ provenance + import

  /** Durable at once (synchronous_commit on): a signed head is what a later check relies on. */
  saveSignedHead(head: SignedHead): void {
    this.db.run(
      [
        { text: SQL.beginDurable },
        { text: SQL.putSignedHead, values: [head.run_id, head.seq, head.hash, head.sig, head.public_key] },
        { text: SQL.commit },
      ],
      { rollbackOnError: true, pipeline: true },
    );
  }

  getSignedHead(runId: string): SignedHead | null {
    const row = this.db.rows<[string, number, string, string, string]>(SQL.getSignedHead, [runId])[0];
    return row ? { run_id: row[0], seq: row[1], hash: row[2], sig: row[3], public_key: row[4] } : null;
  }

  /**
   * Stores a verified run from elsewhere with its rows as they are, its snapshots and signed
   * head, in one durable transaction; what may be written is decided by `extras.plan`.
   */
  importRun(state: RunState, rows: StoredRecordRow[], statusOf: RowStatusOf, extras: ImportExtras = {}): boolean {
    const bad = findNonJsonPath(state, 'state');
    if (bad) throw new NonJsonValueError(`cannot store run ${state.run_id}: ${bad} is not plain JSON`, { path: bad });
    const read = this.db.run(
      [{ text: SQL.beginDurable }, { text: SQL.runHeadForUpdate, values: [state.run_id] }, { text: SQL.getRun, values: [state.run_id] }],
      { rollbackOnError: true, pipeline: true },
    );
    try {
      const stored = read[2]!.rows[0]?.[0] as string | undefined;
      const existing = stored ? this.parse<RunState>(stored, `the state of run ${state.run_id}`) : null;
      const plan = (extras.plan ?? refuseExisting)(existing, rows, (seq) => this.ledgerRowAt(state.run_id, seq));
      if (plan.kind === 'same') {
        this.rollback();
        return false;
      }
      const writes: PgStatement[] = [];
      const toWrite: StoredRecordRow[] = [];
      rows.forEach((row, i) => {
        if (row.seq !== i) throw new StoreError(`imported record ${row.seq} is out of order (expected ${i})`, { runId: state.run_id });
        if (i >= plan.appendFrom) toWrite.push(row);
      });
      writes.push(
        ...this.ledgerInserts(
          state.run_id,
          toWrite,
          toWrite.map((r) => {
            const s = statusOf(r);
            return [s.status, s.key];
          }),
        ),
      );
      writes.push(this.runWrite('upsert', state, stringifyExact(state)));
      for (const s of extras.snapshots ?? []) writes.push({ text: SQL.insertSnapshot, values: this.snapshotValues(s) });
      const signed = extras.signedHead;
      if (signed)
        writes.push({ text: SQL.putSignedHeadIfNone, values: [signed.run_id, signed.seq, signed.hash, signed.sig, signed.public_key] });
      writes.push({ text: SQL.notifyWork }, { text: SQL.commit });
      this.db.run(writes, { rollbackOnError: true, pipeline: true });
      this.ownWrites++;
      this.ownWork++;
      return true;
    } catch (err) {
      this.rollback();
      throw err;
    }
  }

  // ------------------------------------------------------------ internals

  private record(row: StoredRecordRow): LedgerRecord {
    try {
      return recordFromRow(row);
    } catch (err) {
      throw new DatabaseCorruptError(`${this.path}: ledger record ${row.seq} is damaged (${(err as Error).message})`, {
        database: this.path,
        seq: row.seq,
      });
    }
  }

  private states(sql: string, values: unknown[]): RunState[] {
    return this.db.rows<[string]>(sql, values).map((r) => this.parse<RunState>(r[0], 'a run state'));
  }

  private parse<T>(text: string, what: string): T {
    try {
      return readJsonExact(text) as T;
    } catch (err) {
      throw new DatabaseCorruptError(`${this.path}: ${what} is damaged (${(err as Error).message})`, { database: this.path });
    }
  }
}

function toStored(t: PgLedgerTuple): StoredRecordRow {
  return { seq: t[0], record_hash: t[1], signature: t[2], body: t[3], foreign: t[4] === 1 };
}

function refuseExisting(existing: RunState | null, rows: StoredRecordRow[]): ImportPlanResult {
  if (!existing) return { kind: 'write', appendFrom: 0 };
  const last = rows[rows.length - 1];
  if (existing.ledger_head?.seq === last?.seq && existing.ledger_head?.hash === last?.record_hash) return { kind: 'same' };
  throw new ImportError(`run ${existing.run_id} already exists here with a different ledger`, { runId: existing.run_id });
}

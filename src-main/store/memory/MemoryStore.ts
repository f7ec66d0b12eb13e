/**
 * The in-memory store: every interface the kernel needs, with the same rules as the SQLite
 * store (atomic commits, head checks, leases, idempotency index). Values are deep-copied
 * on the way in and out, so callers can never mutate what is stored.
 */
import { ArtifactCorruptError, ArtifactNotFoundError, NonJsonValueError, StoreError } from '../../../src-shared/errors';
import { findNonJsonPath } from '../../../src-shared/json';
import { fieldsHold, runMatchesSearch } from '../../../src-shared/textSearch';
import type { ArtifactRef, LedgerRecord, RunState, Snapshot, SnapshotSummary } from '../../../src-shared/types';
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
  RunFilter,
  RunPage,
  RuntimeStore,
  SnapshotQuery,
  SnapshotStore,
  RunWorkState,
  WorkerInfo,
  WorkQueueStore,
} from '../../runtime/contracts';
import { awaitedChild, isTerminal, runnableAt } from '../../runtime/runnable';
import { toRunSummary } from '../../runtime/runSummary';
import { sha256Hex } from '../../runtime/sha256';
import { checkLease } from '../leaseRule';
import { checkBatch } from '../checkBatch';
import { decodeRunCursor, encodeRunCursor } from '../runCursor';
import { cloneJson } from '../../runtime/cloneJson';

// cloneJson, not structuredClone: a RawNumber must keep its class.
const clone = <T>(v: T): T => cloneJson(v);

export class MemoryStore implements RuntimeStore, SnapshotStore, ArtifactStore, WorkQueueStore, ChangeFeedStore {
  private runs = new Map<string, RunState>();
  private ledgers = new Map<string, LedgerRecord[]>();
  private completedByKey = new Map<string, LedgerRecord>();
  private leases = new Map<string, { owner: string; expiresAt: number }>();
  private snapshots = new Map<string, Snapshot>();
  private artifacts = new Map<string, { bytes: Uint8Array; mime: string }>();
  /** Runs taken off the queue until their next commit (holdRun). */
  private held = new Set<string>();
  private workers = new Map<string, WorkerInfo>();
  private commitCount = 0;
  private changeSeqs = new Map<string, number>();

  // ------------------------------------------------------------ runs + ledger

  commit(batch: CommitBatch): void {
    const current = this.runs.get(batch.state.run_id) ?? null;
    const bad = findNonJsonPath(batch.state, 'state');
    if (bad) throw new NonJsonValueError(`cannot store run ${batch.state.run_id}: ${bad} is not plain JSON`, { path: bad });
    const runId = batch.state.run_id;
    if (batch.lease) checkLease(runId, this.leases.get(runId), batch.lease.owner, batch.lease.now.getTime());
    checkBatch(batch, current);
    const ledger = this.ledgers.get(batch.state.run_id) ?? [];
    for (const r of batch.records) {
      const copy = clone(r);
      ledger.push(copy);
      if (copy.status === 'completed' && copy.idempotency_key) this.completedByKey.set(idemKey(copy.run_id, copy.idempotency_key), copy);
    }
    this.ledgers.set(batch.state.run_id, ledger);
    this.runs.set(batch.state.run_id, clone(batch.state));
    this.held.delete(runId);
    // A child's end wakes its parent even if a claim held the parent off the queue (as wakeParent in SQLite).
    if (batch.state.parent_run_id && isTerminal(batch.state)) this.held.delete(batch.state.parent_run_id);
    this.commitCount++;
    this.changeSeqs.set(runId, this.commitCount);
    if (batch.lease && batch.releaseLease) this.leases.delete(runId);
    else if (batch.lease) this.leases.set(runId, { owner: batch.lease.owner, expiresAt: batch.lease.now.getTime() + batch.lease.ttlMs });
  }

  getRun(runId: string): RunState | null {
    const s = this.runs.get(runId);
    return s ? clone(s) : null;
  }

  listRuns(filter: RunFilter = {}): RunPage {
    const statuses = filter.status === undefined ? null : [filter.status].flat();
    const matched = [...this.runs.values()].filter(
      (s) =>
        (!statuses || statuses.includes(s.status)) &&
        (!filter.workflowId || s.workflow_id === filter.workflowId) &&
        (filter.parentRunId === undefined || s.parent_run_id === filter.parentRunId) &&
        (!filter.createdFrom || s.created_at >= filter.createdFrom) &&
        (!filter.createdTo || s.created_at < filter.createdTo) &&
        (!filter.search || runMatchesSearch(s, filter.search)),
    );
    matched.sort((a, b) => cmp(b.updated_at, a.updated_at) || cmp(b.run_id, a.run_id));
    const after = filter.cursor !== undefined ? decodeRunCursor(filter.cursor) : null;
    const from = after
      ? matched.filter((s) => cmp(s.updated_at, after[0]) < 0 || (s.updated_at === after[0] && cmp(s.run_id, after[1]) < 0))
      : matched;
    const offset = after ? 0 : (filter.offset ?? 0);
    const page = from.slice(offset, filter.limit === undefined ? undefined : offset + filter.limit);
    const last = page[page.length - 1];
    const nextCursor =
      filter.limit !== undefined && page.length === filter.limit && last ? encodeRunCursor(last.updated_at, last.run_id) : null;
    return { runs: page.map(toRunSummary), total: matched.length, nextCursor };
  }

  listDueTimers(now: Date, page?: ListPage): RunState[] {
    const t = now.getTime();
    const due = this.filterRuns(
      (s) => s.status === 'waiting' && !s.paused && s.waiting?.reason === 'until' && !!s.waiting.until && Date.parse(s.waiting.until) <= t,
    );
    const key = (s: RunState): [number, string] => [Date.parse(s.waiting!.until!), s.run_id];
    due.sort((a, b) => key(a)[0] - key(b)[0] || cmp(a.run_id, b.run_id));
    const after = page?.after?.waiting?.until ? key(page.after) : null;
    const rest = after ? due.filter((s) => key(s)[0] > after[0] || (key(s)[0] === after[0] && cmp(s.run_id, after[1]) > 0)) : due;
    return rest.slice(0, page?.limit);
  }

  listWaitingForEvent(eventName: string, page?: ListPage): RunState[] {
    const found = this.filterRuns(
      (s) => s.status === 'waiting' && !s.paused && s.waiting?.reason === 'event' && s.waiting.event_name === eventName,
    ).sort((a, b) => cmp(a.run_id, b.run_id));
    const after = page?.after?.run_id;
    return (after !== undefined ? found.filter((s) => cmp(s.run_id, after) > 0) : found).slice(0, page?.limit);
  }

  listRunnable(): RunState[] {
    return this.filterRuns((s) => s.status === 'running');
  }

  readLedger(runId: string, q: LedgerQuery): LedgerPage {
    const all = this.ledgers.get(runId) ?? [];
    const limit = Math.max(0, q.limit);
    let page: LedgerRecord[];
    if (q.afterSeq !== undefined) page = all.filter((r) => r.seq > q.afterSeq!).slice(0, limit);
    else if (q.beforeSeq !== undefined) {
      const before = all.filter((r) => r.seq < q.beforeSeq!);
      page = before.slice(Math.max(0, before.length - limit));
    } else if (q.fromEnd) page = all.slice(Math.max(0, all.length - limit));
    else page = all.slice(0, limit);
    return { records: page.map(clone), total: all.length };
  }

  findCompletedEffect(runId: string, idempotencyKey: string): LedgerRecord | null {
    const r = this.completedByKey.get(idemKey(runId, idempotencyKey));
    return r ? clone(r) : null;
  }

  *iterateLedger(runId: string): Iterable<LedgerRecord> {
    for (const r of this.ledgers.get(runId) ?? []) yield clone(r);
  }

  // ------------------------------------------------------------ leases

  acquireLease(runId: string, owner: string, ttlMs: number, now: Date): void {
    checkLease(runId, this.leases.get(runId), owner, now.getTime());
    this.leases.set(runId, { owner, expiresAt: now.getTime() + ttlMs });
  }

  releaseLease(runId: string, owner: string): void {
    if (this.leases.get(runId)?.owner === owner) this.leases.delete(runId);
  }

  // ------------------------------------------------------------ the work queue

  private runnableAtOf(s: RunState): number | null {
    if (this.held.has(s.run_id)) return null;
    const childId = awaitedChild(s);
    const child = childId ? this.runs.get(childId) : undefined;
    return runnableAt(s, child && isTerminal(child) ? Date.parse(child.updated_at) : null, !!childId && !child);
  }

  claimRunnable(req: ClaimRequest): ClaimedRun[] {
    const now = req.now.getTime();
    const due = [...this.runs.values()]
      .map((s) => ({ s, at: this.runnableAtOf(s) }))
      .filter((x): x is { s: RunState; at: number } => x.at !== null && x.at <= now)
      .sort((a, b) => a.at - b.at || a.s.run_id.localeCompare(b.s.run_id));
    const claimed: ClaimedRun[] = [];
    for (const { s } of due) {
      if (claimed.length >= req.limit) break;
      if (req.busy(s.run_id) || !req.accepts(s.workflow_id, s.workflow_version)) continue;
      const lease = this.leases.get(s.run_id);
      if (lease && lease.expiresAt > now && !(lease.owner !== req.owner && req.ownerGone?.(lease.owner))) continue;
      this.leases.set(s.run_id, { owner: req.owner, expiresAt: now + req.ttlMs });
      claimed.push({ runId: s.run_id, state: clone(s) });
    }
    return claimed;
  }

  changeToken(): number {
    return this.commitCount;
  }

  workToken(): number {
    return this.commitCount;
  }

  /** One process only: nobody else writes to a memory store. */
  foreignChangeToken(): number {
    return 0;
  }

  changesSince(afterSeq: number, limit: number): RunChange[] {
    return [...this.changeSeqs]
      .filter(([, seq]) => seq > afterSeq)
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit)
      .map(([runId, changeSeq]) => ({ runId, headSeq: this.runs.get(runId)?.ledger_head?.seq ?? null, changeSeq }));
  }

  lastChangeSeq(): number {
    return this.commitCount;
  }

  nextRunnableAt(): number | null {
    let min: number | null = null;
    for (const s of this.runs.values()) {
      const runnable = this.runnableAtOf(s);
      const lease = this.leases.get(s.run_id);
      const at = runnable === null ? null : Math.max(runnable, lease?.expiresAt ?? runnable);
      if (at !== null && (min === null || at < min)) min = at;
    }
    return min;
  }

  holdRun(runId: string, headSeq: number | null): void {
    const s = this.runs.get(runId);
    if (s && (s.ledger_head?.seq ?? null) === headSeq) this.held.add(runId);
  }

  workState(runId: string): RunWorkState | null {
    const s = this.runs.get(runId);
    if (!s) return null;
    const lease = this.leases.get(runId);
    return { runnableAt: this.runnableAtOf(s), lease: lease ? { ...lease } : null };
  }

  heartbeatWorker(info: WorkerInfo): void {
    this.workers.set(info.workerId, clone(info));
  }

  removeWorker(workerId: string): void {
    this.workers.delete(workerId);
  }

  liveWorkers(now: Date): WorkerInfo[] {
    return [...this.workers.values()].filter((w) => w.expiresAt > now.getTime()).map(clone);
  }

  // ------------------------------------------------------------ snapshots

  saveSnapshot(snapshot: Snapshot): void {
    const bad = findNonJsonPath(snapshot, 'snapshot');
    if (bad) throw new NonJsonValueError(`cannot store snapshot: ${bad} is not plain JSON`, { path: bad });
    if (this.snapshots.has(snapshot.snapshot_id))
      throw new StoreError(`snapshot ${snapshot.snapshot_id} already exists`, { snapshotId: snapshot.snapshot_id });
    this.snapshots.set(snapshot.snapshot_id, clone(snapshot));
  }

  getSnapshot(snapshotId: string): Snapshot | null {
    const s = this.snapshots.get(snapshotId);
    return s ? clone(s) : null;
  }

  searchSnapshots(q: SnapshotQuery): SnapshotSummary[] {
    const found = [...this.snapshots.values()].filter(
      (s) =>
        (!q.runId || s.run_id === q.runId) &&
        (!q.from || s.created_at >= q.from) &&
        (!q.to || s.created_at <= q.to) &&
        (!q.after || s.created_at < q.after.created_at || (s.created_at === q.after.created_at && s.snapshot_id < q.after.snapshot_id)) &&
        (!q.text || fieldsHold([s.name, s.description ?? '', ...s.tags], q.text)),
    );
    found.sort((a, b) => cmp(b.created_at, a.created_at) || cmp(b.snapshot_id, a.snapshot_id));
    return found.slice(0, q.limit ?? found.length).map(({ state: _state, ...summary }) => clone(summary));
  }

  // ------------------------------------------------------------ artifacts

  putArtifact(bytes: Uint8Array, mime: string): ArtifactRef {
    const ref = `sha256:${sha256Hex(bytes)}`;
    if (!this.artifacts.has(ref)) this.artifacts.set(ref, { bytes: new Uint8Array(bytes), mime });
    return { $artifact: ref, size: bytes.byteLength, mime };
  }

  getArtifact(ref: string): { bytes: Uint8Array; mime: string } {
    const a = this.artifacts.get(ref);
    if (!a) throw new ArtifactNotFoundError(`artifact ${ref} not found`, { ref });
    if (`sha256:${sha256Hex(a.bytes)}` !== ref) throw new ArtifactCorruptError(`artifact ${ref} does not match its hash`, { ref });
    return { bytes: new Uint8Array(a.bytes), mime: a.mime };
  }

  hasArtifact(ref: string): boolean {
    return this.artifacts.has(ref);
  }

  private filterRuns(pred: (s: RunState) => boolean): RunState[] {
    return [...this.runs.values()].filter(pred).map(clone);
  }
}

/** Binary order, as SQLite compares TEXT. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function idemKey(runId: string, key: string): string {
  return `${runId}\u0000${key}`;
}

/**
 * The in-memory store: every interface the kernel needs, with the same rules as the SQLite
 * store (atomic commits, head checks, leases, idempotency index). Values are deep-copied
 * on the way in and out, so callers can never mutate what is stored.
 */
import { ArtifactCorruptError, ArtifactNotFoundError, NonJsonValueError, StoreError } from '../../../src-shared/errors';
import { findNonJsonPath } from '../../../src-shared/json';
import type { ArtifactRef, LedgerRecord, RunState, RunSummary, Snapshot, SnapshotSummary } from '../../../src-shared/types';
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
import { checkLease } from '../leaseRule';
import { checkBatch } from './checkBatch';
import { cloneJson } from '../../runtime/cloneJson';

// cloneJson, not structuredClone: a RawNumber must keep its class.
const clone = <T>(v: T): T => cloneJson(v);

export class MemoryStore implements RuntimeStore, SnapshotStore, ArtifactStore {
  private runs = new Map<string, RunState>();
  private ledgers = new Map<string, LedgerRecord[]>();
  private completedByKey = new Map<string, LedgerRecord>();
  private leases = new Map<string, { owner: string; expiresAt: number }>();
  private snapshots = new Map<string, Snapshot>();
  private artifacts = new Map<string, { bytes: Uint8Array; mime: string }>();

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
      if (copy.status === 'completed' && copy.idempotency_key)
        this.completedByKey.set(idemKey(copy.run_id, copy.idempotency_key), copy);
    }
    this.ledgers.set(batch.state.run_id, ledger);
    this.runs.set(batch.state.run_id, clone(batch.state));
    if (batch.lease && batch.releaseLease) this.leases.delete(runId);
    else if (batch.lease) this.leases.set(runId, { owner: batch.lease.owner, expiresAt: batch.lease.now.getTime() + batch.lease.ttlMs });
  }

  getRun(runId: string): RunState | null {
    const s = this.runs.get(runId);
    return s ? clone(s) : null;
  }

  listRuns(filter: RunFilter = {}): { runs: RunSummary[]; total: number } {
    const statuses = filter.status === undefined ? null : [filter.status].flat();
    const text = filter.search?.toLowerCase();
    const matched = [...this.runs.values()].filter(
      (s) =>
        (!statuses || statuses.includes(s.status)) &&
        (!filter.workflowId || s.workflow_id === filter.workflowId) &&
        (filter.parentRunId === undefined || s.parent_run_id === filter.parentRunId) &&
        (!text || [s.run_id, s.workflow_id, s.current_node].some((f) => f.toLowerCase().includes(text))),
    );
    matched.sort((a, b) => b.updated_at.localeCompare(a.updated_at) || b.run_id.localeCompare(a.run_id));
    const offset = filter.offset ?? 0;
    const page = matched.slice(offset, filter.limit === undefined ? undefined : offset + filter.limit);
    return { runs: page.map(toRunSummary), total: matched.length };
  }

  listDueTimers(now: Date): RunState[] {
    const t = now.getTime();
    return this.filterRuns(
      (s) => s.status === 'waiting' && !s.paused && s.waiting?.reason === 'until' && !!s.waiting.until && Date.parse(s.waiting.until) <= t,
    );
  }

  listWaitingForEvent(eventName: string): RunState[] {
    return this.filterRuns(
      (s) => s.status === 'waiting' && !s.paused && s.waiting?.reason === 'event' && s.waiting.event_name === eventName,
    );
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
    const text = q.text?.toLowerCase();
    const found = [...this.snapshots.values()].filter(
      (s) =>
        (!q.runId || s.run_id === q.runId) &&
        (!q.from || s.created_at >= q.from) &&
        (!q.to || s.created_at <= q.to) &&
        (!text || [s.name, s.description ?? '', ...s.tags].some((f) => f.toLowerCase().includes(text))),
    );
    found.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.snapshot_id.localeCompare(a.snapshot_id));
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
    if (`sha256:${sha256Hex(a.bytes)}` !== ref)
      throw new ArtifactCorruptError(`artifact ${ref} does not match its hash`, { ref });
    return { bytes: new Uint8Array(a.bytes), mime: a.mime };
  }

  hasArtifact(ref: string): boolean {
    return this.artifacts.has(ref);
  }

  /** Flips a byte of a stored artifact (tests of corruption detection). */
  corruptArtifactForTest(ref: string): void {
    const a = this.artifacts.get(ref);
    if (a && a.bytes.length) a.bytes[0] = a.bytes[0]! ^ 0xff;
  }

  private filterRuns(pred: (s: RunState) => boolean): RunState[] {
    return [...this.runs.values()].filter(pred).map(clone);
  }
}

function idemKey(runId: string, key: string): string {
  return `${runId}\u0000${key}`;
}

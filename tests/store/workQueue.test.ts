/**
 * The database as the work queue: whatever makes a run runnable is visible in the store,
 * claims take leases on runnable runs nobody holds, and a child's end wakes its parent in
 * the same commit. Run against both stores; the SQLite part also checks the query plans.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunState, WaitState } from '../../src-shared/types';
import type { ClaimRequest, RuntimeStore, WorkQueueStore } from '../../src-main/runtime/contracts';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { chain } from './conformance';

type QueueStore = RuntimeStore & WorkQueueStore;

const dir = mkdtempSync(join(tmpdir(), 'ar-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const T = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T + ms);

function wait(patch: Partial<WaitState>): WaitState {
  return {
    reason: 'user',
    wait_key: 'w1',
    result_key: 'r',
    resume_to_node: 'start',
    until: null,
    prompt: null,
    choices: null,
    allow_free_text: true,
    event_name: null,
    tool_calls: null,
    child_run_id: null,
    details: null,
    ...patch,
  };
}

function put(store: QueueStore, runId: string, patch: Partial<RunState>): RunState {
  const before = store.getRun(runId);
  const c = chain(before, runId, [{ step_id: `s${(before?.ledger_head?.seq ?? -1) + 1}` }], { updated_at: at(0).toISOString(), ...patch });
  store.commit({ ...c, isNew: !before });
  return c.state;
}

function claim(store: QueueStore, owner: string, now: Date, patch: Partial<ClaimRequest> = {}): string[] {
  return store.claimRunnable({ owner, now, ttlMs: 10_000, limit: 100, accepts: () => true, busy: () => false, ...patch }).sort();
}

const stores: [string, () => QueueStore][] = [
  ['memory', () => new MemoryStore()],
  ['sqlite', () => SqliteStore.open(join(dir, `q${files++}.db`))],
];

for (const [name, make] of stores) {
  describe(`work queue: ${name}`, () => {
    it('a running run is claimable once; a run waiting on a person or an event is not', () => {
      const store = make();
      put(store, 'running', {});
      put(store, 'asks', { status: 'waiting', waiting: wait({ reason: 'user' }) });
      put(store, 'event', { status: 'waiting', waiting: wait({ reason: 'event', event_name: 'go' }) });
      put(store, 'paused', { paused: true });
      expect(claim(store, 'a', at(1))).toEqual(['running']);
      // Leased by a: b gets nothing until the lease expires, then takes it over.
      expect(claim(store, 'b', at(2))).toEqual([]);
      expect(claim(store, 'b', at(20_000))).toEqual(['running']);
      expect(store.workState('asks')?.runnableAt).toBeNull();
    });

    it('a timer is claimable from the moment it is due', () => {
      const store = make();
      put(store, 'timer', { status: 'waiting', waiting: wait({ reason: 'until', until: at(5_000).toISOString() }) });
      expect(store.nextRunnableAt()).toBe(T + 5_000);
      expect(claim(store, 'a', at(4_999))).toEqual([]);
      expect(claim(store, 'a', at(5_000))).toEqual(['timer']);
    });

    it("a child's final commit makes its waiting parent claimable; a parent waiting on an ended child is claimable at once", () => {
      const store = make();
      put(store, 'child', { parent_run_id: 'parent' });
      put(store, 'parent', { status: 'waiting', waiting: wait({ reason: 'subworkflow', child_run_id: 'child' }) });
      expect(claim(store, 'a', at(1), { accepts: (wf) => wf === 'wf', busy: (id) => id === 'child' })).toEqual([]);
      put(store, 'child', { status: 'completed', parent_run_id: 'parent', updated_at: at(100).toISOString() });
      expect(store.workState('parent')?.runnableAt).toBe(T + 100);
      expect(claim(store, 'a', at(200))).toEqual(['parent']);

      put(store, 'done-child', { status: 'completed', parent_run_id: 'late' });
      put(store, 'late', { status: 'waiting', waiting: wait({ reason: 'subworkflow', child_run_id: 'done-child' }) });
      expect(claim(store, 'b', at(300))).toEqual(['late']);
    });

    it('claims only what the worker accepts and is not already advancing, at most `limit`', () => {
      const store = make();
      for (const id of ['r1', 'r2', 'r3', 'r4']) put(store, id, {});
      put(store, 'other', { workflow_id: 'not-here' });
      expect(claim(store, 'a', at(1), { limit: 2, accepts: (wf, v) => wf === 'wf' && v === '1', busy: (id) => id === 'r1' })).toEqual([
        'r2',
        'r3',
      ]);
      expect(claim(store, 'b', at(2), { accepts: (wf) => wf === 'wf' })).toEqual(['r1', 'r4']);
    });

    it('a held run leaves the queue until its next commit', () => {
      const store = make();
      const s = put(store, 'held', {});
      store.holdRun('held', s.ledger_head!.seq - 1); // stale head: ignored
      expect(store.workState('held')?.runnableAt).not.toBeNull();
      store.holdRun('held', s.ledger_head!.seq);
      expect(claim(store, 'a', at(1))).toEqual([]);
      put(store, 'held', {});
      expect(claim(store, 'a', at(1))).toEqual(['held']);
    });

    it('lists live workers only, and their workflows', () => {
      const store = make();
      const w = { kind: 'worker', hostname: 'h', pid: 1, startedAt: T, heartbeatAt: T, workflows: ['wf@1'] };
      store.heartbeatWorker({ ...w, workerId: 'live', expiresAt: T + 10_000 });
      store.heartbeatWorker({ ...w, workerId: 'gone', expiresAt: T + 10 });
      expect(store.liveWorkers(at(100)).map((x) => [x.workerId, x.workflows])).toEqual([['live', ['wf@1']]]);
      store.removeWorker('live');
      expect(store.liveWorkers(at(100))).toEqual([]);
    });

    it('the change token moves with every commit', () => {
      const store = make();
      const t0 = store.changeToken();
      put(store, 'x', {});
      expect(store.changeToken()).not.toBe(t0);
    });
  });
}

describe('work queue: SQLite across connections', () => {
  it('two connections claiming in turn never get the same run; each sees the other commit through the change token', () => {
    const file = join(dir, 'shared.db');
    const a = SqliteStore.open(file);
    const b = SqliteStore.open(file);
    try {
      for (let i = 0; i < 50; i++) put(a, `r${String(i).padStart(2, '0')}`, {});
      const tokenB = b.changeToken();
      const fromA = claim(a, 'a', at(1), { limit: 30 });
      const fromB = claim(b, 'b', at(1), { limit: 30 });
      expect(fromA).toHaveLength(30);
      expect(fromB).toHaveLength(20);
      expect(fromA.filter((id) => fromB.includes(id))).toEqual([]);
      put(a, 'late', {});
      expect(b.changeToken()).not.toBe(tokenB);
    } finally {
      a.close();
      b.close();
    }
  });

  it('claims, the next due time and a parent wake-up read indexes, not the runs table', () => {
    const store = SqliteStore.open(join(dir, 'plans.db'));
    try {
      for (let i = 0; i < 200; i++) put(store, `w${i}`, { status: 'waiting', waiting: wait({ reason: 'user', wait_key: `k${i}` }) });
      store.db.exec('ANALYZE');
      const plan = (sql: string, ...params: unknown[]) =>
        (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
      const claimPlan = plan(
        `SELECT r.run_id FROM runs r INDEXED BY runs_runnable LEFT JOIN leases l ON l.run_id = r.run_id
         WHERE r.runnable_at IS NOT NULL AND r.runnable_at <= ? AND (r.runnable_at > ? OR (r.runnable_at = ? AND r.run_id > ?))
         ORDER BY r.runnable_at, r.run_id LIMIT ?`,
        1,
        0,
        0,
        '',
        10,
      );
      expect(claimPlan).toMatch(/USING (COVERING )?INDEX runs_runnable/);
      expect(claimPlan).not.toMatch(/TEMP B-TREE|SCAN r\b(?! USING)/);
      expect(plan('SELECT min(runnable_at) FROM runs WHERE runnable_at IS NOT NULL')).toMatch(/runs_runnable/);
      expect(plan(`UPDATE runs SET runnable_at = ? WHERE wait_child_id = ? AND status = 'waiting' AND paused = 0`, 1, 'c')).toMatch(
        /runs_by_child/,
      );
      expect(plan('SELECT run_id FROM runs WHERE change_seq > ? ORDER BY change_seq LIMIT ?', 1, 10)).toMatch(
        /USING (COVERING )?INDEX runs_by_change/,
      );
      expect(plan('SELECT max(change_seq) FROM runs')).toMatch(/runs_by_change/);
    } finally {
      store.close();
    }
  });

  it('run pages at any depth, due timers and event waiters are index ranges with no sort, and totals are not counted', () => {
    const store = SqliteStore.open(join(dir, 'plans2.db'));
    try {
      for (let i = 0; i < 300; i++)
        put(store, `r${i}`, {
          status: i % 3 === 0 ? 'waiting' : 'completed',
          updated_at: at(i).toISOString(),
          waiting: i % 3 === 0 ? wait({ reason: 'until', until: at(i).toISOString(), wait_key: `k${i}` }) : null,
        });
      store.db.exec('ANALYZE');
      const sqlOf = (stmt: { source: string }) => stmt.source;
      const st = (store as unknown as { st: Record<string, { source: string }> }).st;
      const plan = (sql: string, ...params: unknown[]) =>
        (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
      const page = (where: string, ...params: unknown[]) =>
        plan(`SELECT state FROM runs ${where} ORDER BY updated_at DESC, run_id DESC LIMIT ? OFFSET ?`, ...params, 10, 0);
      for (const p of [
        page('WHERE (updated_at, run_id) < (?, ?)', 'x', 'y'),
        page('WHERE status IN (?) AND (updated_at, run_id) < (?, ?)', 'waiting', 'x', 'y'),
        page('WHERE workflow_id = ? AND (updated_at, run_id) < (?, ?)', 'wf', 'x', 'y'),
      ]) {
        expect(p).toMatch(/SEARCH runs USING INDEX runs_by_(updated|status|workflow)/);
        expect(p).not.toMatch(/TEMP B-TREE/);
      }
      for (const where of ['WHERE (created_at, snapshot_id) < (?, ?)', 'WHERE run_id = ? AND (created_at, snapshot_id) < (?, ?)']) {
        const args = where.startsWith('WHERE run_id') ? ['r1', 'x', 'y'] : ['x', 'y'];
        const sp = plan(`SELECT body FROM snapshots ${where} ORDER BY created_at DESC, snapshot_id DESC LIMIT ?`, ...args, 10);
        expect(sp).toMatch(/SEARCH snapshots USING INDEX snapshots_by_(time|run)/);
        expect(sp).not.toMatch(/TEMP B-TREE/);
      }
      const due = plan(sqlOf(st.dueTimers!), 1, 0, 0, '', 10);
      expect(due).toMatch(/INDEX runs_by_due_timer/);
      expect(due).not.toMatch(/TEMP B-TREE/);
      const ev = plan(sqlOf(st.waitingForEvent!), 'go', '', 10);
      expect(ev).toMatch(/INDEX runs_by_event/);
      expect(ev).not.toMatch(/TEMP B-TREE/);
      // Totals by status come from the kept counts, exact as runs change status.
      expect(store.listRuns({ status: 'waiting', limit: 5 }).total).toBe(100);
      expect(store.listRuns({ limit: 5 }).total).toBe(300);
      put(store, 'r0', { status: 'completed', waiting: null });
      expect(store.listRuns({ status: 'waiting', limit: 5 }).total).toBe(99);
      expect(store.listRuns({ status: ['waiting', 'completed'], limit: 5 }).total).toBe(300);
      expect(
        plan('SELECT coalesce(sum(n), 0) FROM run_counts WHERE status IN (SELECT value FROM json_each(?))', '["waiting"]'),
      ).not.toMatch(/SCAN runs/);
    } finally {
      store.close();
    }
  });
});

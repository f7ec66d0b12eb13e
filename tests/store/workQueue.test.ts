/**
 * The database as the work queue: whatever makes a run runnable is visible in the store,
 * claims take leases on runnable runs nobody holds, and a child's end wakes its parent in
 * the same commit. The shared cases (workQueueCases.ts) run on memory and SQLite here (and on
 * PostgreSQL in postgres.workQueue.test.ts); the SQLite part also checks the query plans.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { at, checkUnreadableStateClaimed, claim, put, runWorkQueueCases, wait, type QueueStore } from './workQueueCases';

const dir = mkdtempSync(join(tmpdir(), 'ar-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const stores: [string, () => QueueStore][] = [
  ['memory', () => new MemoryStore()],
  ['sqlite', () => SqliteStore.open(join(dir, `q${files++}.db`))],
];

for (const [name, make] of stores) runWorkQueueCases(name, make);

describe('work queue: SQLite, a damaged state', () => {
  it('a run whose stored state cannot be read is claimed without a state; the others with theirs', async () => {
    const file = join(dir, 'damaged.db');
    const store = SqliteStore.open(file);
    try {
      await checkUnreadableStateClaimed(store, (runId) => {
        const raw = new Database(file);
        raw.prepare('UPDATE runs SET state = ? WHERE run_id = ?').run('{"run_id": "bad", ', runId);
        raw.close();
      });
    } finally {
      store.close();
    }
  });
});

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
      // When a worker may sleep until: the ordered walk stops at the first run nobody leases, and
      // the leased ones are read from the leases (one row per run in flight), never a scan of runs.
      const st = (store as unknown as { st: Record<string, { source: string }> }).st;
      const next = plan(st.nextRunnable!.source);
      expect(next).toMatch(
        /SEARCH r USING COVERING INDEX runs_runnable .*SCAN l .*SEARCH r USING INDEX sqlite_autoindex_runs_1 \(run_id=\?\)/,
      );
      expect(next).not.toMatch(/TEMP B-TREE|SCAN r\b/);
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

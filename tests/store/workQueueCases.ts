/**
 * The work-queue behaviours every store must have (memory, SQLite, PostgreSQL): whatever
 * makes a run runnable is visible in the store, claims take leases on runnable runs nobody
 * holds, and a child's end wakes its parent in the same commit.
 */
import { describe, expect, it } from 'vitest';
import { DatabaseCorruptError } from '../../src-shared/errors';
import type { RunState, WaitState } from '../../src-shared/types';
import type { ClaimRequest, RuntimeStore, WorkQueueStore } from '../../src-main/runtime/contracts';
import { chain } from './conformance';

export type QueueStore = RuntimeStore & WorkQueueStore;

export const T = Date.parse('2026-01-01T00:00:00.000Z');
export const at = (ms: number) => new Date(T + ms);

export function wait(patch: Partial<WaitState>): WaitState {
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

export function put(store: QueueStore, runId: string, patch: Partial<RunState>): RunState {
  const before = store.getRun(runId);
  const c = chain(before, runId, [{ step_id: `s${(before?.ledger_head?.seq ?? -1) + 1}` }], { updated_at: at(0).toISOString(), ...patch });
  store.commit({ ...c, isNew: !before });
  return c.state;
}

export function claim(store: QueueStore, owner: string, now: Date, patch: Partial<ClaimRequest> = {}): string[] {
  return store
    .claimRunnable({ owner, now, ttlMs: 10_000, limit: 100, accepts: () => true, busy: () => false, ...patch })
    .map((c) => c.runId)
    .sort();
}

/**
 * A run whose stored state cannot be read is claimed all the same, without a state, and the
 * others come with theirs: one damaged row must not stop a worker's every claim. Reading it
 * says what is wrong, for that run alone. `corrupt` damages the stored state (per store).
 */
export async function checkUnreadableStateClaimed(store: QueueStore, corrupt: (runId: string) => void | Promise<void>): Promise<void> {
  put(store, 'bad', {});
  put(store, 'good', {});
  // Committed for other connections to see (SQLite holds a turn's commits in one transaction).
  await store.whenDurable?.();
  await corrupt('bad');
  const claimed = store.claimRunnable({ owner: 'a', now: at(1), ttlMs: 10_000, limit: 10, accepts: () => true, busy: () => false });
  expect(claimed.map((c) => c.runId).sort()).toEqual(['bad', 'good']);
  expect(claimed.find((c) => c.runId === 'bad')!.state).toBeNull();
  expect(claimed.find((c) => c.runId === 'good')!.state).toEqual(store.getRun('good'));
  expect(store.workState('bad')?.lease?.owner).toBe('a');
  expect(() => store.getRun('bad')).toThrow(DatabaseCorruptError);
}

export function runWorkQueueCases(name: string, make: () => QueueStore | Promise<QueueStore>): void {
  describe(`work queue: ${name}`, () => {
    it('a running run is claimable once; a run waiting on a person or an event is not', async () => {
      const store = await make();
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

    it('a timer is claimable from the moment it is due', async () => {
      const store = await make();
      put(store, 'timer', { status: 'waiting', waiting: wait({ reason: 'until', until: at(5_000).toISOString() }) });
      expect(store.nextRunnableAt()).toBe(T + 5_000);
      expect(claim(store, 'a', at(4_999))).toEqual([]);
      expect(claim(store, 'a', at(5_000))).toEqual(['timer']);
    });

    it('a run in flight is claimable for others only from its lease expiry; one nobody holds, from when it became runnable', async () => {
      const store = await make();
      put(store, 'held', { updated_at: at(0).toISOString() });
      expect(store.nextRunnableAt()).toBe(T);
      expect(claim(store, 'a', at(1))).toEqual(['held']);
      // Held by a until T + 1 + 10,000: nothing for anyone else before then.
      expect(store.nextRunnableAt()).toBe(T + 10_001);
      put(store, 'free', { updated_at: at(50).toISOString() });
      expect(store.nextRunnableAt()).toBe(T + 50);
      expect(claim(store, 'b', at(60))).toEqual(['free']);
      expect(store.nextRunnableAt()).toBe(T + 10_001);
      store.releaseLease('held', 'a');
      expect(store.nextRunnableAt()).toBe(T);
    });

    it("a child's final commit makes its waiting parent claimable; a parent waiting on an ended child is claimable at once", async () => {
      const store = await make();
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

    it('claims only what the worker accepts and is not already advancing, at most `limit`', async () => {
      const store = await make();
      for (const id of ['r1', 'r2', 'r3', 'r4']) put(store, id, {});
      put(store, 'other', { workflow_id: 'not-here' });
      expect(claim(store, 'a', at(1), { limit: 2, accepts: (wf, v) => wf === 'wf' && v === '1', busy: (id) => id === 'r1' })).toEqual([
        'r2',
        'r3',
      ]);
      expect(claim(store, 'b', at(2), { accepts: (wf) => wf === 'wf' })).toEqual(['r1', 'r4']);
    });

    it('each claimed run comes back with its state as stored at the claim, so a worker need not read it again', async () => {
      const store = await make();
      for (const id of ['r1', 'r2', 'r3']) put(store, id, { vars: { id, quote: `it's "${id}" \\ ✓` } });
      put(store, 'r2', { vars: { moved: true } });
      const claimed = store.claimRunnable({ owner: 'a', now: at(1), ttlMs: 10_000, limit: 2, accepts: () => true, busy: () => false });
      expect(claimed.map((c) => c.runId)).toEqual(['r1', 'r2']);
      for (const c of claimed) expect(c.state).toEqual(store.getRun(c.runId));
      expect(claimed[1]!.state).toMatchObject({ vars: { moved: true }, ledger_head: { seq: 1 } });
      // A claim that took nothing returns nothing, not the state of a run another owner holds.
      expect(
        store.claimRunnable({ owner: 'b', now: at(2), ttlMs: 10_000, limit: 5, accepts: () => true, busy: (id) => id === 'r3' }),
      ).toEqual([]);
    });

    it('a held run leaves the queue until its next commit', async () => {
      const store = await make();
      const s = put(store, 'held', {});
      store.holdRun('held', s.ledger_head!.seq - 1); // stale head: ignored
      expect(store.workState('held')?.runnableAt).not.toBeNull();
      store.holdRun('held', s.ledger_head!.seq);
      expect(claim(store, 'a', at(1))).toEqual([]);
      put(store, 'held', {});
      expect(claim(store, 'a', at(1))).toEqual(['held']);
    });

    it('lists live workers only, and their workflows', async () => {
      const store = await make();
      const w = { kind: 'worker', hostname: 'h', pid: 1, startedAt: T, heartbeatAt: T, workflows: ['wf@1'] };
      store.heartbeatWorker({ ...w, workerId: 'live', expiresAt: T + 10_000 });
      store.heartbeatWorker({ ...w, workerId: 'gone', expiresAt: T + 10 });
      expect(store.liveWorkers(at(100)).map((x) => [x.workerId, x.workflows])).toEqual([['live', ['wf@1']]]);
      store.removeWorker('live');
      expect(store.liveWorkers(at(100))).toEqual([]);
    });

    it('the change token moves with every commit', async () => {
      const store = await make();
      const t0 = store.changeToken();
      put(store, 'x', {});
      expect(store.changeToken()).not.toBe(t0);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { ConcurrentUpdateError, RunLeasedError, RunPausedError, RunTerminalError, StoreError } from '../../src-shared/errors';
import type { CommitBatch, EffectOutcome } from '../../src-main/runtime';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { completed, effectWorkflow, kinds, ledger, scriptedHandler, setup } from './support';

describe('pause / unpause', () => {
  it('a paused run is not ticked nor resumed until unpaused; both are recorded', async () => {
    const { runtime, store } = setup([effectWorkflow('ask_user', { prompt: '?' })]);
    const run = await runtime.start('fx');
    const paused = await runtime.pause(run.run_id);
    expect(paused.paused).toBe(true);
    const n = ledger(store, run.run_id).length;
    expect(await runtime.tick(run.run_id)).toEqual(paused);
    expect(ledger(store, run.run_id)).toHaveLength(n);
    expect((await runtime.pause(run.run_id)).paused).toBe(true); // idempotent, no record
    expect(ledger(store, run.run_id)).toHaveLength(n);
    await runtime.unpause(run.run_id);
    const w = await runtime.tick(run.run_id);
    await runtime.pause(run.run_id);
    await expect(runtime.resume(run.run_id, { waitKey: w.waiting!.wait_key, payload: {} })).rejects.toBeInstanceOf(RunPausedError);
    expect(store.listWaitingForEvent('x')).toEqual([]);
    expect(kinds(ledger(store, run.run_id))).toEqual(['run_started', 'paused', 'unpaused', 'effect/started', 'effect/waiting', 'paused']);
  });

  it('paused timers are not due', async () => {
    const { runtime, store, clock } = setup([effectWorkflow('wait_until', { until: '2026-01-01T00:00:05Z' })]);
    const run = await runtime.start('fx');
    await runtime.tick(run.run_id);
    await runtime.pause(run.run_id);
    clock.advance(10_000);
    expect(store.listDueTimers(clock.now())).toEqual([]);
  });

  it('refuses to pause an ended run', async () => {
    const { runtime } = setup([{ id: 'e', version: '1', entry: 'a', nodes: { a: { handler: () => ({ complete: 1 }) } } }]);
    const run = await runtime.start('e');
    await runtime.tick(run.run_id);
    await expect(runtime.pause(run.run_id)).rejects.toBeInstanceOf(RunTerminalError);
  });
});

describe('cancel', () => {
  it('cancels a waiting run with a record; a second cancel is refused (RunTerminalError)', async () => {
    const { runtime, store } = setup([effectWorkflow('ask_user', { prompt: '?' })]);
    const run = await runtime.start('fx');
    await runtime.tick(run.run_id);
    const c = await runtime.cancel(run.run_id, 'not needed');
    expect(c).toMatchObject({ status: 'cancelled', waiting: null });
    expect(ledger(store, run.run_id).at(-1)).toMatchObject({ kind: 'cancelled', result: { reason: 'not needed' } });
    await expect(runtime.cancel(run.run_id)).rejects.toBeInstanceOf(RunTerminalError);
  });

  it('aborts the signal of an in-flight effect and discards its late outcome', async () => {
    let release!: (o: EffectOutcome) => void;
    let signal!: AbortSignal;
    const slow = scriptedHandler([
      (_req, ctx) => {
        signal = ctx.signal;
        return new Promise<EffectOutcome>((r) => (release = r));
      },
    ]);
    const { runtime, store } = setup([effectWorkflow('slow')], { effects: { slow } });
    const run = await runtime.start('fx');
    const ticking = runtime.tick(run.run_id);
    await new Promise((r) => setImmediate(r));
    const cancelled = await runtime.cancel(run.run_id, 'stop');
    expect(signal.aborted).toBe(true);
    release(completed('too late'));
    const after = await ticking;
    expect(after.status).toBe('cancelled');
    expect(store.getRun(run.run_id)).toEqual(cancelled);
    expect(kinds(ledger(store, run.run_id))).toEqual(['run_started', 'effect/started', 'cancelled']);
  });
});

describe('one writer per run', () => {
  it('another owner holding a live lease gets RunLeasedError; after expiry it may take over', async () => {
    const { runtime, store, clock } = setup([effectWorkflow('ask_user', { prompt: '?' })]);
    const run = await runtime.start('fx');
    store.acquireLease(run.run_id, 'other-host', 30_000, clock.now());
    await expect(runtime.tick(run.run_id)).rejects.toBeInstanceOf(RunLeasedError);
    expect(ledger(store, run.run_id)).toHaveLength(1);
    clock.advance(30_001);
    expect((await runtime.tick(run.run_id)).status).toBe('waiting');
  });

  it('releases the lease when done, so another host can advance the run', async () => {
    const { runtime, store, clock } = setup([effectWorkflow('ask_user', { prompt: '?' })]);
    const run = await runtime.start('fx');
    await runtime.tick(run.run_id);
    expect(() => store.acquireLease(run.run_id, 'other-host', 1000, clock.now())).not.toThrow();
  });

  it('a stale writer is refused by the store (ConcurrentUpdateError) and nothing is written', async () => {
    const { runtime, store } = setup([effectWorkflow('ask_user', { prompt: '?' })]);
    const run = await runtime.start('fx');
    const stale = store.getRun(run.run_id)!;
    await runtime.tick(run.run_id);
    expect(() => store.commit({ state: stale, records: [], expectedHeadSeq: 0 })).toThrow(ConcurrentUpdateError);
    expect(store.getRun(run.run_id)!.status).toBe('waiting');
  });

  it('concurrent ticks of one run in one process take turns (no conflict, no double execution)', async () => {
    const t = scriptedHandler([completed(1)]);
    const { runtime } = setup([effectWorkflow('t')], { effects: { t } });
    const run = await runtime.start('fx');
    const [a, b] = await Promise.all([runtime.tick(run.run_id), runtime.tick(run.run_id)]);
    expect(t.calls).toHaveLength(1);
    expect(a.status).toBe('completed');
    expect(b.status).toBe('completed');
  });

  it('a failing store write propagates (never swallowed) and leaves the last committed state', async () => {
    class FailingStore extends MemoryStore {
      failNext = false;
      override commit(batch: CommitBatch): void {
        if (this.failNext) throw new StoreError('disk full');
        super.commit(batch);
      }
    }
    const store = new FailingStore();
    const { runtime } = setup([{ id: 'e', version: '1', entry: 'a', nodes: { a: { handler: () => ({ complete: 1 }) } } }], { store });
    const run = await runtime.start('e');
    store.failNext = true;
    await expect(runtime.tick(run.run_id)).rejects.toThrow('disk full');
    expect(store.getRun(run.run_id)!.status).toBe('running');
    store.failNext = false;
    expect((await runtime.tick(run.run_id)).status).toBe('completed');
  });
});

/**
 * The lease travels inside commits: a tick of pure steps is one write transaction, an
 * ask_user round trip is one per call, and start/resume can advance in the same commit.
 */
import { describe, expect, it } from 'vitest';
import { RunLeasedError } from '../../src-shared/errors';
import type { CommitBatch } from '../../src-main/runtime';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { completed, effectWorkflow, kinds, ledger, scriptedHandler, setup } from './support';

/** Counts every write the kernel makes: commits and lease-only writes. */
class CountingStore extends MemoryStore {
  writes: string[] = [];
  override commit(batch: CommitBatch): void {
    super.commit(batch);
    this.writes.push(`commit${batch.lease ? '+lease' : ''}${batch.releaseLease ? '+release' : ''}`);
  }
  override acquireLease(...a: Parameters<MemoryStore['acquireLease']>): void {
    super.acquireLease(...a);
    this.writes.push('acquireLease');
  }
  override releaseLease(...a: Parameters<MemoryStore['releaseLease']>): void {
    super.releaseLease(...a);
    this.writes.push('releaseLease');
  }
}

const linear = {
  id: 'lin',
  version: '1',
  entry: 'a',
  nodes: {
    a: { next: ['b'], handler: () => ({ next: 'b', set: { a: 1 } }) },
    b: { next: ['c'], handler: () => ({ next: 'c', set: { b: 2 } }) },
    c: { handler: (run: { vars: Record<string, unknown> }) => ({ complete: { sum: (run.vars.a as number) + (run.vars.b as number) } }) },
  },
};

describe('lease in the commit', () => {
  it('a tick of pure steps is one write: the commit claims and releases the lease', async () => {
    const store = new CountingStore();
    const { runtime } = setup([linear], { store });
    const run = await runtime.start('lin');
    store.writes = [];
    expect(await runtime.tick(run.run_id)).toMatchObject({ status: 'completed', output: { sum: 3 } });
    expect(store.writes).toEqual(['commit+lease+release']);
    expect(() => store.acquireLease(run.run_id, 'other', 1000, new Date())).not.toThrow();
  });

  it('an ask_user round trip is one write per call; with advance, two calls and two writes', async () => {
    const store = new CountingStore();
    const { runtime } = setup([effectWorkflow('ask_user', { prompt: '?' })], { store });
    const run = await runtime.start('fx');
    const waiting = await runtime.tick(run.run_id);
    const resumed = await runtime.resume(run.run_id, { waitKey: waiting.waiting!.wait_key, payload: 'yes' });
    const done = await runtime.tick(run.run_id);
    expect(done).toMatchObject({ status: 'completed', output: 'yes' });
    expect(resumed.status).toBe('running');
    expect(store.writes).toEqual(['commit', 'commit+lease+release', 'commit+lease+release', 'commit+lease+release']);
    const separate = kinds(ledger(store, run.run_id));

    store.writes = [];
    const started = await runtime.start('fx', {}, { advance: {} });
    expect(started.status).toBe('waiting');
    const end = await runtime.resume(started.run_id, { waitKey: started.waiting!.wait_key, payload: 'yes', advance: {} });
    expect(end).toMatchObject({ status: 'completed', output: 'yes' });
    expect(store.writes).toEqual(['commit+lease+release', 'commit+lease+release']);
    expect(kinds(ledger(store, started.run_id))).toEqual(separate);
    expect(store.getRun(started.run_id)).toEqual(end);
  });

  it('start with advance commits a side-effecting intent (with the lease) before running the effect', async () => {
    const store = new CountingStore();
    let seenAtCall: string[] = [];
    const t = scriptedHandler([
      (_req, ctx) => {
        seenAtCall = kinds(ledger(store, ctx.run.run_id));
        return completed('v');
      },
    ]);
    const { runtime } = setup([effectWorkflow('t')], { store, effects: { t } });
    const end = await runtime.start('fx', {}, { advance: {} });
    expect(end).toMatchObject({ status: 'completed', output: 'v' });
    expect(seenAtCall).toEqual(['run_started', 'effect/started']);
    expect(store.writes[0]).toBe('commit+lease');
    expect(store.writes.at(-1)).toMatch(/release/);
  });

  it('pure steps may run before the claim, but another live owner still gets RunLeasedError and nothing is written', async () => {
    const store = new CountingStore();
    const { runtime, clock } = setup([linear], { store });
    const run = await runtime.start('lin');
    store.acquireLease(run.run_id, 'other-host', 30_000, clock.now());
    store.writes = [];
    await expect(runtime.tick(run.run_id)).rejects.toBeInstanceOf(RunLeasedError);
    expect(store.writes).toEqual([]);
    expect(ledger(store, run.run_id)).toHaveLength(1);
    // Nothing of ours to release: the other owner's lease is untouched.
    expect(() => store.acquireLease(run.run_id, 'third', 1000, clock.now())).toThrow(RunLeasedError);
  });

  it('a lease claimed mid-operation is released when the operation ends without a final write', async () => {
    const store = new CountingStore();
    const t = scriptedHandler([completed('v')]);
    const { runtime } = setup([effectWorkflow('t')], { store, effects: { t } });
    const run = await runtime.start('fx');
    store.writes = [];
    await runtime.tick(run.run_id, { maxSteps: 1 });
    // intent (claims), outcome (keeps it: the effect's result is made durable at once), then a lease-only release.
    expect(store.writes).toEqual(['commit+lease', 'commit+lease', 'releaseLease']);
    expect(() => store.acquireLease(run.run_id, 'other', 1000, new Date())).not.toThrow();
  });

  it("a claimed run's tick starts from the caller's read after the claim, without a read of its own", async () => {
    const store = new CountingStore();
    const { runtime } = setup([linear], { store });
    const run = await runtime.start('lin');
    runtime.adoptClaim(run.run_id);
    const claimed = store.getRun(run.run_id)!;
    let reads = 0;
    const getRun = store.getRun.bind(store);
    store.getRun = (id) => (reads++, getRun(id));
    expect(await runtime.tick(run.run_id, { claimedState: claimed })).toMatchObject({ status: 'completed', output: { sum: 3 } });
    expect(reads).toBe(0);
  });

  it('a read made stale by a commit of this kernel since the claim is not used: the tick loads the run', async () => {
    const store = new CountingStore();
    const { runtime } = setup([linear], { store });
    const run = await runtime.start('lin');
    runtime.adoptClaim(run.run_id);
    const stale = store.getRun(run.run_id)!;
    await runtime.pause(run.run_id);
    // From the stale read the tick would run the steps and its commit be refused as concurrent.
    const after = await runtime.tick(run.run_id, { claimedState: stale });
    expect(after).toMatchObject({ status: 'running', paused: true, current_node: 'a' });
    expect(store.getRun(run.run_id)).toMatchObject({ paused: true, current_node: 'a' });
  });
});

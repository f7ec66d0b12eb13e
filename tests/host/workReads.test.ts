/**
 * What a worker pays to work a claimed run of pure steps: on PostgreSQL every read of the run
 * and every lease call is a server round trip, so working one to its end reads it once (the
 * worker's look at what it claimed, which the kernel's tick starts from), publishes the end
 * it committed, and leaves no lease behind without a release of its own (the run's last commit
 * released the claim). A run that does not end in one chunk is read again after each chunk's
 * yield (another process may have moved it meanwhile); one that does not move is released once.
 * Creating a run for a worker reads nothing back: the state its start committed is what is
 * published and returned.
 */
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/types';
import { memoryHost } from './hostFixture';

const ids = (claimed: { runId: string }[]) => claimed.map((c) => c.runId);

async function countingHost() {
  const made = await memoryHost();
  const { store } = made;
  let reads = 0;
  let releases = 0;
  const getRun = store.getRun.bind(store);
  store.getRun = (runId) => {
    reads++;
    return getRun(runId);
  };
  const releaseLease = store.releaseLease.bind(store);
  store.releaseLease = (runId, owner) => {
    releases++;
    releaseLease(runId, owner);
  };
  return { ...made, reads: () => reads, releases: () => releases, resetReads: () => (reads = releases = 0) };
}

describe('working a claimed run', () => {
  it('a run of pure steps that ends in one chunk is read once, its end is published, and its lease is gone', async () => {
    const { host, store, reads, releases, resetReads } = await countingHost();
    const run = await host.startRun('examples.counter', { n: 10 }, { detach: true });
    const updates: RunSummary[] = [];
    host.events.on('runUpdated', ({ run: r }) => updates.push(r));
    expect(ids(host.claimWork(10))).toEqual([run.run_id]);
    resetReads();
    expect(await host.work(run.run_id)).toBe('advanced');
    expect(reads()).toBe(1);
    expect(host.getRun(run.run_id)).toMatchObject({ status: 'completed', vars: { i: 10 } });
    expect(updates.at(-1)).toMatchObject({ run_id: run.run_id, status: 'completed' });
    expect(store.workState(run.run_id)?.lease ?? null).toBeNull();
    expect(releases()).toBe(0);
    expect(ids(host.claimWork(10))).toEqual([]);
  });

  it('a run worked from the state its claim read is not read again: claim, advance to its end and publish', async () => {
    const { host, store, reads, releases, resetReads } = await countingHost();
    const run = await host.startRun('examples.counter', { n: 10 }, { detach: true });
    const updates: RunSummary[] = [];
    host.events.on('runUpdated', ({ run: r }) => updates.push(r));
    resetReads();
    const [claimed, ...more] = host.claimWork(10);
    expect(more).toEqual([]);
    expect(claimed!.state).toEqual(store.getRun(run.run_id));
    resetReads();
    expect(await host.work(claimed!.runId, claimed!.state!)).toBe('advanced');
    expect(reads()).toBe(0);
    expect(host.getRun(run.run_id)).toMatchObject({ status: 'completed', vars: { i: 10 } });
    expect(updates.at(-1)).toMatchObject({ run_id: run.run_id, status: 'completed' });
    expect(store.workState(run.run_id)?.lease ?? null).toBeNull();
    expect(releases()).toBe(0);
  });

  it('a claimed run that does not move (stopped before a breakpoint) is released once and held off the queue', async () => {
    const { host, store, releases, resetReads } = await countingHost();
    const run = await host.startRun('examples.counter', { n: 10 }, { detach: true, breakpoints: ['count'] });
    expect(ids(host.claimWork(10))).toEqual([run.run_id]);
    expect(store.workState(run.run_id)?.lease?.owner).toBe(host.hostId);
    resetReads();
    expect(await host.work(run.run_id)).toBe('advanced');
    expect(host.getRun(run.run_id)).toMatchObject({ status: 'running', current_node: 'count' });
    expect(releases()).toBe(1);
    expect(store.workState(run.run_id)?.lease ?? null).toBeNull();
    expect(ids(host.claimWork(10))).toEqual([]);
  });

  it('a run longer than a chunk is read again after each chunk, and still ends', async () => {
    const { host, reads, resetReads } = await countingHost();
    // 600 steps: three chunks of at most 250.
    const run = await host.startRun('examples.counter', { n: 600 }, { detach: true });
    expect(ids(host.claimWork(10))).toEqual([run.run_id]);
    resetReads();
    await host.work(run.run_id);
    expect(host.getRun(run.run_id)).toMatchObject({ status: 'completed', vars: { i: 600 } });
    // The worker's read (the first chunk starts from it), then per later chunk the read after
    // the yield and the kernel's load (its claim was released by the first chunk's commit).
    expect(reads()).toBeGreaterThanOrEqual(1 + 2 * 2);
  });

  it('creating a run for a worker reads nothing back: the state its start committed is published and returned', async () => {
    const { host, reads, resetReads } = await countingHost();
    const updates: RunSummary[] = [];
    host.events.on('runUpdated', ({ run: r }) => updates.push(r));
    resetReads();
    const run = await host.startRun('examples.counter', { n: 10 }, { detach: true });
    expect(reads()).toBe(0);
    expect(run).toEqual(host.getRun(run.run_id));
    expect(updates).toEqual([expect.objectContaining({ run_id: run.run_id, status: 'running', ledger_seq: 0 })]);
  });
});

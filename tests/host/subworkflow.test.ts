import { afterAll, describe, expect, it } from 'vitest';
import type { CommitBatch } from '../../src-main/runtime/contracts';
import { defineWorkflow } from '../../src-main/runtime/index';
import { join } from 'node:path';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { PostgresStore } from '../../src-main/store/postgres/PostgresStore';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';

const pgReason = pgUnavailableReason();
if (pgReason) console.warn(`[postgres case of the child-start recovery test skipped] ${pgReason}`);
let pgServer: PgServer | undefined;
afterAll(() => pgServer?.stop());

/** Fails the first commit that creates a child run, as a crash right after the parent's wait was committed would. */
function crashOnChildStart(store: { commit(batch: CommitBatch): void }): void {
  const commit = store.commit.bind(store);
  let armed = true;
  store.commit = (batch) => {
    if (armed && batch.state.parent_run_id && batch.records.some((r) => r.kind === 'run_started')) {
      armed = false;
      throw new Error('simulated crash before the child was started');
    }
    commit(batch);
  };
}
import { ledgerOf, memoryHost, tempDir } from './hostFixture';

const failing = defineWorkflow({
  id: 'test.failing',
  version: '1',
  entry: 'boom',
  nodes: { boom: { handler: () => ({ fail: { code: 'BOOM', message: 'it broke' } }) } },
});

describe('subworkflows (start_subworkflow)', () => {
  it('examples.parent runs a child, waits for it and resumes with its output', async () => {
    const { host } = await memoryHost();
    const parent = await host.startRun('examples.parent');
    await host.whenIdle();
    const done = host.getRun(parent.run_id);
    expect(done.status).toBe('completed');
    const children = host.listChildren(parent.run_id);
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({ workflow_id: 'examples.counter', parent_run_id: parent.run_id, status: 'completed' });
    expect(done.output).toEqual({ child: { count: 3 } });
    const waiting = ledgerOf(host, parent.run_id).find((r) => r.status === 'waiting')!;
    expect(waiting.result).toMatchObject({ reason: 'subworkflow', child_run_id: children[0]!.run_id });
  });

  it('a child that waits keeps the parent waiting until the child ends', async () => {
    const { host } = await memoryHost();
    const parent = await host.startRun('examples.parent', { childWorkflowId: 'examples.event', childVars: { eventName: 'go' } });
    await host.whenIdle();
    expect(host.getRun(parent.run_id).waiting?.reason).toBe('subworkflow');
    const { delivered } = await host.emitEvent('go', { ok: true });
    expect(delivered).toHaveLength(1);
    await host.whenIdle();
    expect(host.getRun(parent.run_id)).toMatchObject({ status: 'completed', output: { child: { event: { ok: true } } } });
  });

  it('a worker that takes up a parent whose child is still going leaves it waiting: only an ended child has an outcome', async () => {
    // A parent is runnable from its wait's commit until its child's first commit (for whoever
    // starts the child); a worker claiming it in that moment finds the child already there.
    const { host } = await memoryHost();
    const parent = await host.startRun('examples.parent', { childWorkflowId: 'examples.event', childVars: { eventName: 'go' } });
    await host.whenIdle();
    const [child] = host.listChildren(parent.run_id);
    expect(child).toMatchObject({ status: 'waiting' });
    const head = host.getRun(parent.run_id).ledger_head;
    expect(await host.work(parent.run_id)).toBeNull();
    expect(host.getRun(parent.run_id)).toMatchObject({ status: 'waiting', ledger_head: head });
    await host.emitEvent('go', { ok: true });
    await host.whenIdle();
    expect(host.getRun(parent.run_id)).toMatchObject({ status: 'completed', output: { child: { event: { ok: true } } } });
  });

  it('a failing child resumes the parent with its error', async () => {
    const { host } = await memoryHost({ workflows: [failing] });
    const parent = await host.startRun('examples.parent', { childWorkflowId: 'test.failing' });
    await host.whenIdle();
    const state = host.getRun(parent.run_id);
    expect(state.vars.child).toMatchObject({ error: { code: 'BOOM', message: 'it broke' }, child_status: 'failed' });
    expect(state.status).toBe('failed');
    expect(state.error?.code).toBe('CHILD_RUN_FAILED');
  });

  it('a cancelled child resumes the parent with an error', async () => {
    const { host } = await memoryHost();
    const parent = await host.startRun('examples.parent', { childWorkflowId: 'examples.event', childVars: { eventName: 'never' } });
    await host.whenIdle();
    const child = host.listChildren(parent.run_id)[0]!;
    await host.cancelRun(child.run_id, 'not needed');
    await host.whenIdle();
    expect(host.getRun(parent.run_id).vars.child).toMatchObject({ child_status: 'cancelled', child_run_id: child.run_id });
  });

  it('cancelling a parent cancels its waiting children', async () => {
    const { host } = await memoryHost();
    const parent = await host.startRun('examples.parent', { childWorkflowId: 'examples.event', childVars: { eventName: 'never' } });
    await host.whenIdle();
    await host.cancelRun(parent.run_id, 'stop');
    await host.whenIdle();
    const child = host.listChildren(parent.run_id)[0]!;
    expect(child.status).toBe('cancelled');
    expect(host.getRun(parent.run_id).status).toBe('cancelled');
  });

  it('wait:false completes at once with the child id', async () => {
    const fire = defineWorkflow({
      id: 'test.fire',
      version: '1',
      entry: 'spawn',
      nodes: {
        spawn: {
          handler: () => ({
            effect: { type: 'start_subworkflow', payload: { workflowId: 'examples.counter', vars: { n: 1 }, wait: false } },
            resultKey: 'child',
          }),
        },
      },
    });
    const { host } = await memoryHost({ workflows: [fire] });
    const run = await host.startRun('test.fire');
    await host.whenIdle();
    const childId = (run.vars.child as { child_run_id: string }).child_run_id;
    expect(host.getRun(childId)).toMatchObject({ status: 'completed', parent_run_id: run.run_id });
  });

  it('a parent whose child ended while no host watched is resumed by tick', async () => {
    const first = await memoryHost();
    const parent = await first.host.startRun('examples.parent', { childWorkflowId: 'examples.event', childVars: { eventName: 'late' } });
    await first.host.whenIdle();
    const child = first.host.listChildren(parent.run_id)[0]!;
    // Another process (no parent bookkeeping) finishes the child directly through the kernel.
    const waitKey = first.host.getRun(child.run_id).waiting!.wait_key;
    await first.host.runtime.resume(child.run_id, { waitKey, payload: { late: true } });
    await first.host.runtime.tick(child.run_id);
    expect(first.host.getRun(parent.run_id).status).toBe('waiting');
    const second = await memoryHost({ store: first.store, clock: first.clock, leaseOwner: 'host-2' });
    const report = await second.host.tick();
    expect(report.parentsResumed).toEqual([parent.run_id]);
    expect(second.host.getRun(parent.run_id)).toMatchObject({ status: 'completed', output: { child: { event: { late: true } } } });
  });

  for (const kind of ['memory', 'sqlite', 'postgres'] as const) {
    it.skipIf(kind === 'postgres' && pgReason)(
      `a crash between the parent's commit and the child's start is recovered by another host, which starts the child once (${kind})`,
      async () => {
        const t = tempDir('ar-child-crash-');
        if (kind === 'postgres') pgServer ??= await startPgServer();
        const store =
          kind === 'memory'
            ? new MemoryStore()
            : kind === 'sqlite'
              ? SqliteStore.open(join(t.dir, 'runs.db'), { durability: 'process' })
              : PostgresStore.open(pgServer!.createDatabase('child_crash'), { durability: 'process' });
        try {
          crashOnChildStart(store);
          const first = await memoryHost({ store: store as MemoryStore, leaseOwner: 'host-1' });
          await expect(
            first.host.startRun('examples.parent', { childWorkflowId: 'examples.event', childVars: { eventName: 'c' } }),
          ).rejects.toThrow(/simulated crash/);
          await first.host.whenIdle();
          // The parent's wait is committed and names its child; the child does not exist.
          const [parent] = store.listRuns({ workflowId: 'examples.parent' }).runs;
          const childId = store.getRun(parent!.run_id)!.waiting!.child_run_id!;
          expect(store.getRun(parent!.run_id)!.waiting!.reason).toBe('subworkflow');
          expect(store.getRun(childId)).toBeNull();
          expect(store.workState(parent!.run_id)!.runnableAt).not.toBeNull();

          const second = await memoryHost({ store: store as MemoryStore, clock: first.clock, leaseOwner: 'host-2' });
          expect((await second.host.tick()).recovered).toEqual([parent!.run_id]);
          await second.host.whenIdle();
          expect(second.host.listChildren(parent!.run_id).map((c) => c.run_id)).toEqual([childId]);
          // Started: the parent is off the queue until its child ends; another pass starts nothing.
          expect(store.workState(parent!.run_id)!.runnableAt).toBeNull();
          expect(await second.host.tick()).toEqual({ recovered: [], timersFired: [], parentsResumed: [] });
          expect(second.host.listChildren(parent!.run_id)).toHaveLength(1);

          await second.host.emitEvent('c', 'ok');
          await second.host.whenIdle();
          expect(second.host.getRun(parent!.run_id)).toMatchObject({ status: 'completed', output: { child: { event: 'ok' } } });
          await first.host.close();
          await second.host.close();
        } finally {
          if (!(store instanceof MemoryStore)) store.close();
          t.cleanup();
        }
      },
      120_000,
    );
  }

  it('restore re-arms a wait on a child that already ended: the parent is resumed with its outcome again', async () => {
    const { host } = await memoryHost();
    const parent = await host.startRun('examples.parent', { childWorkflowId: 'examples.event', childVars: { eventName: 'go' } });
    await host.whenIdle();
    const snap = await host.createSnapshot(parent.run_id, { name: 'waiting for child' });
    await host.emitEvent('go', 1);
    await host.whenIdle();
    expect(host.getRun(parent.run_id).status).toBe('completed');
    await host.restoreSnapshot(snap.snapshot_id);
    await host.whenIdle();
    expect(host.getRun(parent.run_id)).toMatchObject({ status: 'completed', output: { child: { event: 1 } } });
    expect(host.listChildren(parent.run_id)).toHaveLength(1);
  });

  it('restore to before the spawn cancels the abandoned child and starts a new one', async () => {
    const { host } = await memoryHost();
    const parent = await host.startRun(
      'examples.parent',
      { childWorkflowId: 'examples.event', childVars: { eventName: 'go' } },
      { stepMode: true },
    );
    const snap = await host.createSnapshot(parent.run_id, { name: 'before spawn' });
    await host.continueRun(parent.run_id);
    await host.whenIdle();
    const [first] = host.listChildren(parent.run_id);
    await host.restoreSnapshot(snap.snapshot_id);
    await host.whenIdle();
    // Restore kept step mode off (continueRun left it): the parent spawned again.
    const children = host.listChildren(parent.run_id);
    expect(children).toHaveLength(2);
    expect(children.find((c) => c.run_id === first!.run_id)!.status).toBe('cancelled');
    const second = children.find((c) => c.run_id !== first!.run_id)!;
    expect(host.getRun(parent.run_id).waiting?.child_run_id).toBe(second.run_id);
    await host.emitEvent('go', 2);
    await host.whenIdle();
    expect(host.getRun(parent.run_id)).toMatchObject({ status: 'completed', output: { child: { event: 2 } } });
  });

  it('an unknown child workflow or a bad payload fails the parent with a clear error', async () => {
    const { host } = await memoryHost();
    const parent = await host.startRun('examples.parent', { childWorkflowId: 'examples.nope' });
    expect(parent.status).toBe('failed');
    expect(parent.error?.message).toMatch(/WORKFLOW_NOT_FOUND: workflow examples\.nope is not registered/);
    expect(host.listChildren(parent.run_id)).toEqual([]);
    const bad = await host.startRun('examples.parent', { childWorkflowId: '' });
    expect(bad.error?.message).toMatch(/INVALID_SUBWORKFLOW: start_subworkflow needs a non-empty string workflowId/);
  });
});

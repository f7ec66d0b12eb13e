import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { defineWorkflow, FakeClock } from '../../src-main/runtime/index';
import { START, ledgerOf, tempDir } from './hostFixture';

describe('RuntimeHost.open on SQLite', () => {
  const dirs: (() => void)[] = [];
  const hosts: RuntimeHost[] = [];
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.close();
    dirs.splice(0).forEach((c) => c());
  });

  async function open(dataDir: string, clock: FakeClock, leaseOwner: string) {
    const host = await RuntimeHost.open({ dataDir, dbPath: join(dataDir, 'runtime.db'), clock, leaseOwner, env: {}, projectFile: null });
    hosts.push(host);
    return host;
  }

  it('two hosts answering one wait at the same moment with different answers: one is applied, the other is refused', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const clock = new FakeClock(START);
    const one = await open(t.dir, clock, 'host-1');
    const two = await open(t.dir, clock, 'host-2');
    const run = await one.startRun('examples.approval', {});
    const key = run.waiting!.wait_key;
    const results = await Promise.allSettled([one.answer(run.run_id, 'approve', key), two.answer(run.run_id, 'reject', key)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(['RUN_NOT_WAITING', 'WRONG_WAIT_KEY']).toContain((lost[0]!.reason as { code: string }).code);
    const resumed = ledgerOf(one, run.run_id).filter((r) => r.kind === 'resumed');
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.result).toEqual({ text: results[0]!.status === 'fulfilled' ? 'approve' : 'reject' });
  });

  it('a worker in another process honours step mode set elsewhere: it does not advance the run, and holds it off the queue', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const clock = new FakeClock(START);
    const worker = await open(t.dir, clock, 'worker');
    const gui = await open(t.dir, clock, 'gui');
    const run = await gui.startRun('examples.counter', { n: 3 }, { stepMode: true, detach: true });
    await worker.tick();
    expect(worker.getRun(run.run_id).ledger_head!.seq).toBe(0);
    expect(worker.store.workState(run.run_id)?.runnableAt).toBeNull(); // held: not stalled, not claimed again
    // Leaving step mode in the GUI advances it there.
    await gui.setStepMode(run.run_id, false);
    expect(gui.getRun(run.run_id).status).toBe('completed');
  });

  it('a timer armed before a restart fires once after it (catch-up), never twice', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const clock = new FakeClock(START);
    const first = await open(t.dir, clock, 'host-1');
    const run = await first.startRun('examples.timer', { delayMs: 30_000 });
    expect(run.status).toBe('waiting');
    await first.close();
    clock.advance(3_600_000);

    const second = await open(t.dir, clock, 'host-2');
    const third = await open(t.dir, clock, 'host-3');
    const [a, b] = await Promise.all([second.tick(), third.tick()]);
    expect([...a.timersFired, ...b.timersFired]).toEqual([run.run_id]);
    expect((await second.tick()).timersFired).toEqual([]);
    const done = second.getRun(run.run_id);
    expect(done.status).toBe('completed');
    expect(ledgerOf(second, run.run_id).filter((r) => r.kind === 'resumed')).toHaveLength(1);
  });

  it('step mode and breakpoints survive a restart (kept next to the database)', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const clock = new FakeClock(START);
    const first = await open(t.dir, clock, 'host-1');
    const run = await first.startRun('examples.counter', { n: 3 }, { stepMode: true, breakpoints: ['done'] });
    await first.close();
    const second = await open(t.dir, clock, 'host-2');
    expect(second.stepMode(run.run_id)).toBe(true);
    expect(second.breakpoints(run.run_id)).toEqual(['done']);
    await second.recoverOnStart();
    expect(second.getRun(run.run_id).step_count).toBe(0);
  });

  it('writes the database in the data folder and reports its paths', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const host = await open(t.dir, new FakeClock(START), 'host-1');
    const info = await createApiHandlers(host).getInfo({});
    expect(info).toMatchObject({ dataDir: t.dir, dbPath: join(t.dir, 'runtime.db') });
    expect(statSync(join(t.dir, 'runtime.db')).isFile()).toBe(true);
    expect(existsSync(join(t.dir, 'settings.json'))).toBe(false);
  });

  it('verify, export, verify a bundle offline and import it elsewhere (read-only without its workflow)', async () => {
    const t1 = tempDir();
    const t2 = tempDir();
    dirs.push(t1.cleanup, t2.cleanup);
    const custom = defineWorkflow({
      id: 'test.custom',
      version: '1',
      entry: 'ask',
      nodes: { ask: { handler: () => ({ effect: { type: 'ask_user', payload: { prompt: 'ok?' } }, resultKey: 'a' }) } },
    });
    const clock = new FakeClock(START);
    const source = await RuntimeHost.open({
      dataDir: t1.dir,
      dbPath: join(t1.dir, 'runtime.db'),
      clock,
      env: {},
      projectFile: null,
      workflows: [custom],
    });
    hosts.push(source);
    const api = createApiHandlers(source);
    const run = await api.startRun({ workflowId: 'test.custom' });
    expect((await api.verifyRun({ runId: run.run_id })).valid).toBe(true);
    const exported = await api.exportRun({ runId: run.run_id });
    expect(exported.fileName).toMatch(/^run-test\.custom-.*\.bundle\.json$/);
    const bundle = JSON.parse(JSON.stringify(exported.bundle));
    const report = await api.verifyBundle({ bundle });
    expect(report).toMatchObject({ valid: true, runId: run.run_id, workflowId: 'test.custom' });

    const target = await open(t2.dir, clock, 'host-2');
    const targetApi = createApiHandlers(target);
    expect(await targetApi.importBundle({ bundle })).toEqual({ runId: run.run_id });
    const view = await targetApi.getRun({ runId: run.run_id });
    expect(view.resumable).toBe(false);
    expect(view.notResumableReason).toMatch(/workflow test\.custom@1 is not registered here/);
    expect((await targetApi.verifyRun({ runId: run.run_id })).valid).toBe(true);
    await expect(targetApi.answer({ runId: run.run_id, text: 'yes' })).rejects.toMatchObject({ code: 'RUN_NOT_RESUMABLE' });

    const tampered = JSON.parse(JSON.stringify(exported.bundle));
    const victim = tampered.records.find((r: { body: string }) => r.body.includes('ok?'));
    victim.body = victim.body.replace('ok?', 'ok!');
    expect((await api.verifyBundle({ bundle: tampered })).valid).toBe(false);
  });

  it('with signing on, records are signed and the head is anchored outside the database', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const host = await open(t.dir, new FakeClock(START), 'host-1');
    const api = createApiHandlers(host);
    const settings = await api.setSettings({ signing: { enabled: true } });
    expect(settings.signing.enabled).toBe(true);
    expect(settings.signing.publicKey).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    const run = await api.startRun({ workflowId: 'examples.counter', vars: { n: 2 } });
    expect(ledgerOf(host, run.run_id).every((r) => typeof r.signature === 'string')).toBe(true);
    expect(existsSync(join(t.dir, 'runtime.db.anchors.json'))).toBe(true);
    const report = await api.verifyRun({ runId: run.run_id });
    expect(report.valid).toBe(true);
    expect(report.signed).not.toBeNull();
  });

  it('a parent and its child run on SQLite; the view lists the child', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const host = await open(t.dir, new FakeClock(START), 'host-1');
    const api = createApiHandlers(host);
    const parent = await api.startRun({ workflowId: 'examples.parent' });
    await host.whenIdle();
    const view = await api.getRun({ runId: parent.run_id });
    expect(view.state).toMatchObject({ status: 'completed', output: { child: { count: 3 } } });
    expect(view.children).toHaveLength(1);
    expect(view.children[0]).toMatchObject({ workflow_id: 'examples.counter', status: 'completed', parent_run_id: parent.run_id });
    for (const id of [parent.run_id, view.children[0]!.run_id]) expect((await api.verifyRun({ runId: id })).valid).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { ledgerOf, memoryHost, START } from './hostFixture';

describe('scheduler: wait_until timers', () => {
  it('fires a due timer once, with {firedAt} and the scheduler as actor', async () => {
    const { host, clock } = await memoryHost();
    const run = await host.startRun('examples.timer', { delayMs: 60_000 });
    expect(run.status).toBe('waiting');
    expect(run.waiting).toMatchObject({ reason: 'until', until: '2026-03-01T09:01:00.000Z' });
    expect(await host.runDueTimers()).toEqual([]);
    clock.advance(59_999);
    expect(await host.runDueTimers()).toEqual([]);
    clock.advance(1);
    expect(await host.runDueTimers()).toEqual([run.run_id]);
    expect(await host.runDueTimers()).toEqual([]);
    const done = host.getRun(run.run_id);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ timer: { firedAt: '2026-03-01T09:01:00.000Z' } });
    const resumed = ledgerOf(host, run.run_id).filter((r) => r.kind === 'resumed');
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.actor?.kind).toBe('scheduler');
  });

  it('catches up on timers that fell due while no host was running, firing each once', async () => {
    const first = await memoryHost();
    const a = await first.host.startRun('examples.timer', { delayMs: 1000 });
    const b = await first.host.startRun('examples.timer', { delayMs: 3_600_000 });
    await first.host.close();
    first.clock.advance(2 * 3_600_000);
    const second = await memoryHost({ store: first.store, clock: first.clock, leaseOwner: 'host-2' });
    const report = await second.host.tick();
    expect(report.timersFired.sort()).toEqual([a.run_id, b.run_id].sort());
    expect((await second.host.tick()).timersFired).toEqual([]);
    for (const id of [a.run_id, b.run_id]) {
      expect(second.host.getRun(id).status).toBe('completed');
      expect(ledgerOf(second.host, id).filter((r) => r.kind === 'resumed')).toHaveLength(1);
    }
  });

  it('two hosts sharing one store fire a due timer exactly once', async () => {
    const one = await memoryHost({ leaseOwner: 'host-A' });
    const two = await memoryHost({ store: one.store, clock: one.clock, leaseOwner: 'host-B' });
    const runs = await Promise.all([1, 2, 3, 4, 5].map(() => one.host.startRun('examples.timer', { delayMs: 10 })));
    one.clock.advance(10);
    const [firedA, firedB] = await Promise.all([one.host.runDueTimers(), two.host.runDueTimers()]);
    await Promise.all([one.host.whenIdle(), two.host.whenIdle()]);
    expect([...firedA, ...firedB].sort()).toEqual(runs.map((r) => r.run_id).sort());
    for (const r of runs) {
      expect(ledgerOf(one.host, r.run_id).filter((rec) => rec.kind === 'resumed')).toHaveLength(1);
      expect(one.host.getRun(r.run_id).status).toBe('completed');
    }
  });

  it('a paused run does not fire until unpaused; then it fires', async () => {
    const { host, clock } = await memoryHost();
    const run = await host.startRun('examples.timer', { delayMs: 10 });
    await host.pauseRun(run.run_id);
    clock.advance(1000);
    expect(await host.runDueTimers()).toEqual([]);
    await host.unpauseRun(run.run_id);
    expect(await host.runDueTimers()).toEqual([run.run_id]);
    expect(host.getRun(run.run_id).status).toBe('completed');
  });

  it('the interval scheduler fires due timers without being asked', async () => {
    const { host, clock } = await memoryHost();
    const run = await host.startRun('examples.timer', { delayMs: 5 });
    clock.advance(5);
    const completed = new Promise<void>((resolve) => {
      host.events.on('runUpdated', ({ run: r }) => {
        if (r.run_id === run.run_id && r.status === 'completed') resolve();
      });
    });
    host.startScheduler({ intervalMs: 10 });
    await completed;
    host.stopScheduler();
    expect(host.getRun(run.run_id).vars.timer).toEqual({ firedAt: new Date(Date.parse(START) + 5).toISOString() });
  });
});

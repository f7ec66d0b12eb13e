/**
 * Why a runnable run nobody advances is stalled: a worker of this machine that was killed
 * (its row not expired yet) is not counted as alive, so the reason says no worker is running;
 * a live one is counted.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { STALL_AFTER_MS, stalledInfo } from '../../src-main/host/stalledRuns';
import { memoryHost } from './hostFixture';

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('stalledInfo', () => {
  it('a killed worker of this machine whose row has not expired is not a live worker; a running one is', async () => {
    const { host, store, clock } = await memoryHost();
    const run = await host.startRun('examples.counter', { n: 2 }, { detach: true });
    const later = new Date(clock.now().getTime() + STALL_AFTER_MS + 1_000);
    const row = {
      kind: 'worker',
      hostname: hostname(),
      startedAt: 0,
      heartbeatAt: later.getTime(),
      expiresAt: later.getTime() + 6_000,
      workflows: ['examples.counter@1'],
    };
    store.heartbeatWorker({ ...row, workerId: 'killed', pid: deadPid() });
    expect(stalledInfo(store, later, store.getRun(run.run_id)!)?.reason).toMatch(/no worker is running on this database/);
    store.heartbeatWorker({ ...row, workerId: 'alive', pid: process.ppid });
    expect(stalledInfo(store, later, store.getRun(run.run_id)!)?.reason).toMatch(/none of the 1 live worker\(s\) has claimed it yet/);
    await host.close();
  });
});

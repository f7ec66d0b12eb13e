/**
 * A host killed while holding a run's lease must not block recovery until the lease
 * expires: lease owners name their process, and a new host on the same machine takes over
 * the lease of a process that no longer exists, at once.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunLeasedError } from '../../src-shared/errors';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { isDeadLocalOwner, processLeaseOwner } from '../../src-main/store/processLeaseOwner';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { tempDir } from './hostFixture';

const HOLDER = resolve(__dirname, 'fixtures/holdLease.ts');

async function spawnHolder(db: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, db], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const line = await new Promise<string>((res, rej) => {
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes('\n')) res(out.split('\n')[0]!);
    });
    child.on('exit', (code) => rej(new Error(`lease holder exited (${code}) early: ${err}`)));
  });
  return { child, ...(JSON.parse(line) as { runId: string; owner: string }) };
}

describe('lease of a crashed host', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('names the process; only a dead local pid counts as gone', () => {
    const mine = processLeaseOwner();
    expect(mine).toMatch(new RegExp(`:${process.pid}:[0-9a-f-]{36}$`));
    expect(isDeadLocalOwner(mine)).toBe(false);
    expect(isDeadLocalOwner('host-A')).toBe(false);
    expect(isDeadLocalOwner(`some-other-machine:${process.pid + 1}:x`)).toBe(false);
  });

  it('a new host recovers at once a run whose lease holder was SIGKILLed (no waiting for the TTL)', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = join(t.dir, 'runtime.db');
    SqliteStore.open(db).close(); // create the file before two processes race to
    const holder = await spawnHolder(db);
    cleanups.push(() => void holder.child.kill('SIGKILL'));

    const host = await RuntimeHost.open({ dataDir: t.dir, dbPath: db, env: {}, projectFile: null });
    cleanups.push(() => host.close());
    // While the holder lives, its lease (10-minute TTL) keeps this host out.
    const probe = SqliteStore.open(db);
    cleanups.push(() => probe.close());
    expect(() => probe.acquireLease(holder.runId, 'probe', 1000, new Date())).toThrow(RunLeasedError);
    await host.tick();
    expect(host.getRun(holder.runId).status).toBe('running');

    holder.child.kill('SIGKILL');
    await once(holder.child, 'exit');
    expect(isDeadLocalOwner(holder.owner)).toBe(true);
    const report = await host.tick();
    expect(report.recovered).toContain(holder.runId);
    expect(host.getRun(holder.runId)).toMatchObject({ status: 'completed', output: { count: 3 } });
  });
});

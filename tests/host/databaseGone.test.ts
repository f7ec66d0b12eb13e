import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { FakeClock } from '../../src-main/runtime/index';
import { START, tempDir } from './hostFixture';

describe('a host whose database file is deleted or replaced under it stops writing and says so', () => {
  const cleanups: (() => void)[] = [];
  const hosts: RuntimeHost[] = [];
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.close();
    cleanups.splice(0).forEach((c) => c());
  });

  async function open() {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dbPath = join(t.dir, 'runtime.db');
    const host = await RuntimeHost.open({ dataDir: t.dir, dbPath, clock: new FakeClock(START), env: {}, projectFile: null });
    hosts.push(host);
    return { host, dbPath, dir: t.dir, api: createApiHandlers(host) };
  }

  it('deleted: the next run is refused with DATABASE_GONE, and getInfo reports the problem', async () => {
    const { host, dbPath, api } = await open();
    expect((await api.getInfo({})).databaseProblem).toBeNull();
    await host.startRun('examples.counter', { n: 1 });
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(f, { force: true });

    const refused = host.startRun('examples.counter', { n: 1 });
    await expect(refused).rejects.toMatchObject({ code: 'DATABASE_GONE', retryable: false });
    await expect(refused).rejects.toThrow(
      `the database file ${dbPath} was deleted while this host had it open: nothing more is written to it`,
    );
    expect((await api.getInfo({})).databaseProblem).toBe(`the database file ${dbPath} was deleted while this host had it open`);
  });

  it('replaced by another file: refused too, even once the path exists again', async () => {
    const { host, dbPath, dir } = await open();
    await host.startRun('examples.counter', { n: 1 });
    copyFileSync(dbPath, join(dir, 'copy.db'));
    renameSync(join(dir, 'copy.db'), dbPath);
    await expect(host.startRun('examples.counter', { n: 1 })).rejects.toThrow(/was replaced by another file while this host had it open/);
  });
});

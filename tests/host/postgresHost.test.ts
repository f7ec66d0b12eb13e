/**
 * Hosts on one PostgreSQL database, as the desktop app or `serve` (the inspector) and a CLI
 * or worker elsewhere are: the URL's password never reaches getInfo, and the inspector
 * host's change feed turns the other host's commits into its live events (LISTEN/NOTIFY).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
import { recordEvents, tempDir } from './hostFixture';

const reason = pgUnavailableReason();
if (reason) console.warn(`[postgres tests skipped] ${reason}`);

describe.skipIf(reason)('hosts on one PostgreSQL database', () => {
  let server: PgServer;
  const t = tempDir();
  const hosts: RuntimeHost[] = [];
  beforeAll(async () => {
    server = await startPgServer();
  }, 120_000);
  afterAll(async () => {
    for (const h of hosts) await h.close();
    t.cleanup();
    server?.stop();
  }, 180_000);

  async function open(url: string, owner: string) {
    const host = await RuntimeHost.open({ dataDir: join(t.dir, owner), dbPath: url, leaseOwner: owner, env: {}, projectFile: null });
    hosts.push(host);
    return host;
  }

  it("getInfo names the database without its password; another host's start and answer arrive as live events", async () => {
    // The throw-away cluster trusts local connections, so any password opens it: enough to see where it shows.
    const u = new URL(server.createDatabase('hosts'));
    u.password = 'top-secret-pw';
    const url = u.toString();
    const inspector = await open(url, 'inspector');
    const cli = await open(url, 'cli');
    const info = await createApiHandlers(inspector).getInfo({});
    expect(info.dbPath).toBe(url.replace('top-secret-pw', '***'));
    expect(JSON.stringify(info)).not.toContain('top-secret-pw');

    inspector.changeFeed.start();
    inspector.changeFeed.stop();
    const ev = recordEvents(inspector);
    const run = await cli.startRun('examples.approval', {});
    await vi.waitFor(
      () => {
        inspector.changeFeed.poll();
        expect(ev.seen.runUpdated.map((e) => [e.run.run_id, e.run.status])).toEqual([[run.run_id, 'waiting']]);
      },
      { interval: 20 },
    );
    const done = await cli.answer(run.run_id, 'approve');
    expect(done.status).toBe('completed');
    await vi.waitFor(
      () => {
        inspector.changeFeed.poll();
        expect(ev.seen.runUpdated.at(-1)!.run.status).toBe('completed');
      },
      { interval: 20 },
    );
    const all = ev.seen.ledgerAppended.flatMap((e) => e.records.map((r) => r.seq));
    expect(all).toEqual([...Array(done.ledger_head!.seq + 1).keys()]);
    expect(inspector.store.listRuns({}).runs.map((r) => r.run_id)).toEqual([run.run_id]);
    ev.stop();
  });

  it('an idle worker is woken by the notification of work another process offers: it claims the run at once, not at its next poll', async () => {
    const url = server.createDatabase('wake');
    const workerHost = await open(url, 'worker');
    const cli = await open(url, 'cli');
    // Polls far apart: only the notification can bring the run to it within the wait below.
    const worker = workerHost.startWorker({ pollMs: 3_600_000, rescanMs: 3_600_000 });
    try {
      // LISTEN is live once the worker's store has seen its first (re)connect.
      await vi.waitFor(() => expect(workerHost.store.workToken()).toBeGreaterThan(0));
      const run = await cli.startRun('examples.counter', { n: 3 }, { detach: true });
      expect(run.status).toBe('running');
      await vi.waitFor(() => expect(cli.store.getRun(run.run_id)?.status).toBe('completed'), { timeout: 10_000, interval: 20 });
      expect(worker.completedCount).toBe(1);
    } finally {
      await worker.stop();
    }
  });
});

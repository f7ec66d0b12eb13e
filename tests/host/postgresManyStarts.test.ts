/**
 * Many runs started at once by one host on PostgreSQL, as `run --detach` from a script or a
 * creator process does: every start returns, none is lost. The synchronous client once took
 * a wake-up for the answer to its current call and failed it as "no answer within 60000 ms"
 * after less than a second, about once in 5,000 calls, while the threads a project's
 * handlers run in were starting up (a host with workflow modules, just opened).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
import { tempDir } from './hostFixture';

const reason = pgUnavailableReason();
if (reason) console.warn(`[postgres tests skipped] ${reason}`);

describe.skipIf(reason)('many starts at once on PostgreSQL', () => {
  let server: PgServer;
  const t = tempDir();
  beforeAll(async () => {
    server = await startPgServer();
  }, 120_000);
  afterAll(() => {
    t.cleanup();
    server?.stop();
  });

  it('20 hosts with a workflow module, in turn, each start 200 runs at once: every start returns, every run is stored', async () => {
    const projectFile = join(t.dir, 'abstractruntime.project.json');
    writeFileSync(projectFile, JSON.stringify({ workflows: [join(__dirname, 'fixtures', 'goodFlow.ts')] }));
    for (let b = 0; b < 20; b++) {
      const dbPath = server.createDatabase(`many${b}`);
      const host = await RuntimeHost.open({ dataDir: join(t.dir, `h${b}`), dbPath, env: {}, projectFile });
      try {
        expect(host.workflowErrors).toEqual([]);
        const ids = Array.from({ length: 200 }, (_, i) => `b${b}-r${i}`);
        const started = await Promise.all(ids.map((runId) => host.startRun('user.hello', {}, { detach: true, runId })));
        expect(started.map((s) => s.run_id)).toEqual(ids);
        expect(host.store.listRuns({ limit: 1 }).total).toBe(200);
      } finally {
        await host.close();
      }
    }
  }, 300_000);
});

// A database cut short or rolled back below a signed head is caught when the host opens it,
// and reported through getInfo, before anything new is appended.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { tempDir } from './hostFixture';

let cleanup: () => void = () => {};
afterEach(() => cleanup());

async function openHost(dir: string) {
  return RuntimeHost.open({
    dbPath: join(dir, 'runtime.db'),
    dataDir: dir,
    env: {},
    projectFile: null,
    settingsOverrides: { signing: { enabled: true } },
  });
}

describe('anchor check on open', () => {
  it('reports nothing for an intact database', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const host = await openHost(t.dir);
    await host.startRun('examples.counter', { n: 3 });
    await host.close();
    const again = await openHost(t.dir);
    expect(again.integrityProblems).toEqual([]);
    await again.close();
  });

  it('names the run whose ledger lost its tail below the signed head', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const host = await openHost(t.dir);
    const run = await host.startRun('examples.counter', { n: 3 });
    await host.close();
    // Simulate a lost WAL tail: the last records vanish from the database file.
    const db = new Database(join(t.dir, 'runtime.db'));
    const before = (db.prepare('SELECT COUNT(*) AS n FROM ledger WHERE run_id = ?').get(run.run_id) as { n: number }).n;
    db.prepare('DELETE FROM ledger WHERE run_id = ? AND seq >= ?').run(run.run_id, before - 2);
    db.close();

    const again = await openHost(t.dir);
    try {
      expect(again.integrityProblems.map((p) => p.runId)).toEqual([run.run_id]);
      expect(again.integrityProblems[0]!.report.reason).toBe('truncated');
      const info = await createApiHandlers(again).getInfo({});
      expect(info.integrityProblems?.[0]?.runId).toBe(run.run_id);
    } finally {
      await again.close();
    }
  });
});

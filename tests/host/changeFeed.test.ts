/**
 * The change feed: commits made through another connection to the same database (another
 * process: the CLI, a worker, a second host) become this host's live events, exactly as its
 * own commits do, and an idle feed reads no table.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { recordEvents, tempDir } from './hostFixture';

describe('change feed across connections', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function open(dir: string, owner: string) {
    const host = await RuntimeHost.open({
      dataDir: join(dir, owner),
      dbPath: join(dir, 'runtime.db'),
      leaseOwner: owner,
      env: {},
      projectFile: null,
    });
    cleanups.push(() => host.close());
    return host;
  }

  it("another host's start, answer and completion arrive as runUpdated, ledgerAppended and attentionNeeded", async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const inspector = await open(t.dir, 'inspector');
    const cli = await open(t.dir, 'cli');
    // Started for its baseline, stopped so that only the polls below read the feed.
    inspector.changeFeed.start();
    inspector.changeFeed.stop();
    const ev = recordEvents(inspector);
    expect(inspector.changeFeed.poll()).toEqual([]); // nothing written elsewhere: nothing read

    const run = await cli.startRun('examples.approval', {});
    expect(inspector.changeFeed.poll()).toEqual([run.run_id]);
    expect(ev.seen.runUpdated.map((e) => [e.run.run_id, e.run.status])).toEqual([[run.run_id, 'waiting']]);
    expect(ev.seen.attentionNeeded.map((e) => e.runId)).toEqual([run.run_id]);
    const first = ev.seen.ledgerAppended.flatMap((e) => e.records.map((r) => r.seq));
    expect(first).toEqual([...Array(run.ledger_head!.seq + 1).keys()]);

    const done = await cli.answer(run.run_id, 'approve');
    expect(done.status).toBe('completed');
    expect(inspector.changeFeed.poll()).toEqual([run.run_id]);
    expect(ev.seen.runUpdated.at(-1)!.run.status).toBe('completed');
    const all = ev.seen.ledgerAppended.flatMap((e) => e.records.map((r) => r.seq));
    // Every record exactly once, in order: the live ledger needs no reload.
    expect(all).toEqual([...Array(done.ledger_head!.seq + 1).keys()]);
    expect(inspector.changeFeed.poll()).toEqual([]);
    ev.stop();
  });

  it('a burst larger than one read becomes one runsChanged', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const inspector = await open(t.dir, 'inspector');
    const cli = await open(t.dir, 'cli');
    // Started for its baseline, stopped so that only the polls below read the feed.
    inspector.changeFeed.start();
    inspector.changeFeed.stop();
    const ev = recordEvents(inspector);
    for (let i = 0; i < 510; i++) await cli.startRun('examples.counter', { n: 1 }, { detach: true });
    expect(inspector.changeFeed.poll()).toEqual([]);
    expect(ev.seen.runsChanged).toEqual([{ count: 501 }]);
    expect(ev.seen.runUpdated).toEqual([]);
    // And the feed continues from there.
    const one = await cli.startRun('examples.counter', { n: 1 }, { detach: true });
    expect(inspector.changeFeed.poll()).toEqual([one.run_id]);
    ev.stop();
  });
});

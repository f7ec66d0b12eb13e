/**
 * Our side of the PostgreSQL fleet benchmark, as a fleet child (bench/postgres/fleet.ts):
 * opens a host on the database (as `run --detach` does, no worker of its own), and on `go`
 * creates its share of the runs at once, for the `abstractruntime worker` processes already
 * running on the same database to claim and advance; the first (`--waiter 1`) then waits
 * until all `total` runs of the fleet have completed. Creating the runs is inside the measured time, as a peer's
 * `startWorkflow`/`invoke` is, and spread over as many creator processes as there are workers,
 * as a peer's processes each start their own share.
 *
 *   node --import tsx bench/ours/pgSeeder.ts --url DB_URL --runs N --total N_ALL --nodes 10 --tag T --data DIR [--workflow ID] [--waiter 1]
 */
import pg from 'pg';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { childArgs, childMain } from '../postgres/fleet';

/**
 * Waits until every commit the server has accepted so far is on disk. The workers commit
 * asynchronously and flush before an effect runs or an operation returns, so the waiter can
 * see a run completed a few ms before its last commit is flushed; the peers' commits are
 * flushed one by one. A transaction that writes WAL commits with `synchronous_commit = on` by
 * flushing the WAL up to its own commit record, which covers every commit seen before it. It
 * must write: one that only takes an id (`txid_current()`) commits without a flush (checked
 * with the WAL's insert and flush positions, 2026-12-04). A transactional logical message
 * writes WAL and touches no table.
 */
async function flushEverything(client: pg.Client): Promise<void> {
  await client.query("SET synchronous_commit = on; SELECT pg_logical_emit_message(true, 'bench', 'flush')");
}

async function setup() {
  const a = childArgs();
  const runs = Number(a.runs);
  // The waiter waits for all the fleet's runs, not only its own: the clock stops at the last.
  const total = Number(a.total ?? a.runs);
  const nodes = Number(a.nodes);
  const host = await RuntimeHost.open({ dbPath: a.url!, dataDir: a.data!, env: process.env });
  // bench.linear10 (pure steps) or bench.effect10 (each step a tool call): bench/ours/linearProject.ts.
  const workflowId = a.workflow ?? `bench.linear${nodes}`;
  const flusher = a.waiter === '1' ? new pg.Client({ connectionString: a.url }) : null;
  await flusher?.connect();
  return {
    async run() {
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: runs }, (_, r) => host.startRun(workflowId, { count: 0 }, { detach: true, runId: `${a.tag}-${r}` })),
      );
      const createMs = performance.now() - t0;
      // Only the first creator waits for the fleet (one count per poll, as an inspector's list
      // reads it): the others' polls would be load on the server that the peers do not carry.
      // Every 10 ms: the counts are read again only when a commit landed (the store keeps
      // them until its change token moves), and the clock stops within 10 ms of the last.
      while (a.waiter === '1' && host.store.listRuns({ status: 'completed', limit: 1 }).total < total) {
        const ended = host.store.listRuns({ status: ['failed', 'cancelled'], limit: 1 }).total;
        if (ended > 0) throw new Error(`${ended} run(s) failed or were cancelled`);
        await new Promise((res) => setTimeout(res, 10));
      }
      // The clock stops when the completions are durable, as a peer's are when it sees them.
      if (flusher) await flushEverything(flusher);
      return { steps: runs * nodes, runs, createMs };
    },
    /** After the clock stopped: every run completed with the right output (the waiter has seen them all complete). */
    async check() {
      if (a.waiter !== '1') return;
      for (let r = 0; r < runs; r++) {
        const s = host.store.getRun(`${a.tag}-${r}`);
        if (s?.status !== 'completed' || (s.output as { count?: number } | null)?.count !== nodes)
          throw new Error(`run ${a.tag}-${r} ended ${s?.status} with ${JSON.stringify(s?.output)}`);
      }
    },
    async close() {
      await flusher?.end();
      await host.close();
    },
  };
}

void childMain(setup);

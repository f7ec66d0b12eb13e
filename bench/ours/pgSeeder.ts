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
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { childArgs, childMain } from '../postgres/fleet';

async function setup() {
  const a = childArgs();
  const runs = Number(a.runs);
  // The waiter waits for all the fleet's runs, not only its own: the clock stops at the last.
  const total = Number(a.total ?? a.runs);
  const nodes = Number(a.nodes);
  const host = await RuntimeHost.open({ dbPath: a.url!, dataDir: a.data!, env: process.env });
  // bench.linear10 (pure steps) or bench.effect10 (each step a tool call): bench/ours/linearProject.ts.
  const workflowId = a.workflow ?? `bench.linear${nodes}`;
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
    close: () => host.close(),
  };
}

void childMain(setup);

/**
 * Our side of the PostgreSQL fleet benchmark, as a fleet child (bench/postgres/fleet.ts):
 * opens a host on the database (as `run --detach` does, no worker of its own), and on `go`
 * creates the runs at once, for the `abstractruntime worker` processes already running on
 * the same database to claim and advance, then waits until every run has completed. Creating
 * the runs is inside the measured time, as a peer's `startWorkflow`/`invoke` is.
 *
 *   node --import tsx bench/ours/pgSeeder.ts --url DB_URL --runs N --nodes 10 --tag T --data DIR
 */
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { childArgs, childMain } from '../postgres/fleet';

async function setup() {
  const a = childArgs();
  const runs = Number(a.runs);
  const nodes = Number(a.nodes);
  const host = await RuntimeHost.open({ dbPath: a.url!, dataDir: a.data!, env: process.env });
  const workflowId = `bench.linear${nodes}`;
  return {
    async run() {
      const ids = await Promise.all(
        Array.from(
          { length: runs },
          async (_, r) => (await host.startRun(workflowId, { count: 0 }, { detach: true, runId: `${a.tag}-${r}` })).run_id,
        ),
      );
      // Polls as an inspector would; a completed run never changes again, so each is read until it is.
      let left = ids;
      while (left.length) {
        await new Promise((res) => setTimeout(res, 20));
        const still: string[] = [];
        for (const id of left) {
          const s = await host.store.getRun(id);
          if (!s) throw new Error(`run ${id} is gone`);
          if (s.status === 'failed' || s.status === 'cancelled') throw new Error(`run ${id} ended ${s.status}`);
          if (s.status !== 'completed') still.push(id);
          else if ((s.output as { count?: number } | null)?.count !== nodes)
            throw new Error(`run ${id} completed with ${JSON.stringify(s.output)}`);
        }
        left = still;
      }
      return { steps: runs * nodes, runs };
    },
    close: () => host.close(),
  };
}

void childMain(setup);

/**
 * The peer DBOS Transact (`@dbos-inc/dbos-sdk`) on the benchmark's linear shape: a workflow of
 * `nodes` steps, each a DBOS step (`DBOS.runStep`), at DBOS's default where every step's
 * output is written to its system database before the next step runs. Run as a fleet child
 * (bench/postgres/fleet.ts): each process is one DBOS executor (its own `DBOS__VMID`, so one
 * process's launch never "recovers" another's workflows) starting its share of the runs at
 * once with `DBOS.startWorkflow` and waiting for every result.
 *
 *   node --import tsx bench/peer/dbos.ts --url SYSTEM_DB_URL --runs N --nodes 10 --tag T
 */
import { DBOS } from '@dbos-inc/dbos-sdk';
import { childArgs, childMain } from '../postgres/fleet';

async function setup() {
  const a = childArgs();
  const runs = Number(a.runs);
  const nodes = Number(a.nodes);
  DBOS.setConfig({
    name: 'bench-dbos',
    systemDatabaseUrl: a.url!,
    // Enough connections for the runs in flight, as DBOS recommends for throughput.
    systemDatabasePoolSize: Number(a.pool ?? 20),
    logLevel: 'error',
  });
  const linear = DBOS.registerWorkflow(
    async (count: number) => {
      let c = count;
      for (let i = 0; i < nodes; i++) c = await DBOS.runStep(async () => c + 1, { name: `n${i}` });
      return c;
    },
    { name: 'linear' },
  );
  await DBOS.launch();
  return {
    async run() {
      const handles = await Promise.all(
        Array.from({ length: runs }, (_, r) => DBOS.startWorkflow(linear, { workflowID: `${a.tag}-${r}` })(0)),
      );
      const results = await Promise.all(handles.map((h) => h.getResult()));
      for (const c of results) if (c !== nodes) throw new Error(`a DBOS workflow ended with ${String(c)}`);
      return { steps: runs * nodes, runs };
    },
    close: () => DBOS.shutdown(),
  };
}

void childMain(setup);

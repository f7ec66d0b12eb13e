/**
 * Ours alone on PostgreSQL, the fleet section's shape (W `abstractruntime worker` processes,
 * W creators, every run in flight), with what the server saw while it ran: backends by wait
 * event (sampled every 100 ms: lock waits, idle in transaction) and, with STATS=1, the
 * statements by calls (`pg_stat_statements`, loaded into the throw-away server for this).
 * For side-by-side comparisons, run it from two checkouts in alternating order.
 *
 *   RUNS=200 WIDTHS=1,16 REPEATS=1 [WF=bench.linear10] [STATS=1] [HANDLERS=host|threads] [PROFILE=DIR] node --import tsx bench/pgOursProbe.ts
 *
 * PROFILE=DIR writes a CPU profile of each worker process there (`--cpu-prof`); otherwise
 * NODE_ARGS='…' passes Node flags to each worker process (e.g. `--single-threaded-gc`).
 */
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startPgServer } from '../tests/support/pgCluster';
import { runOursFleet } from './ours/pgWorkers';
import { counterDelta, readServerCounters, type ServerCounters } from './postgres/serverCounters';

const runs = Number(process.env.RUNS ?? 200);
const widths = (process.env.WIDTHS ?? '1,16').split(',').map(Number);
const repeats = Number(process.env.REPEATS ?? 1);
const workflow = process.env.WF ?? 'bench.linear10';
const stats = process.env.STATS === '1';
const handlers = process.env.HANDLERS === 'threads' ? 'threads' : 'host';
const profile = process.env.PROFILE ? resolve(process.env.PROFILE) : undefined;
const dir = resolve('.tmp/bench', `pg-ours-probe-${Date.now()}`);

async function withClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** Samples pg_stat_activity until stopped; returns the mean number of backends per state. */
function sampleWaits(url: string): { stop(): Promise<string> } {
  const counts = new Map<string, number>();
  let samples = 0;
  let on = true;
  const loop = withClient(url, async (c) => {
    while (on) {
      samples++;
      const r = await c.query<{ k: string; n: number }>(
        `SELECT coalesce(wait_event_type, '-') || ':' || coalesce(wait_event, '-') || ':' || state AS k, count(*)::int AS n
         FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1`,
      );
      for (const row of r.rows) counts.set(row.k, (counts.get(row.k) ?? 0) + row.n);
      await new Promise((res) => setTimeout(res, 100));
    }
  });
  return {
    async stop() {
      on = false;
      await loop;
      return [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, n]) => `${k}=${(n / Math.max(1, samples)).toFixed(1)}`)
        .join('  ');
    },
  };
}

const server = await startPgServer();
try {
  if (stats) {
    await withClient(server.url, (c) => c.query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"));
    server.restart();
    // Known only once the library is loaded.
    await withClient(server.url, async (c) => {
      await c.query('ALTER SYSTEM SET pg_stat_statements.track_planning = on');
      await c.query('SELECT pg_reload_conf()');
    });
  }
  for (let r = 0; r < repeats; r++)
    for (const w of widths) {
      const tag = `r${r}w${w}`;
      const url = server.createDatabase(`probe_${tag}`);
      let before!: ServerCounters;
      let waits!: ReturnType<typeof sampleWaits>;
      const res = await runOursFleet({
        url,
        width: w,
        runs,
        nodes: 10,
        workflow,
        handlers,
        nodeArgs: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : (process.env.NODE_ARGS ?? '').split(' ').filter(Boolean),
        dir: join(dir, tag),
        tag,
        beforeGo: async () => {
          if (stats)
            await withClient(url, async (c) => {
              await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
              await c.query('SELECT pg_stat_statements_reset()');
            });
          before = await readServerCounters(url);
          waits = sampleWaits(url);
        },
      });
      const waited = await waits.stop();
      const d = counterDelta(before, await readServerCounters(url));
      console.log(
        `${w} worker(s), repeat ${r + 1}: ${Math.round((res.steps * 1000) / res.ms)} steps/s, ${Math.round(res.ms)} ms ` +
          `(creating the runs ${Math.round(res.createMs ?? 0)} ms), ${(d.commits / res.steps).toFixed(2)} transactions per step`,
      );
      console.log(`  backends (mean): ${waited}`);
      if (stats)
        await withClient(url, async (c) => {
          // Where the server's time went: planning and executing each statement, per call and in all.
          const top = await c.query<{ calls: string; plan: number; exec: number; q: string }>(
            `SELECT calls, total_plan_time AS plan, total_exec_time AS exec, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS q
             FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database()
             ORDER BY total_plan_time + total_exec_time DESC LIMIT 20`,
          );
          console.log('    calls  plan ms  exec ms  statement');
          for (const row of top.rows)
            console.log(`  ${row.calls.padStart(7)} ${row.plan.toFixed(0).padStart(8)} ${row.exec.toFixed(0).padStart(8)}  ${row.q}`);
        });
    }
} finally {
  server.stop();
}

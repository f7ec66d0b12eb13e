/**
 * Counts the synchronous PostgreSQL calls (thread hops, each one or more server round trips)
 * that creating runs and working them cost per run, by statement, on a throw-away server:
 *   node --import tsx bench/pgRoundTrips.ts [runs=100] [workflow=bench.linear10]
 * A host creates the runs detached (as `run --detach` and bench/ours/pgSeeder.ts do), then a
 * second host works them as a worker (as `abstractruntime worker` does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeHost } from '../src-main/host/RuntimeHost';
import { PgSyncClient } from '../src-main/store/postgres/pgSyncClient';
import { startPgServer } from '../tests/support/pgCluster';
import { oursEnv } from './ours/pgWorkers';

const runs = Number(process.argv[2] ?? 100);
const workflowId = process.argv[3] ?? 'bench.linear10';
const byStatement = new Map<string, number>();
let hops = 0;
let statements = 0;
const run = PgSyncClient.prototype.run;
PgSyncClient.prototype.run = function (list, opts) {
  hops++;
  statements += list.length;
  const key = list.map((s) => s.text.replace(/\s+/g, ' ').slice(0, 48)).join(' | ');
  byStatement.set(key, (byStatement.get(key) ?? 0) + 1);
  return run.call(this, list, opts);
};

function resetCounts(): void {
  byStatement.clear();
  hops = statements = 0;
}

function report(label: string, ms: number): void {
  console.log(
    `${label}: ${(hops / runs).toFixed(2)} calls, ${(statements / runs).toFixed(2)} statements, ${(ms / runs).toFixed(2)} ms per run`,
  );
  for (const [k, v] of [...byStatement].sort((a, b) => b[1] - a[1]).slice(0, 8))
    console.log(`  ${(v / runs).toFixed(2)}  ${k.slice(0, 150)}`);
  resetCounts();
}

const server = await startPgServer();
const dir = mkdtempSync(join(tmpdir(), 'ar-pg-hops-'));
try {
  const env = oursEnv(dir);
  const creator = await RuntimeHost.open({ dbPath: server.url, dataDir: join(dir, 'creator'), env });
  resetCounts();
  let t0 = performance.now();
  await Promise.all(Array.from({ length: runs }, (_, i) => creator.startRun(workflowId, { count: 0 }, { detach: true, runId: `r-${i}` })));
  report('create (startRun detach)', performance.now() - t0);
  await creator.close();
  const worker = await RuntimeHost.open({ dbPath: server.url, dataDir: join(dir, 'worker'), env });
  resetCounts();
  t0 = performance.now();
  const w = worker.startWorker({ concurrency: runs });
  while (worker.store.listRuns({ status: 'completed', limit: 1 }).total < runs) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - t0;
  await w.stop();
  report('work (worker)', ms);
  await worker.close();
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}

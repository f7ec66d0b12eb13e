/**
 * `abstractruntime worker` processes on one PostgreSQL database, started the way a fleet
 * runs them (the CLI, `--db postgres://…`, the project file naming the benchmark workflow),
 * each resolved once it has printed that it is working.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runFleet, shareOf, type FleetResult } from '../postgres/fleet';
import { processCpuMs } from '../postgres/serverCounters';

export interface WorkerFleet {
  /** CPU time (user + system) the workers have spent so far. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * The environment every process of ours uses: its own data folder, the benchmark project.
 * `handlers`: where the project's node handlers run (`host`: the worker's own thread, as
 * DBOS runs its steps; `threads`: the default worker threads, one hop per step).
 */
export function oursEnv(dir: string, handlers: 'host' | 'threads' = 'host'): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const project = join(dir, 'abstractruntime.project.json');
  writeFileSync(project, JSON.stringify({ workflows: [resolve('bench/ours/linearProject.ts')], handlers }));
  return { ...process.env, ABSTRACTRUNTIME_HOME: join(dir, 'home'), ABSTRACTRUNTIME_PROJECT: project };
}

/** `nodeArgs`: extra Node flags for each worker, e.g. `--cpu-prof` to see where its time goes. */
export async function startWorkers(
  url: string,
  count: number,
  concurrency: number,
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Promise<WorkerFleet> {
  const children: ChildProcess[] = [];
  const stop = () =>
    Promise.all(
      children.map(
        (c) =>
          new Promise<void>((res) => {
            if (c.exitCode !== null || c.signalCode !== null) return res();
            const t = setTimeout(() => c.kill('SIGKILL'), 20_000);
            c.once('exit', () => {
              clearTimeout(t);
              res();
            });
            c.kill('SIGTERM');
          }),
      ),
    ).then(() => undefined);
  try {
    await Promise.all(
      Array.from({ length: count }, () => {
        const child = spawn(
          process.execPath,
          [...nodeArgs, resolve('bin/abstractruntime.mjs'), '--db', url, '--json', 'worker', '--concurrency', String(concurrency)],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
            env,
          },
        );
        children.push(child);
        let out = '';
        let err = '';
        child.stderr!.on('data', (d) => (err += String(d)));
        return new Promise<void>((res, reject) => {
          child.stdout!.on('data', (d) => {
            out += String(d);
            if (out.includes('"workerId"')) res();
          });
          child.on('exit', (code, signal) => reject(new Error(`worker exited ${code ?? signal} before it was ready: ${err.slice(-2000)}`)));
        });
      }),
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { cpuMs: () => children.reduce((a, c) => a + (processCpuMs(c.pid) ?? 0), 0), stop };
}

export interface OursFleetOptions {
  url: string;
  width: number;
  runs: number;
  nodes: number;
  /** bench.linear10 (pure steps) or bench.effect10 (each step a tool call). */
  workflow: string;
  /** This measurement's own folder (project file, homes, creators' data). */
  dir: string;
  tag: string;
  /** Extra Node flags for each worker (`--cpu-prof …`). */
  nodeArgs?: string[];
  /** Run once every worker is up, just before the creators start (read counters, reset stats). */
  beforeGo?: () => Promise<void>;
  /** Where the workers run the project's handlers (default `host`, see oursEnv). */
  handlers?: 'host' | 'threads';
}

/**
 * Ours as the PostgreSQL section measures it: `width` workers, each with room for its share
 * of the runs (so every run is in flight), then `width` creators (bench/ours/pgSeeder.ts),
 * each starting its share at `go`; the first waits for all. CPU includes the workers'.
 */
export async function runOursFleet(o: OursFleetOptions): Promise<FleetResult> {
  const env = oursEnv(o.dir, o.handlers);
  const workers = await startWorkers(o.url, o.width, Math.ceil(o.runs / o.width), env, o.nodeArgs ?? []);
  try {
    await o.beforeGo?.();
    const cpu0 = workers.cpuMs();
    const creator = (i: number) => [
      ...['--url', o.url, '--runs', String(shareOf(o.runs, o.width, i)), '--nodes', String(o.nodes), '--tag', `${o.tag}-${i}`],
      ...['--total', String(o.runs), '--workflow', o.workflow, '--data', join(o.dir, `creator-${i}`)],
      ...(i === 0 ? ['--waiter', '1'] : []),
    ];
    const r = await runFleet('bench/ours/pgSeeder.ts', o.width, creator, env);
    return { ...r, cpuMs: r.cpuMs + (workers.cpuMs() - cpu0) };
  } finally {
    await workers.stop();
  }
}

/**
 * `abstractruntime worker` processes on one PostgreSQL database, started the way a fleet
 * runs them (the CLI, `--db postgres://…`, the project file naming the benchmark workflow),
 * each resolved once it has printed that it is working.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { processCpuMs } from '../postgres/serverCounters';

export interface WorkerFleet {
  /** CPU time (user + system) the workers have spent so far. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** The environment every process of ours uses: its own data folder, the benchmark project. */
export function oursEnv(dir: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const project = join(dir, 'abstractruntime.project.json');
  writeFileSync(project, JSON.stringify({ workflows: [resolve('bench/ours/linearProject.ts')] }));
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

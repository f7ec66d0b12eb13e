/**
 * `abstractruntime worker` processes on one database, and a read-only view of that database
 * as an inspector would have: the same helpers for every store the reliability suites run on
 * (a SQLite file or a PostgreSQL URL).
 */
import type { ChildProcess } from 'node:child_process';
import { openRuntimeStore, type OpenedRuntimeStore } from '../../../src-main/store/openRuntimeStore';
import type { RunState } from '../../../src-shared/types';
import { spawnCli } from '../../cli/cliRunner';

/** Ends a child process with `signal` and resolves once it has exited (at once if it had). */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export class WorkerFleet {
  readonly workers: ChildProcess[] = [];

  /** `db` and `env` are read at each call: suites set them per test. */
  constructor(
    private readonly db: () => string,
    private readonly env: () => NodeJS.ProcessEnv,
  ) {}

  /** Starts `abstractruntime worker`; resolves once it has printed that it is working, with what it printed. */
  async start(concurrency = 4): Promise<{ child: ChildProcess; output: string }> {
    const child = spawnCli(['--db', this.db(), '--json', 'worker', '--concurrency', String(concurrency)], this.env());
    this.workers.push(child);
    let out = '';
    let err = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('"workerId"') && out.trimEnd().endsWith('}')) resolve();
      });
      child.stderr!.on('data', (d) => (err += d));
      child.on('exit', (code) => reject(new Error(`worker exited ${code} before it was ready: ${err}`)));
    });
    return { child, output: out };
  }

  async stopAll(signal: NodeJS.Signals): Promise<void> {
    for (const w of this.workers.splice(0)) await stopProcess(w, signal);
  }

  /** Reads the database through a read-only store of its own. */
  read<T>(fn: (store: OpenedRuntimeStore) => T): T {
    const { store } = openRuntimeStore(this.db(), { readonly: true });
    try {
      return fn(store);
    } finally {
      store.close();
    }
  }

  /** Polls the database (read-only, as an inspector would) until `done` holds for the run. */
  async until(runId: string, done: (s: RunState) => boolean, what: string): Promise<RunState> {
    for (let i = 0; i < 1200; i++) {
      const s = this.read((st) => st.getRun(runId));
      if (s && done(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${runId} never became ${what}: ${JSON.stringify(this.read((st) => st.getRun(runId)))}`);
  }
}

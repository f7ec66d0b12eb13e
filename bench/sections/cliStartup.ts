/**
 * CLI start-up: wall-clock time of `abstractruntime --help` and of `runs` on an empty
 * database (a fresh process each time, as a script calls it), against the start-up of
 * `node -e "require('better-sqlite3')"`, the least any command that opens SQLite can cost.
 * Repeats alternate the three so a burst of load on a shared machine hits them alike.
 * Target: within 3× the reference (issue #17).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildCli, CLI_BUNDLE } from '../../scripts/build-cli.mjs';
import { durationFigure, median, type Figure } from '../report';

export interface CliStartupOptions {
  dir: string;
  repeats: number;
}

const BIN = resolve('bin/abstractruntime.mjs');

function timedMs(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  // The bin says so on stderr when it falls back to the sources: that would not be the bundle's figure.
  if (r.stderr) throw new Error(`${args.join(' ')} wrote to stderr (not running the bundle?): ${r.stderr}`);
  return ms;
}

const spread = (xs: number[]) =>
  `min ${Math.min(...xs).toFixed(0)} / median ${median(xs).toFixed(0)} / max ${Math.max(...xs).toFixed(0)} ms`;

export async function benchCliStartup(o: CliStartupOptions): Promise<Figure[]> {
  await buildCli();
  const home = mkdtempSync(join(o.dir, 'cli-home-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ABSTRACTRUNTIME_HOME: home };
  delete env.ABSTRACTRUNTIME_DB;
  delete env.ABSTRACTRUNTIME_PROJECT;
  const reference: number[] = [];
  const help: number[] = [];
  const runs: number[] = [];
  timedMs([BIN, 'runs'], env); // creates the empty database; warms the file cache
  for (let i = 0; i < o.repeats; i++) {
    reference.push(timedMs(['-e', "require('better-sqlite3')"], env));
    help.push(timedMs([BIN, '--help'], env));
    runs.push(timedMs([BIN, 'runs'], env));
  }
  const ref = median(reference);
  const shape = `fresh process per call, ${o.repeats} alternating repeats, bundle ${CLI_BUNDLE.replace(resolve('.') + '/', '')}; reference node -e "require('better-sqlite3')" ${spread(reference)}`;
  return [
    durationFigure(
      'abstractruntime --help start-up vs node + better-sqlite3',
      'ms',
      median(help),
      { limit: ref },
      {
        target: '≥ 0.33× (within 3×)',
        note: `${shape}; --help ${spread(help)}`,
      },
    ),
    durationFigure(
      'abstractruntime runs (empty database) vs node + better-sqlite3',
      'ms',
      median(runs),
      { limit: ref },
      {
        target: '≥ 0.33× (within 3×)',
        note: `${shape}; runs ${spread(runs)}`,
      },
    ),
  ];
}

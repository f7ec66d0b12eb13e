/**
 * PostgreSQL: durable steps/s and workflows/s for the linear 10-step workflow with 1, 4 and 16
 * workers × `runs` concurrent runs, on one throw-away server started for the section
 * (tests/support/pgCluster.ts), each measurement on a fresh database:
 * - ours: `abstractruntime worker --db postgres://…` processes (each with concurrency
 *   runs/workers, so every run is in flight), the runs created at `go` by as many creator
 *   processes (bench/ours/pgSeeder.ts), each its share, as each peer process starts its own;
 *   durable as the store makes it: a run's commits go with `synchronous_commit` off and
 *   `whenDurable()` flushes them with one synchronous commit before the operation returns
 *   or an effect runs (PostgresStore); twice: `bench.linear10` (ten pure steps, which the
 *   kernel commits together) and `bench.effect10` (each step a tool call: its intent durable
 *   before it runs and its outcome committed after, every step its own durable commit, the
 *   same promise as a DBOS step), both in bench/ours/linearProject.ts, whose project file
 *   runs their handlers in the worker's own thread (`"handlers": "host"`), as DBOS runs its
 *   steps (the default worker threads cost one hop per step: bench/pgOursProbe.ts
 *   HANDLERS=threads measures that side by side);
 * - DBOS Transact: as many DBOS executor processes, each step a DBOS step (its default,
 *   every step's output written before the next runs), its own system database;
 * - LangGraph JS + PostgresSaver: as many processes, `durability: "sync"`;
 * - the raw limit: one INSERT + one UPDATE per transaction with `pg`, on 1/4/16 connections.
 * Within a repeat the five alternate order; ratios are taken per repeat (min/median/max). Before
 * the repeats, each contender runs once at one worker, not counted (a new server's first
 * writes are slow: whoever went first would pay for all).
 * Where the time goes: commits, WAL records, WAL flushes and client CPU per step, from the
 * server's counters and the processes' CPU time; BENCH_PG_PROFILE_DIR=DIR writes a CPU
 * profile of each of our worker processes there (`--cpu-prof`).
 */
import { join } from 'node:path';
import { pgUnavailableReason, startPgServer, type PgServer } from '../../tests/support/pgCluster';
import { runOursFleet } from '../ours/pgWorkers';
import { runFleet, shareOf } from '../postgres/fleet';
import { counterDelta, readServerCounters, type ServerCounters } from '../postgres/serverCounters';
import { rawPgLimit } from '../raw/pgLimit';
import { median, rateFigure, type Figure } from '../report';

export interface PostgresOptions {
  dir: string;
  runs: number;
  nodes: number;
  widths: number[];
  repeats: number;
}

/** `ours`: pure steps (a run's steps share commits); `oursEach`: each step a tool call, its own durable commit. */
type Contender = 'ours' | 'oursEach' | 'dbos' | 'langgraph' | 'raw';
const CONTENDERS: Contender[] = ['ours', 'oursEach', 'dbos', 'langgraph', 'raw'];
const OURS_WORKFLOW = { ours: 'bench.linear10', oursEach: 'bench.effect10' } as const;

interface Measured {
  ms: number;
  /** ours: of `ms`, how long creating the runs took. */
  createMs: number | null;
  stepsPerSec: number;
  workflowsPerSec: number;
  perStep: { commits: number; walRecords: number; walSyncs: number; walBytes: number; cpuMs: number | null };
}

function perStep(d: ServerCounters, steps: number, cpuMs: number | null): Measured['perStep'] {
  return {
    commits: d.commits / steps,
    walRecords: d.walRecords / steps,
    walSyncs: d.walSyncs / steps,
    walBytes: d.walBytes / steps,
    cpuMs: cpuMs === null ? null : cpuMs / steps,
  };
}

async function measure(server: PgServer, who: Contender, width: number, o: PostgresOptions, tag: string): Promise<Measured> {
  const url = server.createDatabase(`${who.toLowerCase()}_${tag}`);
  const share = (i: number) => String(shareOf(o.runs, width, i));
  // Each peer process's connection pool, within the server's max_connections (200) for 16 processes.
  const pool = String(Math.min(20, Math.floor(160 / width)));
  const common = (i: number) => ['--url', url, '--runs', share(i), '--nodes', String(o.nodes), '--tag', `${tag}-${i}`, '--pool', pool];
  let before: ServerCounters;
  let ms: number;
  let steps: number;
  let runs: number;
  let cpuMs: number | null;
  let createMs: number | null = null;
  if (who === 'raw') {
    before = await readServerCounters(url);
    const r = await rawPgLimit(url, { connections: width, runs: o.runs, steps: o.nodes, tag });
    ({ ms } = r);
    steps = r.transactions;
    runs = o.runs;
    cpuMs = null;
  } else if (who === 'ours' || who === 'oursEach') {
    const profile = process.env.BENCH_PG_PROFILE_DIR;
    let counters!: ServerCounters;
    const r = await runOursFleet({
      url,
      width,
      runs: o.runs,
      nodes: o.nodes,
      workflow: OURS_WORKFLOW[who],
      dir: join(o.dir, `pg-${who}-${tag}`),
      tag,
      nodeArgs: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
      beforeGo: async () => void (counters = await readServerCounters(url)),
    });
    before = counters;
    ({ ms, steps, runs, createMs, cpuMs } = r);
  } else {
    const script = who === 'dbos' ? 'bench/peer/dbos.ts' : 'bench/peer/langgraphPostgres.ts';
    // The peer's own schema, created once before its fleet (concurrent first launches would race on it).
    await runFleet(script, 1, () => ['--url', url, '--runs', '0', '--nodes', String(o.nodes), '--tag', `${tag}-setup`, '--setup', '1']);
    before = await readServerCounters(url);
    const r = await runFleet(script, width, common);
    ({ ms, steps, runs } = r);
    cpuMs = r.cpuMs;
  }
  if (steps !== o.runs * o.nodes) throw new Error(`${who} did ${steps} steps, expected ${o.runs * o.nodes}`);
  const after = await readServerCounters(url);
  return {
    ms,
    createMs,
    stepsPerSec: (steps * 1000) / ms,
    workflowsPerSec: (runs * 1000) / ms,
    perStep: perStep(counterDelta(before, after), steps, cpuMs),
  };
}

const spread = (xs: number[]) =>
  xs.length === 0 ? 'n/a' : `${Math.min(...xs).toFixed(2)}/${median(xs).toFixed(2)}/${Math.max(...xs).toFixed(2)}`;

function breakdown(ms: Measured[]): string {
  const m = (f: (p: Measured['perStep']) => number | null) => {
    const xs = ms.map((x) => f(x.perStep)).filter((x): x is number => x !== null);
    return xs.length ? median(xs) : Number.NaN;
  };
  const cpu = m((p) => p.cpuMs);
  const creating = ms.every((x) => x.createMs !== null)
    ? `; creating the runs ${Math.round(median(ms.map((x) => x.createMs!)))} ms of ${Math.round(median(ms.map((x) => x.ms)))} ms`
    : '';
  return `per step ${m((p) => p.commits).toFixed(2)} transactions, ${m((p) => p.walRecords).toFixed(1)} WAL records, ${m((p) => p.walSyncs).toFixed(2)} WAL flushes, ${Math.round(m((p) => p.walBytes))} WAL bytes${Number.isNaN(cpu) ? '' : `, ${cpu.toFixed(2)} ms client CPU`}${creating}`;
}

export async function benchPostgres(o: PostgresOptions): Promise<Figure[]> {
  const reason = pgUnavailableReason();
  if (reason) {
    process.stderr.write(`bench: postgres skipped: ${reason}\n`);
    return [];
  }
  const server = await startPgServer();
  const got = new Map<string, Measured[]>();
  const key = (w: number, c: Contender) => `${w}:${c}`;
  try {
    // Not counted: one pass of every contender at one worker first. A new cluster's first
    // writes are about twice as slow (the server creating its WAL files, cold caches), and
    // whoever went first in repeat 1 paid for everyone.
    for (const c of CONTENDERS) {
      const m = await measure(server, c, 1, o, 'warm');
      process.stderr.write(`bench: postgres ${c} warm-up, not counted: ${Math.round(m.stepsPerSec)} steps/s\n`);
    }
    for (let r = 0; r < o.repeats; r++) {
      for (const w of o.widths) {
        const order = r % 2 === 0 ? CONTENDERS : [...CONTENDERS].reverse();
        for (const c of order) {
          const m = await measure(server, c, w, o, `r${r}w${w}`);
          process.stderr.write(
            `bench: postgres ${c} ${w} worker(s) repeat ${r + 1}: ${Math.round(m.stepsPerSec)} steps/s; ${breakdown([m])}\n`,
          );
          got.set(key(w, c), [...(got.get(key(w, c)) ?? []), m]);
        }
      }
    }
  } finally {
    server.stop();
  }
  const figures: Figure[] = [];
  for (const w of o.widths) {
    const of = (c: Contender) => got.get(key(w, c)) ?? [];
    const steps = (c: Contender) => of(c).map((m) => m.stepsPerSec);
    const ratio = (mine: Contender, ref: Contender) => steps(mine).map((x, i) => x / steps(ref)[i]!);
    const shape = `${o.runs} concurrent runs × ${o.nodes} steps, ${w} worker process(es), ours with handlers in the worker's thread`;
    const rep = (mine: Contender, ref: Contender) =>
      `per-repeat ratio min/median/max ${spread(ratio(mine, ref))} over ${o.repeats}, the five alternating order`;
    const vs = (mine: Contender, ref: Contender, name: string, target: string, note: string) =>
      rateFigure(name, 'steps/s', median(steps(mine)), ref === 'raw' ? { limit: median(steps(ref)) } : { peer: median(steps(ref)) }, {
        target,
        note: `${shape}; ${rep(mine, ref)}; ${note}`,
      });
    const pure = `ours pure steps (bench.linear10) ${breakdown(of('ours'))}`;
    const each = `ours each step a tool call (bench.effect10) ${breakdown(of('oursEach'))}`;
    figures.push(
      vs(
        'ours',
        'dbos',
        `PostgreSQL ${w} worker(s): ours (pure steps) vs DBOS Transact`,
        '≥ 10×',
        `${pure}; DBOS ${breakdown(of('dbos'))}`,
      ),
      vs('oursEach', 'dbos', `PostgreSQL ${w} worker(s): ours (every step its own durable commit) vs DBOS Transact`, '≥ 10×', each),
      vs(
        'ours',
        'langgraph',
        `PostgreSQL ${w} worker(s): ours (pure steps) vs LangGraph PostgresSaver "sync"`,
        '—',
        `LangGraph ${breakdown(of('langgraph'))}`,
      ),
      vs(
        'oursEach',
        'langgraph',
        `PostgreSQL ${w} worker(s): ours (every step its own durable commit) vs LangGraph PostgresSaver "sync"`,
        '—',
        '',
      ),
      vs(
        'ours',
        'raw',
        `PostgreSQL ${w} worker(s): ours (pure steps) vs raw INSERT+UPDATE per transaction, ${w} connection(s)`,
        w === 16 ? '≥ 0.5× raw' : '—',
        `raw ${breakdown(of('raw'))}`,
      ),
      vs(
        'oursEach',
        'raw',
        `PostgreSQL ${w} worker(s): ours (every step its own durable commit) vs raw, ${w} connection(s)`,
        w === 16 ? '≥ 0.5× raw' : '—',
        '',
      ),
      rateFigure(
        `PostgreSQL ${w} worker(s): workflows/s, ours (pure steps) vs DBOS Transact`,
        'workflows/s',
        median(of('ours').map((m) => m.workflowsPerSec)),
        { peer: median(of('dbos').map((m) => m.workflowsPerSec)) },
        {
          target: '—',
          note: `${shape}; ours every step its own commit ${median(of('oursEach').map((m) => m.workflowsPerSec)).toFixed(1)}, LangGraph ${median(of('langgraph').map((m) => m.workflowsPerSec)).toFixed(1)} workflows/s (medians)`,
        },
      ),
    );
  }
  return figures;
}

/**
 * PostgreSQL: durable steps/s and workflows/s for the linear 10-step workflow with 1, 4 and 16
 * workers × `runs` concurrent runs, on one throw-away server started for the section
 * (tests/support/pgCluster.ts), each measurement on a fresh database:
 * - ours: `abstractruntime worker --db postgres://…` processes (each with concurrency
 *   runs/workers, so every run is in flight), the runs created at `go` by as many creator
 *   processes (bench/ours/pgSeeder.ts), each its share, as each peer process starts its own;
 *   durable as the store makes it: a run's commits go with `synchronous_commit` off and
 *   `whenDurable()` flushes them with one synchronous commit before the operation returns
 *   or an effect runs (PostgresStore);
 * - DBOS Transact: as many DBOS executor processes, each step a DBOS step (its default,
 *   every step's output written before the next runs), its own system database;
 * - LangGraph JS + PostgresSaver: as many processes, `durability: "sync"`;
 * - the raw limit: one INSERT + one UPDATE per transaction with `pg`, on 1/4/16 connections.
 * Within a repeat the four alternate order; ratios are taken per repeat (min/median/max).
 * Where the time goes: commits, WAL records, WAL flushes and client CPU per step, from the
 * server's counters and the processes' CPU time; BENCH_PG_PROFILE_DIR=DIR writes a CPU
 * profile of each of our worker processes there (`--cpu-prof`).
 */
import { join } from 'node:path';
import { pgUnavailableReason, startPgServer, type PgServer } from '../../tests/support/pgCluster';
import { oursEnv, startWorkers } from '../ours/pgWorkers';
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

type Contender = 'ours' | 'dbos' | 'langgraph' | 'raw';
const CONTENDERS: Contender[] = ['ours', 'dbos', 'langgraph', 'raw'];

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
  const url = server.createDatabase(`${who}_${tag}`);
  const share = (i: number) => String(shareOf(o.runs, width, i));
  const common = (i: number) => ['--url', url, '--runs', share(i), '--nodes', String(o.nodes), '--tag', `${tag}-${i}`];
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
  } else if (who === 'ours') {
    const env = oursEnv(join(o.dir, `pg-ours-${tag}`));
    const profile = process.env.BENCH_PG_PROFILE_DIR;
    const workers = await startWorkers(
      url,
      width,
      Math.ceil(o.runs / width),
      env,
      profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
    );
    try {
      before = await readServerCounters(url);
      const cpu0 = workers.cpuMs();
      const creator = (i: number) => [...common(i), '--total', String(o.runs), '--data', join(o.dir, `pg-ours-${tag}`, `creator-${i}`)];
      const r = await runFleet('bench/ours/pgSeeder.ts', width, creator, env);
      cpuMs = r.cpuMs + (workers.cpuMs() - cpu0);
      ({ ms, steps, runs, createMs } = r);
    } finally {
      await workers.stop();
    }
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
    const ratio = (c: Contender) => steps('ours').map((x, i) => x / steps(c)[i]!);
    const shape = `${o.runs} concurrent runs × ${o.nodes} steps, ${w} worker process(es)`;
    const rep = `per-repeat ratio min/median/max ${'%'} over ${o.repeats}, the four alternating order`;
    const where = `ours ${breakdown(of('ours'))}`;
    figures.push(
      rateFigure(
        `PostgreSQL ${w} worker(s): ours vs DBOS Transact (every step durable)`,
        'steps/s',
        median(steps('ours')),
        { peer: median(steps('dbos')) },
        {
          target: '≥ 10×',
          note: `${shape}; ${rep.replace('%', spread(ratio('dbos')))}; ${where}; DBOS ${breakdown(of('dbos'))}`,
        },
      ),
      rateFigure(
        `PostgreSQL ${w} worker(s): ours vs LangGraph PostgresSaver durability "sync"`,
        'steps/s',
        median(steps('ours')),
        { peer: median(steps('langgraph')) },
        {
          target: '—',
          note: `${shape}; ${rep.replace('%', spread(ratio('langgraph')))}; LangGraph ${breakdown(of('langgraph'))}`,
        },
      ),
      rateFigure(
        `PostgreSQL ${w} worker(s): ours vs raw INSERT+UPDATE per transaction on ${w} connection(s)`,
        'steps/s',
        median(steps('ours')),
        { limit: median(steps('raw')) },
        {
          target: w === 16 ? '≥ 0.5× raw' : '—',
          note: `${rep.replace('%', spread(ratio('raw')))}; raw ${breakdown(of('raw'))}`,
        },
      ),
      rateFigure(
        `PostgreSQL ${w} worker(s): workflows/s, ours vs DBOS Transact`,
        'workflows/s',
        median(of('ours').map((m) => m.workflowsPerSec)),
        { peer: median(of('dbos').map((m) => m.workflowsPerSec)) },
        { target: '—', note: `${shape}; LangGraph median ${median(of('langgraph').map((m) => m.workflowsPerSec)).toFixed(1)} workflows/s` },
      ),
    );
  }
  return figures;
}

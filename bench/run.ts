/**
 * `npm run bench` — every figure measured side by side in one run.
 *   --only steps,resume,verify,scale,inspector,inflight,feed,queue,perstep,cli,postgres   pick sections (default: all)
 *   --quick                                      smaller shapes (a smoke run, not for docs)
 *   --out PATH                                   results file (default: bench/results.json for a full
 *                                                run — the one docs/benchmarks.md quotes — and
 *                                                .tmp/bench/results.json for --quick or --only)
 * Prints a table and writes `[{name, unit, ours, peer?, limit?, ratio}]` to the results file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { formatTable, writeResults, type Figure } from './report';

const SECTIONS = ['steps', 'resume', 'verify', 'scale', 'inspector', 'inflight', 'feed', 'queue', 'perstep', 'cli', 'postgres'] as const;
type Section = (typeof SECTIONS)[number];

interface Args {
  only: Section[];
  quick: boolean;
  out: string | null;
  keep: boolean;
}

function parseArgs(argv: string[]): Args & { out: string } {
  const args: Args = { only: [...SECTIONS], quick: false, out: null, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') args.quick = true;
    else if (a === '--keep') args.keep = true;
    else if (a === '--out') args.out = resolve(argv[++i] ?? '');
    else if (a === '--only') args.only = parseSections(argv[++i] ?? '');
    else if (a.startsWith('--only=')) args.only = parseSections(a.slice(7));
    else throw new Error(`unknown argument ${a} (expected --only LIST, --quick, --out PATH, --keep)`);
  }
  // A partial or quick run must not replace the committed results of the last full run.
  const partial = args.quick || args.only.length < SECTIONS.length;
  return { ...args, out: args.out ?? resolve(partial ? '.tmp/bench/results.json' : 'bench/results.json') };
}

function parseSections(list: string): Section[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(SECTIONS as readonly string[]).includes(n)) throw new Error(`unknown section ${n}; choose from ${SECTIONS.join(', ')}`);
  }
  return names as Section[];
}

async function runSection(s: Section, dir: string, quick: boolean): Promise<Figure[]> {
  switch (s) {
    case 'steps': {
      const { benchSteps } = await import('./sections/steps');
      return benchSteps({ dir, runs: quick ? 40 : 250, nodes: 10, repeats: quick ? 1 : 3, warmupRuns: quick ? 5 : 20 });
    }
    case 'resume': {
      const { benchResume } = await import('./sections/resume');
      return benchResume({ dir, rounds: quick ? 30 : 200, repeats: quick ? 1 : 3, warmup: quick ? 5 : 20 });
    }
    case 'verify': {
      const { benchVerify } = await import('./sections/verify');
      return benchVerify({ dir, records: quick ? 5_000 : 50_000, repeats: quick ? 1 : 3 });
    }
    case 'scale': {
      const { benchScale } = await import('./sections/scale');
      return benchScale({ dir, runs: quick ? 1_000 : 10_000, bigLedger: quick ? 100_000 : 1_000_000, repeats: quick ? 1 : 3 });
    }
    case 'inflight': {
      const { benchInflight } = await import('./sections/inflight');
      return benchInflight({ dir, totalSteps: quick ? 300 : 5_000, widths: [1, 10, 100, 1000], repeats: quick ? 1 : 3 });
    }
    case 'feed': {
      const { benchFeed } = await import('./sections/feed');
      return benchFeed({ dir, commits: quick ? 40 : 200, gapMs: 10 });
    }
    case 'queue': {
      const { benchQueueScale } = await import('./sections/queueScale');
      return quick
        ? benchQueueScale({ dir, waiting: 5_000, timers: 5_000, runnable: 100, due: 500 })
        : benchQueueScale({ dir, waiting: 100_000, timers: 100_000, runnable: 1_000, due: 10_000 });
    }
    case 'perstep': {
      const { benchPerStep } = await import('./sections/perStep');
      return benchPerStep({ dir, runs: quick ? 20 : 100, nodes: 10, repeats: quick ? 2 : 4 });
    }
    case 'inspector': {
      const { benchInspector } = await import('./sections/inspector');
      return benchInspector({ dir, records: quick ? 10_000 : 100_000, liveSteps: quick ? 500 : 3_000, stepsPerSec: 1_000 });
    }
    case 'postgres': {
      const { benchPostgres } = await import('./sections/postgres');
      // --quick: 200 runs, 2 repeats (a few minutes); the full shape is 1,000 runs, 3 repeats.
      return benchPostgres({ dir, runs: quick ? 200 : 1_000, nodes: 10, widths: [1, 4, 16], repeats: quick ? 2 : 3 });
    }
    case 'cli': {
      const { benchCliStartup } = await import('./sections/cliStartup');
      return benchCliStartup({ dir, repeats: quick ? 5 : 30 });
    }
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'ar-bench-'));
  const figures: Figure[] = [];
  const started = new Date();
  // The machine may be shared: the load says how much the figures can be trusted.
  const loadBefore = loadavg();
  try {
    for (const s of args.only) {
      const t0 = performance.now();
      process.stderr.write(`bench: ${s}…\n`);
      const got = await runSection(s, dir, args.quick);
      figures.push(...got);
      process.stderr.write(`bench: ${s} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  }
  console.log(formatTable(figures));
  writeResults(args.out, figures, {
    date: started.toISOString(),
    command: process.argv.length > 2 ? `npm run bench -- ${process.argv.slice(2).join(' ')}` : 'npm run bench',
    quick: args.quick,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMB: Math.round(totalmem() / 2 ** 20),
    loadAverage1mBefore: Number(loadBefore[0]!.toFixed(2)),
    loadAverage1mAfter: Number(loadavg()[0]!.toFixed(2)),
    tmpdir: dir,
  });
  console.log(`\nwrote ${args.out}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});

/**
 * Scale: 10,000 runs and a 1,000,000-record ledger in one file. Opening the database,
 * listing runs and paging the ledger must each stay under 100 ms; memory is reported as
 * the RSS of a fresh process doing only that work. The 100 ms budget is the `limit`.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { generateScaleDb } from '../scale/generate';
import { durationFigure, median, type Figure } from '../report';

export interface ScaleOptions {
  dir: string;
  runs: number;
  bigLedger: number;
  repeats: number;
}

interface Measured {
  openMs: number;
  listMs: number;
  filterMs: number;
  lastPageMs: number;
  midPageMs: number;
  firstPageMs: number;
  getRunMs: number;
  runsTotal: number;
  ledgerTotal: number;
  rssMB: number;
  rssBeforeMB: number;
}

function measureOnce(file: string, bigRunId: string): Measured {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join('bench', 'scale', 'measure.ts'), file, bigRunId], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Measured;
}

const BUDGET_MS = 100;

export async function benchScale(o: ScaleOptions): Promise<Figure[]> {
  const file = join(o.dir, 'scale.db');
  const gen = generateScaleDb(file, { runs: o.runs, bigLedger: o.bigLedger });
  process.stderr.write(`bench: scale: generated ${gen.records.toLocaleString('en-US')} records in ${(gen.ms / 1000).toFixed(1)} s\n`);
  const ms: Measured[] = [];
  for (let r = 0; r < o.repeats; r++) ms.push(measureOnce(file, gen.bigRunId));
  const m = (k: keyof Measured) => median(ms.map((x) => x[k] as number));
  if (ms[0]!.runsTotal !== o.runs || ms[0]!.ledgerTotal !== o.bigLedger)
    throw new Error(`scale db holds ${ms[0]!.runsTotal} runs / ${ms[0]!.ledgerTotal} records, expected ${o.runs} / ${o.bigLedger}`);
  const sizeMB = statSync(file).size / 2 ** 20;
  const shape = `${o.runs.toLocaleString('en-US')} runs, ${o.bigLedger.toLocaleString('en-US')}-record ledger, ${sizeMB.toFixed(0)} MB file; fresh process, median of ${o.repeats}`;
  const budget = { limit: BUDGET_MS };
  const big = o.bigLedger >= 1_000_000 ? `${o.bigLedger / 1_000_000}M` : `${o.bigLedger / 1000}k`;
  return [
    durationFigure('scale: open database', 'ms', m('openMs'), budget, { target: '< 100 ms', note: shape }),
    durationFigure('scale: list runs (first 50 of all)', 'ms', m('listMs'), budget, {
      target: '< 100 ms',
      note: `listRuns({limit: 50}) with total count; ${shape}`,
    }),
    durationFigure('scale: list runs filtered by status', 'ms', m('filterMs'), budget, {
      target: '< 100 ms',
      note: `listRuns({status: 'waiting', limit: 50})`,
    }),
    durationFigure(`scale: ledger page, last 200 of ${big}`, 'ms', m('lastPageMs'), budget, {
      target: '< 100 ms',
      note: 'readLedger({fromEnd: true, limit: 200})',
    }),
    durationFigure(`scale: ledger page, middle of ${big}`, 'ms', m('midPageMs'), budget, {
      target: '< 100 ms',
      note: `readLedger({afterSeq: ${Math.floor(o.bigLedger / 2)}, limit: 200})`,
    }),
    durationFigure(`scale: ledger page, first 200 of ${big}`, 'ms', m('firstPageMs'), budget, {
      target: '< 100 ms',
      note: 'readLedger({afterSeq: -1, limit: 200})',
    }),
    {
      name: 'scale: RSS after open + list + 3 pages',
      unit: 'MB',
      ours: m('rssMB'),
      ratio: null,
      better: 'lower',
      target: 'bounded',
      note: `RSS of the measuring process; ${m('rssBeforeMB').toFixed(0)} MB of it before opening the database (Node + tsx)`,
    },
    {
      name: 'scale: generation (not a target)',
      unit: 's',
      ours: gen.ms / 1000,
      ratio: null,
      better: 'lower',
      note: `${gen.records.toLocaleString('en-US')} records through SqliteStore.commit in 5,000-record batches, durability process`,
    },
  ];
}

/**
 * Steps/s at durability `full` with 1, 10, 100 and 1,000 runs in flight in one process,
 * each step its own commit (tick maxSteps 1: the path of a workflow whose every step is a
 * side effect), each tick returning only once its commit is on disk. What group commit buys:
 * the runs in flight share fsyncs (SqliteStore.whenDurable) and, after a turn's first commit,
 * one transaction (the turn transaction, store/sqlite/groupFsync.ts). The same total of steps
 * at each width; ratios against one run in flight, taken per repeat, widths alternating order
 * between repeats; min/median/max reported. One untimed warm-up pass first, so the first width
 * measured does not pay for the JIT.
 */
import { join } from 'node:path';
import { openOurs } from '../ours/harness';
import { loopWorkflow } from '../ours/workflows';
import { median, rateFigure, type Figure } from '../report';

export interface InflightOptions {
  dir: string;
  totalSteps: number;
  widths: number[];
  repeats: number;
}

const loop = loopWorkflow();

interface Pass {
  rate: number;
  commitsPerFsync: number;
  transactionsPerFsync: number;
}

async function stepsPerSec(dir: string, tag: string, width: number, totalSteps: number): Promise<Pass> {
  const h = openOurs(join(dir, `inflight-${tag}-${width}.db`), 'full', [loop]);
  try {
    const perRun = Math.max(1, Math.round(totalSteps / width));
    const ids: string[] = [];
    for (let i = 0; i < width; i++) ids.push((await h.runtime.start(loop.id, { n: perRun, count: 0 })).run_id);
    const g = h.store.groupFsync!;
    const [syncs0, covered0, turns0, joined0] = [g.syncs, g.covered, g.turns, g.joined];
    const t0 = performance.now();
    let steps = 0;
    await Promise.all(
      ids.map(async (id) => {
        for (;;) {
          const s = await h.runtime.tick(id, { maxSteps: 1 });
          steps++;
          if (s.status !== 'running') return;
        }
      }),
    );
    const rate = steps / ((performance.now() - t0) / 1000);
    const syncs = Math.max(1, g.syncs - syncs0);
    const commits = g.covered - covered0;
    // A turn's first commit stands alone; the rest share its turn transaction.
    const transactions = commits - (g.joined - joined0) + (g.turns - turns0);
    return { rate, commitsPerFsync: commits / syncs, transactionsPerFsync: transactions / syncs };
  } finally {
    h.close();
  }
}

export async function benchInflight(o: InflightOptions): Promise<Figure[]> {
  await stepsPerSec(o.dir, 'warmup', 10, Math.min(500, o.totalSteps));
  const passes = new Map<number, Pass[]>();
  const ratios = new Map<number, number[]>();
  for (let r = 0; r < o.repeats; r++) {
    const order = r % 2 === 0 ? o.widths : [...o.widths].reverse();
    const got = new Map<number, Pass>();
    for (const w of order) got.set(w, await stepsPerSec(o.dir, `r${r}`, w, o.totalSteps));
    for (const w of o.widths) {
      passes.set(w, [...(passes.get(w) ?? []), got.get(w)!]);
      ratios.set(w, [...(ratios.get(w) ?? []), got.get(w)!.rate / got.get(o.widths[0]!)!.rate]);
    }
  }
  return o.widths.map((w) => {
    const rs = ratios.get(w)!;
    const ps = passes.get(w)!;
    const one = median(passes.get(o.widths[0]!)!.map((p) => p.rate));
    const perFsync = `${median(ps.map((p) => p.commitsPerFsync)).toFixed(1)} commits in ${median(ps.map((p) => p.transactionsPerFsync)).toFixed(1)} transactions per fsync`;
    return rateFigure(
      `in flight: steps/s at full, ${w} run(s) in flight`,
      'steps/s',
      median(ps.map((p) => p.rate)),
      w === o.widths[0] ? {} : { limit: one },
      {
        target: w === 100 ? '≥ 5× one run' : '—',
        note: `one commit per step, fsyncs and turn transactions shared by the runs in flight (group commit); ${perFsync} (median); ${o.totalSteps} steps in all; ratio to 1 in flight per repeat min/median/max ${Math.min(...rs).toFixed(2)}/${median(rs).toFixed(2)}/${Math.max(...rs).toFixed(2)} over ${o.repeats}`,
      },
    );
  });
}

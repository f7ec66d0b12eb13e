/**
 * Steps/s at durability `full` with 1, 10, 100 and 1,000 runs in flight in one process,
 * each step its own commit (tick maxSteps 1: the path of a workflow whose every step is a
 * side effect), each tick returning only once its commit is on disk. What group commit buys:
 * the runs in flight share fsyncs (SqliteStore.whenDurable). The same total of steps at each width; ratios against one run in flight,
 * taken per repeat, widths alternating order between repeats; min/median/max reported.
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

async function stepsPerSec(dir: string, tag: string, width: number, totalSteps: number): Promise<number> {
  const h = openOurs(join(dir, `inflight-${tag}-${width}.db`), 'full', [loop]);
  try {
    const perRun = Math.max(1, Math.round(totalSteps / width));
    const ids: string[] = [];
    for (let i = 0; i < width; i++) ids.push((await h.runtime.start(loop.id, { n: perRun, count: 0 })).run_id);
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
    return steps / ((performance.now() - t0) / 1000);
  } finally {
    h.close();
  }
}

export async function benchInflight(o: InflightOptions): Promise<Figure[]> {
  const rates = new Map<number, number[]>();
  const ratios = new Map<number, number[]>();
  for (let r = 0; r < o.repeats; r++) {
    const order = r % 2 === 0 ? o.widths : [...o.widths].reverse();
    const got = new Map<number, number>();
    for (const w of order) got.set(w, await stepsPerSec(o.dir, `r${r}`, w, o.totalSteps));
    for (const w of o.widths) {
      rates.set(w, [...(rates.get(w) ?? []), got.get(w)!]);
      ratios.set(w, [...(ratios.get(w) ?? []), got.get(w)! / got.get(o.widths[0]!)!]);
    }
  }
  return o.widths.map((w) => {
    const rs = ratios.get(w)!;
    const one = median(rates.get(o.widths[0]!)!);
    return rateFigure(
      `in flight: steps/s at full, ${w} run(s) in flight`,
      'steps/s',
      median(rates.get(w)!),
      w === o.widths[0] ? {} : { limit: one },
      {
        target: w === 100 ? '≥ 5× one run' : '—',
        note: `one commit per step, fsyncs shared by the runs in flight (group commit); ${o.totalSteps} steps in all; ratio to 1 in flight per repeat min/median/max ${Math.min(...rs).toFixed(2)}/${median(rs).toFixed(2)}/${Math.max(...rs).toFixed(2)} over ${o.repeats}`,
      },
    );
  });
}

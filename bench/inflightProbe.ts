/**
 * Where the time of runs in flight goes (issue #12, figures in docs/benchmarks.md): for 1 and
 * 100 runs in flight, each step its own commit (`tick({maxSteps: 1})`), at `full` and at
 * `process` (no fsync at all): steps/s, wall and CPU time per step, and commits covered by
 * each fsync of group commit. Run by hand: `npx tsx bench/inflightProbe.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOurs } from './ours/harness';
import { loopWorkflow } from './ours/workflows';

const loop = loopWorkflow();
const dir = mkdtempSync(join(tmpdir(), 'probe-'));
async function rate(tag: string, dur: 'full' | 'process', width: number, total: number) {
  const h = openOurs(join(dir, `${tag}-${dur}-${width}.db`), dur, [loop]);
  const perRun = Math.max(1, Math.round(total / width));
  const ids: string[] = [];
  for (let i = 0; i < width; i++) ids.push((await h.runtime.start(loop.id, { n: perRun, count: 0 })).run_id);
  const s0 = h.store.groupFsync?.syncs ?? 0;
  const c0 = h.store.groupFsync?.covered ?? 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
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
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const syncs = (h.store.groupFsync?.syncs ?? 0) - s0;
  const covered = (h.store.groupFsync?.covered ?? 0) - c0;
  h.close();
  return {
    rate: steps / (ms / 1000),
    cpuMsPerStep: (cpu.user + cpu.system) / 1000 / steps,
    wallMsPerStep: ms / steps,
    commitsPerFsync: syncs ? covered / syncs : 0,
  };
}
for (let r = 0; r < 3; r++) {
  for (const [dur, w] of [
    ['full', 1],
    ['full', 100],
    ['process', 1],
    ['process', 100],
  ] as const) {
    const x = await rate(`r${r}`, dur, w, 2000);
    console.log(
      `repeat ${r} ${dur} width ${w}: ${x.rate.toFixed(0)} steps/s, wall ${x.wallMsPerStep.toFixed(3)} ms/step, cpu ${x.cpuMsPerStep.toFixed(3)} ms/step, commits/fsync ${x.commitsPerFsync.toFixed(1)}`,
    );
  }
}
rmSync(dir, { recursive: true, force: true });

/**
 * What group commit buys, against LangGraph, on the linear shape (runs × nodes) at the same
 * SQLite setting (ours `process` = synchronous NORMAL, the peer's connection too):
 * - per step: ours one commit per step (`tick({maxSteps: 1})` until done) vs LangGraph
 *   `durability: "sync"` (waits for each checkpoint);
 * - grouped: ours one commit per run (`start` with `advance`: the pure steps share one
 *   transaction) vs LangGraph `durability: "exit"` (one checkpoint when the graph exits).
 * Ours and the peer alternate within each repeat; ratios are taken per repeat and reported
 * as min/median/max.
 */
import { join } from 'node:path';
import { defineWorkflow } from '../../src-main/runtime/index';
import { openOurs } from '../ours/harness';
import { openPeerSaver, peerLinearSteps } from '../peer/langgraph';
import { median, rateFigure, type Figure } from '../report';

export interface PerStepOptions {
  dir: string;
  runs: number;
  nodes: number;
  repeats: number;
}

function linear(nodes: number) {
  const spec: Record<string, { next?: string[]; handler: (run: { vars: Record<string, unknown> }) => never }> = {};
  for (let i = 0; i < nodes; i++) {
    const next = i + 1 < nodes ? `n${i + 1}` : null;
    spec[`n${i}`] = {
      ...(next ? { next: [next] } : {}),
      handler: ((run: { vars: { count?: number } }) =>
        next
          ? { next, set: { count: (run.vars.count ?? 0) + 1, trail: `n${i}` } }
          : { complete: { count: (run.vars.count ?? 0) + 1 } }) as never,
    };
  }
  return defineWorkflow({ id: 'bench.linear', version: '1', entry: 'n0', nodes: spec as never });
}

async function ours(file: string, o: PerStepOptions, perStep: boolean): Promise<number> {
  const h = openOurs(file, 'process', [linear(o.nodes)]);
  try {
    const t0 = performance.now();
    for (let r = 0; r < o.runs; r++) {
      if (!perStep) {
        const s = await h.runtime.start('bench.linear', { count: 0 }, { advance: {} });
        if (s.status !== 'completed') throw new Error(`ours ended ${s.status}`);
        continue;
      }
      let s = await h.runtime.start('bench.linear', { count: 0 });
      while (s.status === 'running') s = await h.runtime.tick(s.run_id, { maxSteps: 1 });
      if (s.status !== 'completed') throw new Error(`ours ended ${s.status}`);
    }
    return (o.runs * o.nodes * 1000) / (performance.now() - t0);
  } finally {
    h.close();
  }
}

async function peer(file: string, o: PerStepOptions, durability: 'sync' | 'exit'): Promise<number> {
  const saver = openPeerSaver(file);
  try {
    return (await peerLinearSteps(saver, { runs: o.runs, nodes: o.nodes, durability })).stepsPerSec;
  } finally {
    (saver as unknown as { db: { close(): void } }).db.close();
  }
}

export async function benchPerStep(o: PerStepOptions): Promise<Figure[]> {
  const rows = { step: { ours: [] as number[], peer: [] as number[] }, grouped: { ours: [] as number[], peer: [] as number[] } };
  for (let r = 0; r < o.repeats; r++) {
    for (const mode of ['step', 'grouped'] as const) {
      const runOurs = () => ours(join(o.dir, `perstep-ours-${mode}-${r}.db`), o, mode === 'step');
      const runPeer = () => peer(join(o.dir, `perstep-peer-${mode}-${r}.db`), o, mode === 'step' ? 'sync' : 'exit');
      if (r % 2 === 0) {
        rows[mode].ours.push(await runOurs());
        rows[mode].peer.push(await runPeer());
      } else {
        rows[mode].peer.push(await runPeer());
        rows[mode].ours.push(await runOurs());
      }
    }
  }
  const shape = `${o.runs} runs × ${o.nodes} nodes; ours durability process (synchronous NORMAL, as the peer's connection)`;
  return (['step', 'grouped'] as const).map((mode) => {
    const ratios = rows[mode].ours.map((x, i) => x / rows[mode].peer[i]!);
    const spread = `per-repeat ratio min/median/max ${Math.min(...ratios).toFixed(2)}/${median(ratios).toFixed(2)}/${Math.max(...ratios).toFixed(2)} over ${o.repeats}, ours and the peer alternating`;
    return mode === 'step'
      ? rateFigure(
          'per step: ours one commit per step vs LangGraph durability "sync"',
          'steps/s',
          median(rows.step.ours),
          { peer: median(rows.step.peer) },
          { target: '—', note: `${shape}; ${spread}` },
        )
      : rateFigure(
          'grouped: ours one commit per run vs LangGraph durability "exit"',
          'steps/s',
          median(rows.grouped.ours),
          { peer: median(rows.grouped.peer) },
          { target: '—', note: `${shape}; ${spread}` },
        );
  });
}

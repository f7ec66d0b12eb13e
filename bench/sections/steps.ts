/**
 * Durable steps per second on a linear 10-node workflow: ours (SqliteStore, both
 * durability settings) against LangGraph + SqliteSaver and against the raw better-sqlite3
 * limit, all on file databases, in one process, alternating, median of the repeats.
 */
import { join } from 'node:path';
import { openPeerSaver, peerCheckpointCount, peerLinearSteps, peerSynchronous } from '../peer/langgraph';
import { rawSqliteLimit } from '../raw/sqliteLimit';
import { openOurs, type Durability } from '../ours/harness';
import { linearWorkflow } from '../ours/workflows';
import { median, rateFigure, type Figure } from '../report';

export interface StepsOptions {
  dir: string;
  runs: number;
  nodes: number;
  repeats: number;
  warmupRuns: number;
}

/**
 * `oneCall`: the run is created and advanced by one call (`start` with `advance`), as the
 * peer's one `invoke` creates its thread and runs it: one commit per run. Otherwise `start`
 * then `tick`, two calls and two commits per run.
 */
async function oursLinear(file: string, durability: Durability, o: StepsOptions, oneCall = true): Promise<number> {
  const wf = linearWorkflow(o.nodes);
  const h = openOurs(file, durability, [wf]);
  const advance = { maxSteps: o.nodes * 4 };
  try {
    const one = async () => {
      const run = await h.runtime.start(wf.id, { count: 0 }, oneCall ? { advance } : {});
      const end = oneCall ? run : await h.runtime.tick(run.run_id, advance);
      if (end.status !== 'completed') throw new Error(`our run ended ${end.status}`);
    };
    for (let i = 0; i < o.warmupRuns; i++) await one();
    const t0 = performance.now();
    for (let i = 0; i < o.runs; i++) await one();
    return (o.runs * o.nodes * 1000) / (performance.now() - t0);
  } finally {
    h.close();
  }
}

async function peerLinear(file: string, o: StepsOptions): Promise<{ rate: number; sync: number }> {
  const saver = openPeerSaver(file);
  try {
    await peerLinearSteps(saver, { runs: o.warmupRuns, nodes: o.nodes, durability: 'async' });
    const r = await peerLinearSteps(saver, { runs: o.runs, nodes: o.nodes, durability: 'async' });
    // Proof the peer persisted every step to its file: at least one checkpoint per node run.
    const checkpoints = peerCheckpointCount(saver);
    if (checkpoints < (o.runs + o.warmupRuns) * o.nodes) throw new Error(`peer wrote only ${checkpoints} checkpoints`);
    return { rate: r.stepsPerSec, sync: peerSynchronous(saver) };
  } finally {
    saver.db.close();
  }
}

export async function benchSteps(o: StepsOptions): Promise<Figure[]> {
  const full: number[] = [];
  const proc: number[] = [];
  const peer: number[] = [];
  const rawFull: number[] = [];
  const rawNormal: number[] = [];
  const procTwoCalls: number[] = [];
  let peerSync = -1;
  const txs = o.runs * o.nodes;
  for (let r = 0; r < o.repeats; r++) {
    full.push(await oursLinear(join(o.dir, `ours-full-${r}.db`), 'full', o));
    const p = await peerLinear(join(o.dir, `peer-${r}.db`), o);
    peer.push(p.rate);
    peerSync = p.sync;
    proc.push(await oursLinear(join(o.dir, `ours-process-${r}.db`), 'process', o));
    procTwoCalls.push(await oursLinear(join(o.dir, `ours-process-2calls-${r}.db`), 'process', o, false));
    rawFull.push(rawSqliteLimit(join(o.dir, `raw-full-${r}.db`), { transactions: txs, synchronous: 'FULL' }).perSec);
    rawNormal.push(rawSqliteLimit(join(o.dir, `raw-normal-${r}.db`), { transactions: txs, synchronous: 'NORMAL' }).perSec);
  }
  const shape = `${o.runs} runs × ${o.nodes} nodes, median of ${o.repeats}; ours: one call per run (start with advance: one commit), the peer: one invoke per run`;
  const peerNote = `LangGraph ${peerSyncName(peerSync)} (its default), durability "async" (its default)`;
  return [
    rateFigure(
      'steps/s, durability full vs LangGraph',
      'steps/s',
      median(full),
      { peer: median(peer) },
      {
        target: '≥ 20×',
        note: `${shape}; ours synchronous=FULL; ${peerNote}`,
      },
    ),
    rateFigure(
      'steps/s, durability full vs raw limit (FULL)',
      'steps/s',
      median(full),
      { limit: median(rawFull) },
      {
        target: '≥ 0.5×',
        note: 'raw: better-sqlite3, WAL, synchronous=FULL, 1 upsert + 1 insert + 1 SHA-256 per transaction',
      },
    ),
    rateFigure(
      'steps/s, durability process vs LangGraph',
      'steps/s',
      median(proc),
      { peer: median(peer) },
      {
        target: '≥ 20×',
        note: `${shape}; ours synchronous=NORMAL (same as the peer); ${peerNote}`,
      },
    ),
    rateFigure(
      'steps/s, durability process vs raw limit (NORMAL)',
      'steps/s',
      median(proc),
      { limit: median(rawNormal) },
      {
        target: '≥ 0.5×',
        note: 'raw: better-sqlite3, WAL, synchronous=NORMAL, 1 upsert + 1 insert + 1 SHA-256 per transaction',
      },
    ),
    rateFigure(
      'steps/s, durability process, start + tick (two calls) vs LangGraph',
      'steps/s',
      median(procTwoCalls),
      { peer: median(peer) },
      {
        note: `${o.runs} runs × ${o.nodes} nodes, median of ${o.repeats}; ours: start, then tick (two calls, two commits per run); not a target figure`,
      },
    ),
  ];
}

function peerSyncName(n: number): string {
  return ['synchronous=OFF', 'synchronous=NORMAL', 'synchronous=FULL', 'synchronous=EXTRA'][n] ?? `synchronous=${n}`;
}

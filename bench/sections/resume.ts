/**
 * Wait → resume round trip: start a run that asks a person, let it reach the wait
 * (committed), resume it with the answer, run it to completion. Ours (ask_user +
 * resume) against LangGraph (interrupt() + Command({resume})), both on file databases.
 */
import { join } from 'node:path';
import { openPeerSaver, peerAskRoundTrips } from '../peer/langgraph';
import { openOurs, type Durability, type OursHarness } from '../ours/harness';
import { askWorkflow } from '../ours/workflows';
import { durationFigure, median, type Figure } from '../report';

export interface ResumeOptions {
  dir: string;
  rounds: number;
  repeats: number;
  warmup: number;
}

/** Two calls, like the peer's two invokes: start (advancing to the wait), resume (advancing to the end). */
async function twoCallRoundTrip(h: OursHarness, workflowId: string): Promise<void> {
  const waiting = await h.runtime.start(workflowId, {}, { advance: { maxSteps: 10 } });
  if (waiting.status !== 'waiting' || !waiting.waiting) throw new Error(`expected a wait, got ${waiting.status}`);
  const state = await h.runtime.resume(waiting.run_id, {
    waitKey: waiting.waiting.wait_key,
    payload: { text: 'yes' },
    advance: { maxSteps: 10 },
  });
  if (state.status !== 'completed') throw new Error(`expected completion, got ${state.status}`);
}

/** Four calls: start, tick (to the wait), resume, tick (to the end). */
async function fourCallRoundTrip(h: OursHarness, workflowId: string): Promise<void> {
  const started = await h.runtime.start(workflowId, {});
  const waiting = await h.runtime.tick(started.run_id, { maxSteps: 10 });
  if (waiting.status !== 'waiting' || !waiting.waiting) throw new Error(`expected a wait, got ${waiting.status}`);
  let state = await h.runtime.resume(started.run_id, { waitKey: waiting.waiting.wait_key, payload: { text: 'yes' } });
  if (state.status === 'running') state = await h.runtime.tick(started.run_id, { maxSteps: 10 });
  if (state.status !== 'completed') throw new Error(`expected completion, got ${state.status}`);
}

async function oursRounds(file: string, durability: Durability, o: ResumeOptions, oneRoundTrip = twoCallRoundTrip): Promise<number> {
  const wf = askWorkflow();
  const h = openOurs(file, durability, [wf]);
  try {
    for (let i = 0; i < o.warmup; i++) await oneRoundTrip(h, wf.id);
    const t0 = performance.now();
    for (let i = 0; i < o.rounds; i++) await oneRoundTrip(h, wf.id);
    return (performance.now() - t0) / o.rounds;
  } finally {
    h.close();
  }
}

async function peerRounds(file: string, o: ResumeOptions): Promise<number> {
  const saver = openPeerSaver(file);
  try {
    await peerAskRoundTrips(saver, { rounds: o.warmup, durability: 'async' });
    return (await peerAskRoundTrips(saver, { rounds: o.rounds, durability: 'async' })).msPerRound;
  } finally {
    saver.db.close();
  }
}

export async function benchResume(o: ResumeOptions): Promise<Figure[]> {
  const full: number[] = [];
  const proc: number[] = [];
  const peer: number[] = [];
  const procFour: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    full.push(await oursRounds(join(o.dir, `ask-ours-full-${r}.db`), 'full', o));
    peer.push(await peerRounds(join(o.dir, `ask-peer-${r}.db`), o));
    proc.push(await oursRounds(join(o.dir, `ask-ours-process-${r}.db`), 'process', o));
    procFour.push(await oursRounds(join(o.dir, `ask-ours-process-4calls-${r}.db`), 'process', o, fourCallRoundTrip));
  }
  const shape = `${o.rounds} round trips (start → wait → resume → complete), median of ${o.repeats}; ours: two calls (start and resume, each with advance), the peer: two invokes, interrupt() + Command({resume}) with its defaults (synchronous=NORMAL)`;
  return [
    durationFigure(
      'wait → resume round trip, durability full vs LangGraph',
      'ms',
      median(full),
      { peer: median(peer) },
      {
        target: '≥ 10×',
        note: `${shape}; ours synchronous=FULL`,
      },
    ),
    durationFigure(
      'wait → resume round trip, durability process vs LangGraph',
      'ms',
      median(proc),
      { peer: median(peer) },
      {
        target: '≥ 10×',
        note: `${shape}; ours synchronous=NORMAL (same as the peer)`,
      },
    ),
    durationFigure(
      'wait → resume round trip, durability process, four calls vs LangGraph',
      'ms',
      median(procFour),
      { peer: median(peer) },
      {
        note: `${o.rounds} round trips, median of ${o.repeats}; ours: start, tick, resume, tick (four calls, four commits); synchronous=NORMAL; not a target figure`,
      },
    ),
  ];
}

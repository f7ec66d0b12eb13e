/**
 * The peer: LangGraph JS with its SQLite checkpointer on a FILE database, on the same
 * workflow shapes as ours. Each node execution is one checkpointed step (LangGraph writes
 * a checkpoint per super-step); `durability` is the peer's own knob ("async" is its
 * default, "sync" waits for each checkpoint like we do).
 */
import { Annotation, Command, END, START, StateGraph, interrupt } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { randomUUID } from 'node:crypto';

export type PeerDurability = 'async' | 'sync' | 'exit';

const LinearState = Annotation.Root({
  count: Annotation<number>,
  trail: Annotation<string>,
});

/** A linear workflow of `nodes` nodes, each adding one to `count` (same shape as ours). */
export function buildLinearGraph(nodes: number, checkpointer: SqliteSaver) {
  // LangGraph's builder types track node names literally; a dynamic chain needs a loose type.
  let g = new StateGraph(LinearState) as unknown as AnyBuilder;
  for (let i = 0; i < nodes; i++) {
    g = g.addNode(`n${i}`, (s: { count: number }) => ({ count: s.count + 1, trail: `n${i}` }));
  }
  g = g.addEdge(START, 'n0');
  for (let i = 0; i + 1 < nodes; i++) g = g.addEdge(`n${i}`, `n${i + 1}`);
  g = g.addEdge(`n${nodes - 1}`, END);
  return g.compile({ checkpointer });
}

interface AnyBuilder {
  addNode(name: string, fn: (s: { count: number }) => unknown): AnyBuilder;
  addEdge(from: string, to: string): AnyBuilder;
  compile(opts: { checkpointer: SqliteSaver }): {
    invoke(input: unknown, config: object): Promise<Record<string, unknown>>;
  };
}

export function openPeerSaver(file: string): SqliteSaver {
  const saver = SqliteSaver.fromConnString(file);
  return saver;
}

/** The synchronous setting the peer's connection actually runs with (read, not assumed). */
export function peerSynchronous(saver: SqliteSaver): number {
  return saver.db.pragma('synchronous', { simple: true }) as number;
}

export interface StepsResult {
  runs: number;
  steps: number;
  ms: number;
  stepsPerSec: number;
}

/** Runs `runs` threads of the linear graph one after the other; a step = one node execution. */
export async function peerLinearSteps(
  saver: SqliteSaver,
  opts: { runs: number; nodes: number; durability: PeerDurability },
): Promise<StepsResult> {
  const graph = buildLinearGraph(opts.nodes, saver);
  const t0 = performance.now();
  for (let r = 0; r < opts.runs; r++) {
    const out = await graph.invoke({ count: 0, trail: '' }, { configurable: { thread_id: randomUUID() }, durability: opts.durability });
    if (out.count !== opts.nodes) throw new Error(`peer run ended with count ${String(out.count)}`);
  }
  const ms = performance.now() - t0;
  const steps = opts.runs * opts.nodes;
  return { runs: opts.runs, steps, ms, stepsPerSec: (steps * 1000) / ms };
}

const AskState = Annotation.Root({
  question: Annotation<string>,
  answer: Annotation<string>,
});

/** ask → (interrupt) → done: the peer's wait-for-a-person shape. */
export function buildAskGraph(checkpointer: SqliteSaver) {
  return new StateGraph(AskState)
    .addNode('ask', (s) => {
      const answer = interrupt({ prompt: s.question }) as { text: string };
      return { answer: answer.text };
    })
    .addNode('done', (s) => ({ answer: `${s.answer}!` }))
    .addEdge(START, 'ask')
    .addEdge('ask', 'done')
    .addEdge('done', END)
    .compile({ checkpointer });
}

export interface RoundTripResult {
  rounds: number;
  ms: number;
  msPerRound: number;
}

/**
 * One round trip = start a thread, run until the interrupt (persisted), then resume it
 * with Command({resume}) until it completes. Measures `rounds` of them sequentially.
 */
export async function peerAskRoundTrips(
  saver: SqliteSaver,
  opts: { rounds: number; durability: PeerDurability },
): Promise<RoundTripResult> {
  const graph = buildAskGraph(saver);
  const t0 = performance.now();
  for (let i = 0; i < opts.rounds; i++) {
    const config = { configurable: { thread_id: randomUUID() }, durability: opts.durability };
    const first = await graph.invoke({ question: 'continue?', answer: '' }, config);
    if (!('__interrupt__' in first)) throw new Error('peer did not interrupt');
    const done = await graph.invoke(new Command({ resume: { text: 'yes' } }), config);
    if (done.answer !== 'yes!') throw new Error(`peer resumed to ${String(done.answer)}`);
  }
  const ms = performance.now() - t0;
  return { rounds: opts.rounds, ms, msPerRound: ms / opts.rounds };
}

/** How many checkpoints the peer actually wrote to its file (proof it persists). */
export function peerCheckpointCount(saver: SqliteSaver): number {
  const row = saver.db.prepare('SELECT count(*) AS n FROM checkpoints').get() as { n: number };
  return row.n;
}

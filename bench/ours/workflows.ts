/**
 * Our side of the benchmark shapes, built with the kernel's public API: the same linear
 * 10-node workflow and the same ask → done workflow as the peer's graphs.
 */
import { defineWorkflow } from '../../src-main/runtime/index';
import type { NodeDefinition, WorkflowDefinition } from '../../src-main/runtime/contracts';

export function linearWorkflow(nodes: number): WorkflowDefinition {
  const defs: Record<string, NodeDefinition> = {};
  for (let i = 0; i < nodes; i++) {
    const last = i === nodes - 1;
    defs[`n${i}`] = {
      next: last ? [] : [`n${i + 1}`],
      handler: (run) => {
        const count = (run.vars.count as number) + 1;
        return last ? { complete: { count } } : { next: `n${i + 1}`, set: { count, trail: `n${i}` } };
      },
    };
  }
  return defineWorkflow({ id: `bench.linear${nodes}`, version: '1', entry: 'n0', nodes: defs });
}

export function askWorkflow(): WorkflowDefinition {
  return defineWorkflow({
    id: 'bench.ask',
    version: '1',
    entry: 'ask',
    nodes: {
      ask: {
        next: ['done'],
        handler: () => ({ effect: { type: 'ask_user', payload: { prompt: 'continue?' } }, resultKey: 'answer', next: 'done' }),
      },
      done: {
        handler: (run) => ({ complete: { answer: `${String((run.vars.answer as { text?: string } | null)?.text)}!` } }),
      },
    },
  });
}

/** One node visited `vars.n` times: a long ledger made by the real runtime. */
export function loopWorkflow(): WorkflowDefinition {
  return defineWorkflow({
    id: 'bench.loop',
    version: '1',
    entry: 'step',
    nodes: {
      step: {
        next: ['step'],
        handler: (run) => {
          const count = (run.vars.count as number) + 1;
          return count >= (run.vars.n as number) ? { complete: { count } } : { next: 'step', set: { count } };
        },
      },
    },
  });
}

/**
 * A run that advances itself at about `stepsPerSec` (each handler waits for its slot), for
 * the live-update figure. `never` is never taken: a breakpoint on it makes the host commit
 * and publish every step on its own instead of grouping them.
 */
export function pacedLoopWorkflow(stepsPerSec: number): WorkflowDefinition {
  let t0: number | null = null;
  return defineWorkflow({
    id: 'bench.paced',
    version: '1',
    entry: 'step',
    nodes: {
      step: {
        next: ['step', 'stop', 'never'], // 'never' is declared, never taken
        handler: async (run) => {
          const i = run.vars.count as number;
          t0 ??= performance.now();
          const wait = t0 + (i * 1000) / stepsPerSec - performance.now();
          if (wait > 0.5) await new Promise((r) => setTimeout(r, wait));
          return i + 1 >= (run.vars.n as number) ? { next: 'stop' } : { next: 'step', set: { count: i + 1 } };
        },
      },
      stop: { handler: (run) => ({ complete: { count: run.vars.count ?? null } }) },
      never: { handler: () => ({ complete: null }) },
    },
  });
}

/**
 * A project module only the fleet's `worker` processes load (the inspector's `serve` does not):
 * `fleet.paced` takes `vars.n` steps, each a call to the trusted tool `pause_ms` (a commit per
 * step, so a watcher sees it move), so a run of it can only be advanced by a worker.
 */
import type { ToolRegistry } from '../../../src-main/effects/tools/index';
import { defineWorkflow } from '../../../src-main/runtime/index';

export const workflows = [
  defineWorkflow({
    id: 'fleet.paced',
    version: '1',
    label: 'Paced (fleet)',
    entry: 'pause',
    nodes: {
      pause: {
        kind: 'tool_calls',
        next: ['count', 'done'],
        handler: (run) => {
          const i = typeof run.vars.i === 'number' ? run.vars.i : 0;
          if (i >= (typeof run.vars.n === 'number' ? run.vars.n : 3)) return { next: 'done' };
          return {
            effect: {
              type: 'tool_calls',
              payload: {
                tool_calls: [
                  { name: 'pause_ms', arguments: { ms: typeof run.vars.ms === 'number' ? run.vars.ms : 300 }, call_id: `pause-${i + 1}` },
                ],
                allowed_tools: ['pause_ms'],
              },
            },
            resultKey: 'last',
            next: 'count',
          };
        },
      },
      count: {
        kind: 'step',
        next: ['pause'],
        handler: (run) => ({ next: 'pause', set: { i: (typeof run.vars.i === 'number' ? run.vars.i : 0) + 1 } }),
      },
      done: { kind: 'end', handler: (run) => ({ complete: { steps: run.vars.i ?? 0 } }) },
    },
  }),
];

export function registerTools(registry: ToolRegistry): void {
  registry.register({
    name: 'pause_ms',
    description: 'Waits the given number of milliseconds (at most 5 s).',
    parameters: {
      type: 'object',
      properties: { ms: { type: 'integer', minimum: 0, maximum: 5000 } },
      required: ['ms'],
      additionalProperties: false,
    },
    trust: 'trusted',
    idempotent: true,
    timeoutMs: 10_000,
    execute: async (args) => {
      const { ms } = args as { ms: number };
      await new Promise((r) => setTimeout(r, ms));
      return { paused: ms };
    },
  });
}

/**
 * The benchmark's linear workflows as a project module, so that `abstractruntime worker`
 * processes load them the way a user's workflows are loaded (abstractruntime.project.json):
 * - `bench.linear10`: ten pure steps (the kernel commits a run's pure steps together);
 * - `bench.effect10`: ten steps that each call the trusted tool `bench_step`, so each step's
 *   intent is durable before it runs and its outcome is committed after it: every step its
 *   own durable commit, as a DBOS step is (and the intent before it, which DBOS does not write).
 */
import type { ToolRegistry } from '../../src-main/effects/tools/index';
import type { NodeDefinition } from '../../src-main/runtime/contracts';
import { defineWorkflow } from '../../src-main/runtime/index';
import { linearWorkflow } from './workflows';

function effectLinearWorkflow(steps: number) {
  const nodes: Record<string, NodeDefinition> = {};
  for (let i = 0; i < steps; i++) {
    const next = i + 1 < steps ? `n${i + 1}` : 'done';
    nodes[`n${i}`] = {
      kind: 'tool_calls',
      next: [next],
      handler: () => ({
        effect: {
          type: 'tool_calls',
          payload: { tool_calls: [{ name: 'bench_step', arguments: { step: i }, call_id: `step-${i}` }], allowed_tools: ['bench_step'] },
        },
        resultKey: 'last',
        next,
      }),
    };
  }
  nodes.done = { kind: 'end', handler: () => ({ complete: { count: steps } }) };
  return defineWorkflow({ id: `bench.effect${steps}`, version: '1', entry: 'n0', nodes });
}

export const workflows = [linearWorkflow(10), effectLinearWorkflow(10)];

export function registerTools(registry: ToolRegistry): void {
  registry.register({
    name: 'bench_step',
    description: 'One benchmark step: returns its step number.',
    parameters: { type: 'object', properties: { step: { type: 'integer' } }, required: ['step'], additionalProperties: false },
    trust: 'trusted',
    idempotent: true,
    timeoutMs: 10_000,
    execute: async (args) => ({ step: (args as { step: number }).step }),
  });
}

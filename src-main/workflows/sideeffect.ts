/**
 * examples.sideeffect: `vars.n` steps (default 3), each appending the line `step <i>` to the
 * file `vars.path` through the trusted, NON-idempotent tool `append_line`. It is the
 * workload for crash tests: after a crash mid-append the run waits for a person (recovery)
 * instead of appending twice.
 */
import { defineWorkflow } from '../runtime/index';

export const sideEffectWorkflow = defineWorkflow({
  id: 'examples.sideeffect',
  version: '1',
  label: 'Side effect',
  description: 'Appends "step <i>" to the file vars.path, vars.n times, through a non-idempotent trusted tool.',
  entry: 'append',
  defaultVars: { n: 3, path: '' },
  nodes: {
    append: {
      label: 'Append a line',
      kind: 'tool_calls',
      next: ['advance', 'done'],
      handler: (run) => {
        const n = typeof run.vars.n === 'number' ? run.vars.n : 3;
        const i = typeof run.vars.i === 'number' ? run.vars.i : 0;
        if (i >= n) return { next: 'done' };
        const path = typeof run.vars.path === 'string' ? run.vars.path : '';
        return {
          effect: {
            type: 'tool_calls',
            payload: { tool_calls: [{ name: 'append_line', arguments: { path, line: `step ${i + 1}` }, call_id: `append-${i + 1}` }], allowed_tools: ['append_line'] },
          },
          resultKey: 'last',
          next: 'advance',
        };
      },
    },
    advance: {
      label: 'Next step',
      kind: 'step',
      next: ['append'],
      handler: (run) => ({ next: 'append', set: { i: (typeof run.vars.i === 'number' ? run.vars.i : 0) + 1 } }),
    },
    done: {
      label: 'Done',
      kind: 'end',
      handler: (run) => ({ complete: { appended: typeof run.vars.i === 'number' ? run.vars.i : 0, path: run.vars.path ?? null } }),
    },
  },
});

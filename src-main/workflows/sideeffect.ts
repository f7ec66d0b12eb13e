/**
 * examples.sideeffect: `vars.n` steps (default 3), each appending the line `step <i>` to the
 * file `vars.path` through the trusted, NON-idempotent tool `append_line`. It is the
 * workload for crash tests: after a crash mid-append the run waits for a person (recovery)
 * instead of appending twice. A failed append (say, a path the tool may not write) fails
 * the run (`onEffectError: 'fail'`): the output never claims lines that were not written.
 */
import { defineWorkflow } from '../runtime/index';

export const sideEffectWorkflow = defineWorkflow({
  id: 'examples.sideeffect',
  version: '1',
  label: 'Side effect',
  description: 'Appends "step <i>" to the file vars.path, vars.n times, through a non-idempotent trusted tool.',
  entry: 'append',
  inputSchema: {
    type: 'object',
    properties: {
      n: { type: 'integer', minimum: 0, description: 'How many lines to append.' },
      path: { type: 'string', description: 'The file to append to (inside the folders tools may write).' },
    },
    additionalProperties: false,
  },
  defaultVars: { n: 3, path: '' },
  nodes: {
    append: {
      label: 'Append a line',
      kind: 'tool_calls',
      next: ['advance', 'done'],
      edgeLabels: {
        advance: { label: 'appended', when: 'fewer than n lines so far: one more is appended' },
        done: { label: 'all written', when: 'n lines have been appended' },
      },
      onEffectError: 'fail',
      handler: (run) => {
        const n = typeof run.vars.n === 'number' ? run.vars.n : 3;
        const i = typeof run.vars.i === 'number' ? run.vars.i : 0;
        if (i >= n) return { next: 'done' };
        const path = typeof run.vars.path === 'string' ? run.vars.path : '';
        return {
          effect: {
            type: 'tool_calls',
            payload: {
              tool_calls: [{ name: 'append_line', arguments: { path, line: `step ${i + 1}` }, call_id: `append-${i + 1}` }],
              allowed_tools: ['append_line'],
            },
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
      // `i` counts appends that succeeded: a failed one fails the run before `advance` counts it.
    },
  },
});

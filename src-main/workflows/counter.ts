/** examples.counter: `vars.n` pure steps (default 10); each one is a transition record. */
import { defineWorkflow } from '../runtime/index';

export const counterWorkflow = defineWorkflow({
  id: 'examples.counter',
  version: '1',
  label: 'Counter',
  description: 'Loops vars.n pure steps (default 10), counting in vars.i, then completes.',
  entry: 'count',
  inputSchema: {
    type: 'object',
    properties: { n: { type: 'integer', minimum: 0, description: 'How many steps to count.' } },
    additionalProperties: false,
  },
  defaultVars: { n: 10 },
  nodes: {
    count: {
      label: 'Count',
      kind: 'step',
      next: ['count', 'done'],
      edgeLabels: { count: { label: 'again', when: 'i < n' }, done: { label: 'counted', when: 'i has reached n' } },
      handler: (run) => {
        const n = typeof run.vars.n === 'number' ? run.vars.n : 10;
        const i = typeof run.vars.i === 'number' ? run.vars.i : 0;
        return i < n ? { next: 'count', set: { i: i + 1 } } : { next: 'done' };
      },
    },
    done: {
      label: 'Done',
      kind: 'end',
      handler: (run) => ({ complete: { count: typeof run.vars.i === 'number' ? run.vars.i : 0 } }),
    },
  },
});

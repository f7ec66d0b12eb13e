/**
 * examples.timer: waits until `vars.delayMs` after the run started, then completes.
 * The due time is computed from `created_at`, so a replay asks for the same instant.
 */
import { defineWorkflow } from '../runtime/index';

export const timerWorkflow = defineWorkflow({
  id: 'examples.timer',
  version: '1',
  label: 'Timer',
  description: 'Waits until vars.delayMs milliseconds after the run started (wait_until), then completes.',
  entry: 'wait',
  inputSchema: {
    type: 'object',
    properties: { delayMs: { type: 'integer', minimum: 0, description: 'How long to wait, in milliseconds.' } },
    additionalProperties: false,
  },
  defaultVars: { delayMs: 5000 },
  nodes: {
    wait: {
      label: 'Wait until due',
      kind: 'wait_until',
      next: ['done'],
      handler: (run) => {
        const delayMs = typeof run.vars.delayMs === 'number' && run.vars.delayMs >= 0 ? run.vars.delayMs : 5000;
        const until = new Date(Date.parse(run.created_at) + delayMs).toISOString();
        return { effect: { type: 'wait_until', payload: { until } }, resultKey: 'timer', next: 'done' };
      },
    },
    done: {
      label: 'Done',
      kind: 'end',
      handler: (run) => ({ complete: { timer: run.vars.timer ?? null } }),
    },
  },
});

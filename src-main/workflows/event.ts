/** examples.event: waits for the event `vars.eventName` (default `approved`), then completes with its payload. */
import { defineWorkflow } from '../runtime/index';

export const eventWorkflow = defineWorkflow({
  id: 'examples.event',
  version: '1',
  label: 'Event wait',
  description: 'Waits for the event named vars.eventName (default "approved"), then completes with its payload.',
  entry: 'wait',
  inputSchema: {
    type: 'object',
    properties: { eventName: { type: 'string', minLength: 1, description: 'The event the run waits for.' } },
    additionalProperties: false,
  },
  defaultVars: { eventName: 'approved' },
  nodes: {
    wait: {
      label: 'Wait for event',
      kind: 'wait_event',
      next: ['done'],
      handler: (run) => {
        const eventName = typeof run.vars.eventName === 'string' && run.vars.eventName ? run.vars.eventName : 'approved';
        return { effect: { type: 'wait_event', payload: { eventName } }, resultKey: 'event', next: 'done' };
      },
    },
    done: {
      label: 'Done',
      kind: 'end',
      handler: (run) => ({ complete: { event: run.vars.event ?? null } }),
    },
  },
});

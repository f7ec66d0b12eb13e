/**
 * examples.parent: starts a child run (default examples.counter with n=3) and waits for it.
 * A child that fails or is cancelled resumes the parent with `{error, child_run_id, child_status}`;
 * this workflow then fails with the child's error so the failure is visible on both runs.
 */
import { defineWorkflow } from '../runtime/index';
import type { JsonObject } from '../../src-shared/json';

export const parentWorkflow = defineWorkflow({
  id: 'examples.parent',
  version: '1',
  label: 'Parent and child',
  description: 'Runs vars.childWorkflowId (default examples.counter) as a child run and waits for its output.',
  entry: 'spawn',
  inputSchema: {
    type: 'object',
    properties: {
      childWorkflowId: { type: 'string', description: 'The workflow the child run starts (start_subworkflow refuses an empty one).' },
      childVars: { type: 'object', description: "The child run's vars." },
    },
    additionalProperties: false,
  },
  defaultVars: { childWorkflowId: 'examples.counter', childVars: { n: 3 } },
  nodes: {
    spawn: {
      label: 'Start child',
      kind: 'start_subworkflow',
      next: ['done'],
      handler: (run) => ({
        effect: {
          type: 'start_subworkflow',
          payload: {
            workflowId: typeof run.vars.childWorkflowId === 'string' ? run.vars.childWorkflowId : 'examples.counter',
            vars: isObject(run.vars.childVars) ? run.vars.childVars : {},
            wait: true,
          },
        },
        resultKey: 'child',
        next: 'done',
      }),
    },
    done: {
      label: 'Done',
      kind: 'end',
      handler: (run) => {
        const child = run.vars.child;
        if (isObject(child) && isObject(child.error) && 'child_status' in child) {
          return {
            fail: {
              code: 'CHILD_RUN_FAILED',
              message: `child run ${String(child.child_run_id)} ${String(child.child_status)}: ${String(child.error.message)}`,
            },
          };
        }
        return { complete: { child: child ?? null } };
      },
    },
  },
});

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The crash test's workload: `steps` visits of a node whose effect appends one line to a
 * file (NOT idempotent: it must never run twice unless a person says so). Each line names
 * the step, the attempt and the process, so the parent can count who wrote what.
 */
import { appendFileSync } from 'node:fs';
import { createWorkflowRegistry, defineWorkflow } from '../../../src-main/runtime/index';
import type { EffectHandler, WorkflowRegistry } from '../../../src-main/runtime/contracts';

export const CRASH_WORKFLOW_ID = 'crash.append';
export const LEASE_OWNER = 'crash-host';

export function crashRegistry(): WorkflowRegistry {
  return createWorkflowRegistry([
    defineWorkflow({
      id: CRASH_WORKFLOW_ID,
      version: '1',
      entry: 'append',
      defaultVars: { i: 0, steps: 5 },
      nodes: {
        append: {
          next: ['advance'],
          handler: (run) => ({
            effect: { type: 'append_line', payload: { step: run.vars.i as number } },
            resultKey: 'last',
            next: 'advance',
          }),
        },
        advance: {
          next: ['append', 'done'],
          handler: (run) => {
            const i = (run.vars.i as number) + 1;
            return { next: i < (run.vars.steps as number) ? 'append' : 'done', set: { i } };
          },
        },
        done: { handler: (run) => ({ complete: { steps: run.vars.i ?? null } }) },
      },
    }),
  ]);
}

/** Appends `step <n> attempt <a> pid <p>`; a short pause on each side widens the crash window. */
export function appendLineHandler(file: string): EffectHandler {
  return {
    isIdempotent: () => false,
    hasSideEffects: () => true,
    async execute(effect, ctx) {
      await new Promise((r) => setTimeout(r, Math.random() * 4));
      appendFileSync(file, `step ${effect.payload.step} attempt ${ctx.attempt} pid ${process.pid}\n`);
      await new Promise((r) => setTimeout(r, Math.random() * 4));
      return { kind: 'completed', result: { wrote: effect.payload.step ?? null } };
    },
  };
}

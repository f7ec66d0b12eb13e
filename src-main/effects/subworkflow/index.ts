/**
 * The `start_subworkflow` effect: payload `{workflowId, version?, vars?, wait?}` (wait defaults
 * to true; without a version the latest registered one runs).
 *
 * The handler starts nothing: it decides. The parent waits (reason `subworkflow`) on a child
 * named after the effect's idempotency key (`childRunIdFor`), with what to start in
 * `waiting.details.child_start`; the host starts that child once the parent's commit is
 * durable (host/childRuns.ts). A crash in between leaves a parent waiting on a child that
 * does not exist, which the work queue counts as runnable: any worker starts the child, and
 * the deterministic id makes a second start find the first.
 * - `wait: true`  → the host resumes the parent with the child's output when it completes, or
 *   with `{error, child_run_id, child_status}` when it fails or is cancelled.
 * - `wait: false` → the host resumes the parent with `{child_run_id}` as soon as the child exists.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../../src-shared/json';
import type { EffectContext, EffectHandler, EffectOutcome, EffectRequest } from '../../runtime/contracts';

/** What the host starts for a parent waiting on a child that does not exist yet (`waiting.details.child_start`). */
export interface ChildStart {
  workflow_id: string;
  /** The version resolved when the parent decided (the latest registered then, when the payload named none). */
  workflow_version: string;
  vars: JsonObject;
  /** false: the parent goes on once the child exists; true: once it ends. */
  wait: boolean;
}

export interface SubworkflowHandlerOptions {
  /** The version a child of this workflow starts with; throws a typed error (WORKFLOW_NOT_FOUND) for an unknown one. */
  resolveWorkflow(workflowId: string, version?: string): { version: string };
}

export interface SubworkflowPayload {
  workflowId: string;
  version?: string;
  vars: JsonObject;
  wait: boolean;
}

export function parseSubworkflowPayload(payload: JsonObject): SubworkflowPayload | { error: string } {
  const { workflowId, vars, wait, version } = payload;
  if (typeof workflowId !== 'string' || workflowId.length === 0) return { error: 'start_subworkflow needs a non-empty string workflowId' };
  if (version !== undefined && (typeof version !== 'string' || !version))
    return { error: 'start_subworkflow version must be a non-empty string' };
  if (vars !== undefined && (typeof vars !== 'object' || vars === null || Array.isArray(vars))) {
    return { error: 'start_subworkflow vars must be a JSON object' };
  }
  if (wait !== undefined && typeof wait !== 'boolean') return { error: 'start_subworkflow wait must be a boolean' };
  return { workflowId, vars: (vars as JsonObject | undefined) ?? {}, wait: wait ?? true, ...(version ? { version } : {}) };
}

export function createSubworkflowEffectHandler(opts: SubworkflowHandlerOptions): EffectHandler {
  return {
    async execute(effect: EffectRequest, ctx: EffectContext): Promise<EffectOutcome> {
      const parsed = parseSubworkflowPayload(effect.payload);
      if ('error' in parsed) return { kind: 'failed', error: { code: 'INVALID_SUBWORKFLOW', message: parsed.error }, retryable: false };
      let version: string;
      try {
        version = opts.resolveWorkflow(parsed.workflowId, parsed.version).version;
      } catch (err) {
        const { code } = err as { code?: unknown };
        // An unknown workflow will not appear by retrying.
        return {
          kind: 'failed',
          error: { code: typeof code === 'string' ? code : 'SUBWORKFLOW_START_FAILED', message: (err as Error).message ?? String(err) },
          retryable: false,
        };
      }
      const childStart: ChildStart = { workflow_id: parsed.workflowId, workflow_version: version, vars: parsed.vars, wait: parsed.wait };
      return {
        kind: 'waiting',
        wait: {
          reason: 'subworkflow',
          child_run_id: childRunIdFor(ctx.run.run_id, ctx.idempotencyKey),
          details: { child_start: childStart as unknown as JsonObject },
        },
      };
    },
    // Deciding twice gives the same child id: harmless.
    isIdempotent: () => true,
    // It starts nothing itself: the wait commits with the step, and the host starts the child after it.
    hasSideEffects: () => false,
  };
}

/** The child a parent waiting on a subworkflow is to start, or null when its wait says none (a wait from before this was recorded). */
export function childStartOf(wait: { details: JsonObject | null } | null | undefined): ChildStart | null {
  const start = wait?.details?.child_start as Partial<ChildStart> | undefined;
  if (!start || typeof start.workflow_id !== 'string' || typeof start.workflow_version !== 'string') return null;
  if (typeof start.vars !== 'object' || start.vars === null || Array.isArray(start.vars)) return null;
  return { workflow_id: start.workflow_id, workflow_version: start.workflow_version, vars: start.vars, wait: start.wait !== false };
}

/** The deterministic child id: a repeated start (a retry, a second worker, recovery) finds the child already made. */
export function childRunIdFor(parentRunId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${parentRunId}\n${idempotencyKey}`).digest('hex').slice(0, 16);
  return `${parentRunId}.child-${digest}`;
}

/**
 * The `start_subworkflow` effect: payload `{workflowId, version?, vars?, wait?}` (wait defaults
 * to true; without a version the latest registered one runs).
 * - `wait: false` → completes at once with `{child_run_id}`.
 * - `wait: true`  → the parent waits (reason `subworkflow`, `child_run_id`); the host resumes
 *   it with the child's output when the child completes, or with
 *   `{error, child_run_id, child_status}` when the child fails or is cancelled.
 * Starting the child is keyed by the effect's idempotency key, so a retry after a crash finds
 * the child it already started instead of starting a second one.
 */
import type { JsonObject } from '../../../src-shared/json';
import type { EffectContext, EffectHandler, EffectOutcome, EffectRequest } from '../../runtime/contracts';

export interface StartChildRequest {
  workflowId: string;
  /** A pinned version; the latest registered when absent. */
  version?: string;
  vars: JsonObject;
  parentRunId: string;
  /** Stable across retries of this effect: the same key must return the same child. */
  idempotencyKey: string;
}

export interface SubworkflowHandlerOptions {
  /** Creates (or finds, for a repeated key) the child run and returns its id. */
  startChild(req: StartChildRequest): Promise<string> | string;
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
      let childRunId: string;
      try {
        childRunId = await opts.startChild({
          workflowId: parsed.workflowId,
          ...(parsed.version ? { version: parsed.version } : {}),
          vars: parsed.vars,
          parentRunId: ctx.run.run_id,
          idempotencyKey: ctx.idempotencyKey,
        });
      } catch (err) {
        const { code, retryable } = err as { code?: unknown; retryable?: unknown };
        return {
          kind: 'failed',
          error: { code: typeof code === 'string' ? code : 'SUBWORKFLOW_START_FAILED', message: (err as Error).message ?? String(err) },
          // An unknown workflow will not appear by retrying.
          retryable: retryable === true,
        };
      }
      if (!parsed.wait) return { kind: 'completed', result: { child_run_id: childRunId } };
      return { kind: 'waiting', wait: { reason: 'subworkflow', child_run_id: childRunId } };
    },
    // The child is found again by the idempotency key, so re-running after a crash is harmless.
    isIdempotent: () => true,
    hasSideEffects: () => true,
  };
}

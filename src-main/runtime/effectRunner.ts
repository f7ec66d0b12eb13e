/**
 * Effect attempts: `started` record (committed first when the effect touches the world:
 * the intent), the handler's work, then the outcome record with the new state, in one
 * commit. Failed attempts are recorded and retried per the node's policy.
 */
import { EffectFailedError, HandlerError } from '../../src-shared/errors';
import { findNonJsonPath, type JsonValue } from '../../src-shared/json';
import { findUnstorable } from '../../src-shared/storableJson';
import type { ActorFingerprint, EffectRecord } from '../../src-shared/types';
import type { EffectContext, EffectHandler, EffectOutcome, EffectRequest, RetryPolicy } from './contracts';
import { externalize, externalizeWait, handlerView } from './artifacts';
import { failRun } from './failRun';
import { backoffDelay, type KernelContext } from './kernelContext';
import type { RunTx } from './runTx';
import { completeWait, defaultWaitKey } from './waitState';

export interface EffectCall {
  nodeId: string;
  visit: number;
  stepId: string;
  key: string;
  request: EffectRequest;
  record: EffectRecord;
  /** Where the run continues once the effect completes; null completes the run. */
  next: string | null;
  handler: EffectHandler;
  retry: RetryPolicy;
}

export type Perform = (ctx: EffectContext) => Promise<EffectOutcome>;

/** Runs attempts until one completes or waits, or the last one fails. 'aborted': the run was cancelled meanwhile. */
export async function runAttempts(
  k: KernelContext,
  tx: RunTx,
  call: EffectCall,
  firstAttempt: number,
  perform: Perform,
  signal: AbortSignal,
): Promise<'settled' | 'aborted'> {
  const sideEffects = call.handler.hasSideEffects?.(call.request) !== false;
  for (let tries = 1; ; tries++) {
    const attempt = firstAttempt + tries - 1;
    const started = tx.append(effectRecordInit(call, attempt, 'started'));
    if (sideEffects) {
      tx.update({
        pending_effect: {
          step_id: call.stepId,
          seq: started.seq,
          attempt,
          idempotency_key: call.key,
          effect: call.record,
          resume_to_node: call.next,
        },
      });
      tx.flush();
      // The intent must be on disk before the effect touches the world (group commit: one
      // fsync shared with the other runs in flight).
      await k.store.whenDurable?.(tx.state.run_id);
      if (signal.aborted) return 'aborted';
    }
    const outcome = checkOutcome(await performSafely(perform, contextFor(k, tx, call, attempt, signal)));
    if (signal.aborted) return 'aborted';
    if (outcome.kind === 'completed') {
      applyCompleted(k, tx, call, outcome.result, attempt, started.started_at, outcome.actor, outcome.error);
      if (sideEffects) tx.flush();
      return 'settled';
    }
    if (outcome.kind === 'waiting') {
      applyWaiting(k, tx, call, outcome.wait, attempt, started.started_at);
      return 'settled';
    }
    tx.append({ ...effectRecordInit(call, attempt, 'failed'), error: outcome.error, started_at: started.started_at });
    tx.update({ pending_effect: null });
    if (outcome.retryable === false || tries >= call.retry.maxAttempts) {
      const err = new EffectFailedError(`${call.request.type} failed: ${outcome.error.code}: ${outcome.error.message}`, {
        effectCode: outcome.error.code,
      });
      failRun(tx, err, call.nodeId, attempt);
      return 'settled';
    }
    tx.flush();
    await k.clock.sleep(backoffDelay(call.retry, tries), signal);
    if (signal.aborted) return 'aborted';
  }
}

export function effectRecordInit(call: EffectCall, attempt: number, status: 'started' | 'completed' | 'waiting' | 'failed') {
  return {
    kind: 'effect' as const,
    status,
    node_id: call.nodeId,
    step_id: call.stepId,
    effect: call.record,
    attempt,
    idempotency_key: call.key,
  };
}

/** Stores the result (at result_key) and moves on: to `next`, or completes the run with `{success, result}`. */
export function applyCompleted(
  k: KernelContext,
  tx: RunTx,
  call: EffectCall,
  rawResult: JsonValue,
  attempt: number,
  startedAt?: string,
  actor?: ActorFingerprint,
  partialError?: { code: string; message: string },
): void {
  const result = externalize(rawResult, k.artifacts, k.artifactThreshold);
  const error = partialError ? { error: { code: partialError.code, message: partialError.message } } : {};
  tx.append({ ...effectRecordInit(call, attempt, 'completed'), result, started_at: startedAt, ...(actor ? { actor } : {}), ...error });
  if (partialError && nodePolicy(k, tx, call.nodeId) === 'fail') {
    // The result is kept where the workflow expects it (the inspector shows what each part did).
    if (call.record.result_key) tx.update({ vars: { ...tx.state.vars, [call.record.result_key]: result } });
    failRun(
      tx,
      new EffectFailedError(`${call.request.type} failed: ${partialError.code}: ${partialError.message}`, {
        effectCode: partialError.code,
      }),
      call.nodeId,
      attempt,
    );
    return;
  }
  continueAfter(tx, call.record.result_key, call.next, result, call.nodeId);
}

/** The failed parts a recorded outcome carried (reused on replay and recovery, so the node's policy applies again). */
export function recordedPartialError(record: { error: unknown }): { code: string; message: string } | undefined {
  const e = record.error;
  if (
    e &&
    typeof e === 'object' &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  )
    return { code: (e as { code: string }).code, message: (e as { message: string }).message };
  return undefined;
}

function nodePolicy(k: KernelContext, tx: RunTx, nodeId: string): 'continue' | 'fail' {
  return k.workflows.get(tx.state.workflow_id, tx.state.workflow_version)?.nodes[nodeId]?.onEffectError ?? 'continue';
}

/** Puts a value at result_key and continues at `next`, or completes the run when there is none. */
export function continueAfter(tx: RunTx, resultKey: string | null, next: string | null, result: JsonValue, nodeId: string): void {
  const vars = resultKey ? { ...tx.state.vars, [resultKey]: result } : tx.state.vars;
  tx.update({ vars, pending_effect: null, waiting: null, status: 'running', ...(next ? { current_node: next } : {}) });
  if (next) return;
  const output = { success: true, result };
  tx.append({ kind: 'completed', status: 'completed', node_id: nodeId, result: output });
  tx.update({ status: 'completed', output });
}

function applyWaiting(
  k: KernelContext,
  tx: RunTx,
  call: EffectCall,
  partial: Parameters<typeof completeWait>[0],
  attempt: number,
  startedAt: string,
): void {
  const complete = completeWait(partial, {
    wait_key: defaultWaitKey(partial.reason, tx.state.run_id, call.nodeId, call.visit, attempt),
    result_key: call.record.result_key,
    resume_to_node: call.next,
  });
  // Stored like every other value: a 1 MB argument awaiting approval is a reference in the
  // record and the state (the chain covers its hash); readers resolve it.
  const wait = externalizeWait(complete, k.artifacts, k.artifactThreshold);
  if (call.handler.resume) {
    const effect = { ...call.record, step_id: call.stepId, idempotency_key: call.key, attempt, node_id: call.nodeId, visit: call.visit };
    wait.details = { ...(wait.details ?? {}), effect };
  }
  tx.append({ ...effectRecordInit(call, attempt, 'waiting'), result: wait as unknown as JsonValue, started_at: startedAt });
  // No commit here: the operation's final commit writes the wait (and releases the lease).
  tx.update({ status: 'waiting', waiting: wait, pending_effect: null });
}

async function performSafely(perform: Perform, ctx: EffectContext): Promise<EffectOutcome> {
  try {
    return await perform(ctx);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (err as { code?: unknown })?.code;
    return {
      kind: 'failed',
      error: { code: typeof code === 'string' ? code : new HandlerError('').code, message: e.message },
      retryable: (err as { retryable?: unknown })?.retryable !== false,
    };
  }
}

/** A malformed outcome or a non-JSON result is a failed attempt, never a half-written state. */
function checkOutcome(o: EffectOutcome): EffectOutcome {
  const fail = (message: string): EffectOutcome => ({ kind: 'failed', error: { code: 'INVALID_OUTCOME', message }, retryable: false });
  if (!o || typeof o !== 'object') return fail('the effect handler returned no outcome');
  if (o.kind === 'completed') {
    if (o.error !== undefined && (typeof o.error?.code !== 'string' || typeof o.error?.message !== 'string'))
      return fail("a completed outcome's error needs a code and a message");
    const bad = findNonJsonPath(o.result, 'result');
    if (bad)
      return { kind: 'failed', error: { code: 'NON_JSON_VALUE', message: `effect result: ${bad} is not plain JSON` }, retryable: false };
    // A model reply or tool result that SQLite would store changed (lone surrogate) is refused, not rounded.
    const unstorable = findUnstorable(o.result, 'result');
    return unstorable
      ? { kind: 'failed', error: { code: 'NON_JSON_VALUE', message: `effect result: ${unstorable.message}` }, retryable: false }
      : o;
  }
  if (o.kind === 'waiting') {
    if (!o.wait || typeof o.wait.reason !== 'string') return fail('a waiting outcome needs wait.reason');
    const bad = findNonJsonPath(o.wait, 'wait');
    if (bad) return fail(`wait: ${bad} is not plain JSON`);
    const unstorable = findUnstorable(o.wait, 'wait');
    return unstorable ? fail(`wait: ${unstorable.message}`) : o;
  }
  if (o.kind === 'failed') return o.error && typeof o.error.code === 'string' ? o : fail('a failed outcome needs error.code');
  return fail(`unknown outcome kind "${(o as { kind?: unknown }).kind}"`);
}

function contextFor(k: KernelContext, tx: RunTx, call: EffectCall, attempt: number, signal: AbortSignal): EffectContext {
  return {
    run: handlerView(tx.state, k.artifacts),
    nodeId: call.nodeId,
    stepId: call.stepId,
    attempt,
    idempotencyKey: call.key,
    signal,
    now: k.clock.now(),
  };
}

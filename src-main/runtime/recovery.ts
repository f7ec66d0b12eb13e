/**
 * A run whose intent record has no outcome was interrupted mid-effect (crash, kill).
 * Idempotent effects are run again under the same key; others wait for a person.
 */
import { EffectFailedError, NoEffectHandlerError, ValidationError } from '../../src-shared/errors';
import { findNonJsonPath, isJsonObject, type JsonValue } from '../../src-shared/json';
import type { ActorFingerprint, PendingEffect, WaitState } from '../../src-shared/types';
import type { WorkflowDefinition } from './contracts';
import { storedRequest } from './artifacts';
import { applyCompleted, recordedPartialError, runAttempts, type EffectCall } from './effectRunner';
import { failRun } from './failRun';
import { findHandler, NO_RETRY, NOOP_HANDLER, type KernelContext } from './kernelContext';
import type { RunTx } from './runTx';
import { completeWait } from './waitState';

export type RecoveryDecision = { action: 'retry' } | { action: 'skip'; result: JsonValue } | { action: 'fail'; message?: string };

export async function recoverPending(
  k: KernelContext,
  tx: RunTx,
  wf: WorkflowDefinition,
  signal: AbortSignal,
): Promise<'settled' | 'aborted'> {
  const pe = tx.state.pending_effect!;
  const nodeId = tx.state.current_node;
  const handler = findHandler(k, pe.effect.type);
  const done = k.store.findCompletedEffect(tx.state.run_id, pe.idempotency_key);
  if (done) {
    tx.append({ kind: 'recovery', status: 'completed', node_id: nodeId, result: { action: 'reuse', step_id: pe.step_id } });
    applyCompleted(
      k,
      tx,
      callFor(k, tx, pe, wf, handler ?? NOOP_HANDLER),
      done.result,
      done.attempt,
      undefined,
      undefined,
      recordedPartialError(done),
    );
    return 'settled';
  }
  if (!handler) {
    failRun(tx, new NoEffectHandlerError(`no handler for effect "${pe.effect.type}" to recover (node "${nodeId}")`, { nodeId }), nodeId);
    return 'settled';
  }
  const request = storedRequest(pe.effect, k.artifacts);
  if (handler.isIdempotent(request)) {
    tx.append({
      kind: 'recovery',
      status: 'completed',
      node_id: nodeId,
      result: { action: 'retry', reason: 'idempotent', step_id: pe.step_id },
    });
    return runAttempts(k, tx, callFor(k, tx, pe, wf, handler), pe.attempt + 1, (ctx) => handler.execute(request, ctx), signal);
  }
  const wait = recoveryWait(tx, pe);
  tx.append({
    kind: 'recovery',
    status: 'waiting',
    node_id: nodeId,
    result: { action: 'wait', wait_key: wait.wait_key, step_id: pe.step_id },
  });
  tx.update({ status: 'waiting', waiting: wait, pending_effect: null });
  return 'settled';
}

function recoveryWait(tx: RunTx, pe: PendingEffect): WaitState {
  const nodeId = tx.state.current_node;
  return completeWait(
    {
      reason: 'recovery',
      prompt: `The effect "${pe.effect.type}" of node "${nodeId}" was interrupted and is not safe to repeat automatically. Retry it, skip it with a result, or fail the run.`,
      choices: ['retry', 'skip', 'fail'],
      allow_free_text: false,
      details: {
        effect: pe.effect as unknown as JsonValue,
        step_id: pe.step_id,
        idempotency_key: pe.idempotency_key,
        node_id: nodeId,
        attempt: pe.attempt,
        visit: tx.state.visits[nodeId] ?? 1,
      },
    },
    {
      wait_key: `recovery:${tx.state.run_id}:${pe.step_id}:${pe.attempt}`,
      result_key: pe.effect.result_key,
      resume_to_node: pe.resume_to_node ?? null,
    },
  );
}

/** Validates a person's answer to a recovery wait before anything is written. */
export function parseRecoveryDecision(payload: JsonValue): RecoveryDecision {
  const p = isJsonObject(payload) ? payload : {};
  if (p.action === 'retry') return { action: 'retry' };
  if (p.action === 'fail') return { action: 'fail', ...(typeof p.message === 'string' ? { message: p.message } : {}) };
  if (p.action === 'skip') {
    if (!('result' in p)) throw new ValidationError('a recovery "skip" needs the effect\'s result in "result"');
    const bad = findNonJsonPath(p.result, 'result');
    if (bad) throw new ValidationError(`recovery result: ${bad} is not plain JSON`);
    return { action: 'skip', result: p.result as JsonValue };
  }
  throw new ValidationError('a recovery answer is {action: "retry"} | {action: "skip", result} | {action: "fail", message?}');
}

/** Applies a person's recovery decision (the `resumed` record is already appended). */
export async function applyRecoveryDecision(
  k: KernelContext,
  tx: RunTx,
  wf: WorkflowDefinition,
  wait: WaitState,
  decision: RecoveryDecision,
  resumer: ActorFingerprint,
  signal: AbortSignal,
): Promise<'settled' | 'aborted'> {
  const d = wait.details as unknown as {
    effect: PendingEffect['effect'];
    step_id: string;
    idempotency_key: string;
    node_id: string;
    attempt: number;
    visit: number;
  };
  const pe: PendingEffect = {
    step_id: d.step_id,
    seq: -1,
    attempt: d.attempt,
    idempotency_key: d.idempotency_key,
    effect: d.effect,
    resume_to_node: wait.resume_to_node,
  };
  tx.update({ status: 'running', waiting: null, current_node: d.node_id });
  if (decision.action === 'fail') {
    failRun(
      tx,
      new EffectFailedError(decision.message ?? `the interrupted "${d.effect.type}" effect was marked failed`),
      d.node_id,
      d.attempt,
    );
    return 'settled';
  }
  const handler = findHandler(k, d.effect.type);
  if (decision.action === 'skip') {
    applyCompleted(k, tx, callFor(k, tx, pe, wf, handler ?? NOOP_HANDLER), decision.result, d.attempt, undefined, resumer);
    return 'settled';
  }
  if (!handler) {
    failRun(tx, new NoEffectHandlerError(`no handler for effect "${d.effect.type}"`, { nodeId: d.node_id }), d.node_id);
    return 'settled';
  }
  const request = storedRequest(d.effect, k.artifacts);
  return runAttempts(k, tx, callFor(k, tx, pe, wf, handler), d.attempt + 1, (ctx) => handler.execute(request, ctx), signal);
}

function callFor(k: KernelContext, tx: RunTx, pe: PendingEffect, wf: WorkflowDefinition, handler: EffectCall['handler']): EffectCall {
  const nodeId = tx.state.current_node;
  return {
    nodeId,
    visit: tx.state.visits[nodeId] ?? 1,
    stepId: pe.step_id,
    key: pe.idempotency_key,
    request: storedRequest(pe.effect, k.artifacts),
    record: pe.effect,
    next: pe.resume_to_node ?? null,
    handler,
    retry: wf.nodes[nodeId]?.retry ?? NO_RETRY,
  };
}

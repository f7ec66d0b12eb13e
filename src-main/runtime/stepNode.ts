/** One node visit: call its handler, check the plan, apply it (transition, effect, end). */
import { HandlerError, InvalidPlanError, NoEffectHandlerError, type RuntimeError } from '../../src-shared/errors';
import type { WorkflowDefinition } from './contracts';
import { checkPlan, type CheckedPlan } from './checkPlan';
import { externalize, externalizeVars, handlerView } from './artifacts';
import type { JsonObject } from '../../src-shared/json';
import { applyCompleted, recordedPartialError, runAttempts, type EffectCall } from './effectRunner';
import { asRuntimeError, failRun } from './failRun';
import { withHandlerTimeout } from './handlerTimeout';
import { idempotencyKey } from './idempotency';
import { backoffDelay, findHandler, NO_RETRY, NOOP_HANDLER, type KernelContext } from './kernelContext';
import type { RunTx } from './runTx';

export async function stepNode(k: KernelContext, tx: RunTx, wf: WorkflowDefinition, signal: AbortSignal): Promise<'settled' | 'aborted'> {
  const nodeId = tx.state.current_node;
  const node = wf.nodes[nodeId];
  if (!node) {
    failRun(tx, new InvalidPlanError(`node "${nodeId}" is not in workflow ${wf.id}@${wf.version}`, { nodeId }), nodeId);
    return 'settled';
  }
  const visit = (tx.state.visits[nodeId] ?? 0) + 1;
  tx.update({ visits: { ...tx.state.visits, [nodeId]: visit }, step_count: tx.state.step_count + 1 });
  const retry = node.retry ?? NO_RETRY;
  let plan: CheckedPlan | null = null;
  for (let tries = 1; plan === null; tries++) {
    try {
      const view = handlerView(tx.state, k.artifacts);
      const raw = await withHandlerTimeout(
        (limit) =>
          node.handler(view, {
            nodeId,
            visit,
            now: k.clock.now(),
            get signal() {
              return limit.signal;
            },
          }),
        k.handlerTimeoutMs,
        nodeId,
        signal,
      );
      if (raw === 'aborted') return 'aborted';
      plan = checkPlan(raw, nodeId, node);
    } catch (err) {
      const e = asRuntimeError(err, HandlerError, `node "${nodeId}" handler threw: `);
      // A bad plan is a bug in the workflow: retrying cannot fix it.
      if (e.code !== 'HANDLER_ERROR' || tries >= retry.maxAttempts) {
        failRun(tx, e, nodeId, tries);
        return 'settled';
      }
      tx.append({ kind: 'transition', status: 'failed', node_id: nodeId, attempt: tries, error: { code: e.code, message: e.message } });
      tx.flush();
      await k.clock.sleep(backoffDelay(retry, tries), signal);
      if (signal.aborted) return 'aborted';
    }
  }
  return applyPlan(k, tx, plan, nodeId, visit, signal, wf);
}

async function applyPlan(
  k: KernelContext,
  tx: RunTx,
  plan: CheckedPlan,
  nodeId: string,
  visit: number,
  signal: AbortSignal,
  wf: WorkflowDefinition,
): Promise<'settled' | 'aborted'> {
  switch (plan.kind) {
    case 'transition': {
      // Large values set here are stored as artifacts; the record and vars hold their references.
      const set = plan.set ? externalizeVars(plan.set, k.artifacts, k.artifactThreshold) : plan.set;
      tx.append({ kind: 'transition', status: 'completed', node_id: nodeId, result: { next: plan.next, set } });
      tx.update({ current_node: plan.next, vars: set ? { ...tx.state.vars, ...set } : tx.state.vars });
      return 'settled';
    }
    case 'complete':
      tx.append({ kind: 'completed', status: 'completed', node_id: nodeId, result: plan.output });
      tx.update({ status: 'completed', output: plan.output });
      return 'settled';
    case 'fail': {
      const error = { code: plan.code, message: plan.message };
      tx.append({ kind: 'failed', status: 'failed', node_id: nodeId, error });
      tx.update({ status: 'failed', error: { ...error, node_id: nodeId } });
      return 'settled';
    }
    case 'effect':
      return runEffectPlan(k, tx, plan, nodeId, visit, signal, wf);
  }
}

async function runEffectPlan(
  k: KernelContext,
  tx: RunTx,
  plan: Extract<CheckedPlan, { kind: 'effect' }>,
  nodeId: string,
  visit: number,
  signal: AbortSignal,
  wf: WorkflowDefinition,
): Promise<'settled' | 'aborted'> {
  const { effect } = plan;
  const handler = findHandler(k, effect.type);
  const keyPayload = handler?.keyPayload?.(effect) ?? effect.payload;
  const key = idempotencyKey(tx.state.run_id, nodeId, effect.type, keyPayload, visit);
  const call: Omit<EffectCall, 'handler' | 'stepId'> = {
    nodeId,
    visit,
    key,
    request: effect,
    // The record keeps large arguments as artifacts; the handler gets the request itself.
    record: { type: effect.type, payload: externalizePayload(effect.payload, k), result_key: plan.resultKey },
    next: plan.next,
    retry: wf.nodes[nodeId]?.retry ?? NO_RETRY,
  };
  const done = k.store.findCompletedEffect(tx.state.run_id, key, tx.committedHeadSeq);
  if (done) {
    // Replay: the recorded result is reused, never re-executed. The reuse record keeps the
    // original step_id, attempt and key (a step_id seen twice in a chain marks a reuse).
    const reused = handler?.adaptReusedResult?.(done.result, effect) ?? done.result;
    applyCompleted(
      k,
      tx,
      { ...call, handler: handler ?? NOOP_HANDLER, stepId: done.step_id },
      reused,
      done.attempt,
      undefined,
      undefined,
      recordedPartialError(done),
    );
    return 'settled';
  }
  if (!handler) {
    const err: RuntimeError = new NoEffectHandlerError(`no handler for effect "${effect.type}" (node "${nodeId}")`, {
      nodeId,
      effectType: effect.type,
    });
    failRun(tx, err, nodeId);
    return 'settled';
  }
  const full: EffectCall = { ...call, handler, stepId: k.ids.stepId() };
  return runAttempts(k, tx, full, 1, (ctx) => handler.execute(effect, ctx), signal);
}

function externalizePayload(payload: JsonObject, k: KernelContext): JsonObject {
  return externalize(payload, k.artifacts, k.artifactThreshold) as JsonObject;
}

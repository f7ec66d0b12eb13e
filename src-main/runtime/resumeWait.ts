/** Resuming a waiting run: the payload lands whole at the wait's result key (Python semantics). */
import type { JsonValue } from '../../src-shared/json';
import type { ActorFingerprint, EffectRecord } from '../../src-shared/types';
import type { WorkflowDefinition } from './contracts';
import { externalize, resolveArtifacts, storedRequest } from './artifacts';
import { continueAfter, runAttempts, type EffectCall } from './effectRunner';
import { findHandler, NO_RETRY, type KernelContext } from './kernelContext';
import { applyRecoveryDecision, parseRecoveryDecision } from './recovery';
import type { RunTx } from './runTx';

interface WaitEffectDetails extends EffectRecord {
  step_id: string;
  idempotency_key: string;
  attempt: number;
  node_id: string;
  visit: number;
}

export async function resumeWait(
  k: KernelContext,
  tx: RunTx,
  wf: WorkflowDefinition,
  rawPayload: JsonValue,
  resumer: ActorFingerprint,
  signal: AbortSignal,
): Promise<'settled' | 'aborted'> {
  const wait = tx.state.waiting!;
  const decision = wait.reason === 'recovery' ? parseRecoveryDecision(rawPayload) : null;
  const payload = externalize(rawPayload, k.artifacts, k.artifactThreshold);
  tx.append({
    kind: 'resumed',
    status: 'completed',
    result: payload,
    idempotency_key: wait.wait_key,
    actor: resumer,
  });
  if (decision) return applyRecoveryDecision(k, tx, wf, wait, decision, resumer, signal);
  const details = wait.details?.effect as WaitEffectDetails | undefined;
  const handler = details ? findHandler(k, details.type) : undefined;
  if (details && handler?.resume) {
    const request = storedRequest(details, k.artifacts);
    const call: EffectCall = {
      nodeId: details.node_id,
      visit: details.visit,
      stepId: details.step_id,
      key: details.idempotency_key,
      request,
      record: { type: details.type, payload: details.payload, result_key: details.result_key },
      next: wait.resume_to_node,
      handler,
      retry: wf.nodes[details.node_id]?.retry ?? NO_RETRY,
    };
    tx.update({ status: 'running', waiting: null });
    const resumeFn = handler.resume.bind(handler);
    // The handler sees the wait's values (settled results, pending arguments), not references.
    const waitView = resolveArtifacts(wait, k.artifacts);
    return runAttempts(
      k,
      tx,
      call,
      details.attempt + 1,
      (ctx) => resumeFn(request, waitView, rawPayload, { ...ctx, resumedBy: resumer }),
      signal,
    );
  }
  continueAfter(tx, wait.result_key, wait.resume_to_node, payload, tx.state.current_node);
  return 'settled';
}

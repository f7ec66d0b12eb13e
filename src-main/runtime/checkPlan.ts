import { InvalidPlanError, NonJsonValueError, UndeclaredEdgeError } from '../../src-shared/errors';
import { findNonJsonPath, isJsonObject, type JsonObject, type JsonValue } from '../../src-shared/json';
import type { EffectRequest, NodeDefinition } from './contracts';

export type CheckedPlan =
  | { kind: 'transition'; next: string; set: JsonObject | null }
  | { kind: 'effect'; effect: EffectRequest; resultKey: string | null; next: string | null }
  | { kind: 'complete'; output: JsonValue }
  | { kind: 'fail'; code: string; message: string };

/** Turns whatever a node handler returned into a plan the kernel can apply, or a typed error naming the node. */
export function checkPlan(plan: unknown, nodeId: string, node: NodeDefinition): CheckedPlan {
  const at = `node "${nodeId}"`;
  if (!isJsonObjectLike(plan)) throw new InvalidPlanError(`${at} returned ${describe(plan)} instead of a plan`, { nodeId });
  if ('effect' in plan) return checkEffect(plan, at, nodeId, node);
  if ('complete' in plan) {
    requireJson(plan.complete, `${at} complete`, nodeId);
    return { kind: 'complete', output: plan.complete as JsonValue };
  }
  if ('fail' in plan) {
    const f = plan.fail as { code?: unknown; message?: unknown } | null;
    if (!f || typeof f.code !== 'string' || typeof f.message !== 'string')
      throw new InvalidPlanError(`${at}: fail needs {code, message} strings`, { nodeId });
    return { kind: 'fail', code: f.code, message: f.message };
  }
  if ('next' in plan) {
    const next = checkNext(plan.next, at, nodeId, node);
    if (next === null) throw new InvalidPlanError(`${at}: a transition needs a next node`, { nodeId });
    const set = plan.set ?? null;
    if (set !== null && !isJsonObject(set)) throw new InvalidPlanError(`${at}: set must be an object`, { nodeId });
    if (set) requireJson(set, `${at} set`, nodeId);
    return { kind: 'transition', next, set: set as JsonObject | null };
  }
  throw new InvalidPlanError(`${at} returned a plan with none of effect, next, complete, fail`, { nodeId });
}

function checkEffect(plan: Record<string, unknown>, at: string, nodeId: string, node: NodeDefinition): CheckedPlan {
  const e = plan.effect as { type?: unknown; payload?: unknown } | null;
  if (!e || typeof e.type !== 'string' || !e.type) throw new InvalidPlanError(`${at}: effect needs a type`, { nodeId });
  const payload = e.payload ?? {};
  if (!isJsonObject(payload)) throw new InvalidPlanError(`${at}: effect payload must be an object`, { nodeId });
  requireJson(payload, `${at} effect payload`, nodeId);
  const resultKey = plan.resultKey ?? null;
  if (resultKey !== null && (typeof resultKey !== 'string' || !resultKey))
    throw new InvalidPlanError(`${at}: resultKey must be a non-empty string`, { nodeId });
  const next = checkNext(plan.next, at, nodeId, node);
  return { kind: 'effect', effect: { type: e.type, payload: payload as JsonObject }, resultKey: resultKey as string | null, next };
}

function checkNext(next: unknown, at: string, nodeId: string, node: NodeDefinition): string | null {
  if (next === undefined || next === null) return null;
  if (typeof next !== 'string') throw new InvalidPlanError(`${at}: next must be a node id`, { nodeId });
  if (!(node.next ?? []).includes(next))
    throw new UndeclaredEdgeError(
      `${at} tried to go to "${next}", which is not one of its declared edges [${(node.next ?? []).join(', ')}]`,
      {
        nodeId,
        target: next,
      },
    );
  return next;
}

function requireJson(value: unknown, what: string, nodeId: string): void {
  const bad = findNonJsonPath(value);
  if (bad) throw new NonJsonValueError(`${what}: ${bad} is not plain JSON`, { nodeId, path: bad });
}

function isJsonObjectLike(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

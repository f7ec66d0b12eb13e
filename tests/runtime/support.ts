/** Test wiring for kernel tests: a MemoryStore, a FakeClock, predictable ids. */
import type { JsonValue } from '../../src-shared/json';
import type { LedgerRecord } from '../../src-shared/types';
import {
  createWorkflowRegistry,
  defineWorkflow,
  FakeClock,
  Runtime,
  sequentialIds,
  type EffectContext,
  type EffectHandler,
  type EffectOutcome,
  type EffectRequest,
  type RuntimeOptions,
  type WorkflowDefinition,
  type WorkflowInput,
} from '../../src-main/runtime';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';

export function setup(workflows: (WorkflowDefinition | WorkflowInput)[], opts: Partial<RuntimeOptions> = {}) {
  const store = (opts.store as MemoryStore | undefined) ?? new MemoryStore();
  const clock = (opts.clock as FakeClock | undefined) ?? new FakeClock();
  const defs = workflows.map((w) => ('validated' in w ? (w as WorkflowDefinition) : defineWorkflow(w as WorkflowInput)));
  const runtime = new Runtime({
    ids: sequentialIds(),
    leaseOwner: 'test-owner',
    ...opts,
    store,
    clock,
    workflows: createWorkflowRegistry(defs),
  });
  return { runtime, store, clock };
}

export function ledger(store: MemoryStore, runId: string): LedgerRecord[] {
  return [...store.iterateLedger(runId)];
}

export function kinds(records: LedgerRecord[]): string[] {
  return records.map((r) => (r.kind === 'effect' ? `effect/${r.status}` : r.kind));
}

/** An effect handler driven by a script of outcomes (or functions), recording its calls. */
export function scriptedHandler(
  script: (EffectOutcome | ((req: EffectRequest, ctx: EffectContext) => Promise<EffectOutcome> | EffectOutcome))[],
  opts: { idempotent?: boolean; sideEffects?: boolean; resume?: EffectHandler['resume'] } = {},
): EffectHandler & { calls: { req: EffectRequest; ctx: EffectContext }[] } {
  const calls: { req: EffectRequest; ctx: EffectContext }[] = [];
  return {
    calls,
    async execute(req, ctx) {
      calls.push({ req, ctx });
      const step = script[Math.min(calls.length - 1, script.length - 1)];
      if (!step) throw new Error('script exhausted');
      return typeof step === 'function' ? step(req, ctx) : step;
    },
    isIdempotent: () => opts.idempotent ?? false,
    hasSideEffects: () => opts.sideEffects ?? true,
    ...(opts.resume ? { resume: opts.resume } : {}),
  };
}

export const completed = (result: JsonValue): EffectOutcome => ({ kind: 'completed', result });

/** A one-effect workflow: `call` performs `type`, stores at `out`, then `done` completes with vars.out. */
export function effectWorkflow(type: string, payload: Record<string, JsonValue> = {}, extra: Partial<WorkflowInput> = {}): WorkflowInput {
  return {
    id: 'fx',
    version: '1',
    entry: 'call',
    nodes: {
      call: { next: ['done'], handler: () => ({ effect: { type, payload }, resultKey: 'out', next: 'done' }) },
      done: { handler: (run) => ({ complete: run.vars.out ?? null }) },
    },
    ...extra,
  };
}

import type { ActorFingerprint } from '../../src-shared/types';
import type {
  ArtifactStore,
  Clock,
  EffectHandler,
  EffectHandlers,
  IdGenerator,
  RetryPolicy,
  RuntimeStore,
  WorkflowRegistry,
} from './contracts';
import type { RecordSigner } from './recordHash';
import { BUILTIN_EFFECTS } from './builtinEffects';

/** What the kernel's step functions need from the Runtime that drives them. */
export interface KernelContext {
  store: RuntimeStore;
  workflows: WorkflowRegistry;
  effects: EffectHandlers;
  clock: Clock;
  ids: IdGenerator;
  actor: ActorFingerprint;
  signer?: RecordSigner;
  artifacts?: ArtifactStore;
  artifactThreshold: number;
  /** Milliseconds a node handler may take to return its plan (see handlerTimeout.ts). */
  handlerTimeoutMs: number;
}

export function findHandler(k: KernelContext, type: string): EffectHandler | undefined {
  return Object.hasOwn(k.effects, type) ? k.effects[type] : BUILTIN_EFFECTS[type];
}

/** Delay before the attempt after `failedTries` failures: backoffMs * factor^(n-1). */
export function backoffDelay(policy: RetryPolicy, failedTries: number): number {
  const base = policy.backoffMs ?? 0;
  return base * Math.pow(policy.factor ?? 2, Math.max(0, failedTries - 1));
}

export const NO_RETRY: RetryPolicy = { maxAttempts: 1 };

/** Stands in where a recorded result is reused and no handler runs. */
export const NOOP_HANDLER: EffectHandler = {
  execute: async () => ({ kind: 'completed', result: null }),
  isIdempotent: () => true,
};

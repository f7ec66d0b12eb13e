/**
 * What an effect handler implements (src-main/effects): it runs the effect a node asked
 * for, or makes the run wait, and tells the kernel whether running it again is harmless.
 */
import type { JsonObject, JsonValue } from '../../src-shared/json';
import type { ActorFingerprint, RunState, WaitState } from '../../src-shared/types';
import type { EffectRequest } from './workflowContract';

export interface EffectContext {
  readonly run: Readonly<RunState>;
  readonly nodeId: string;
  readonly stepId: string;
  readonly attempt: number;
  /** Stable across retries and crash recovery: providers and tools may deduplicate on it. */
  readonly idempotencyKey: string;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  readonly now: Date;
  /** Who resumed the wait this attempt continues (set for `resume` calls): recorded with a person's decisions. */
  readonly resumedBy?: ActorFingerprint;
}

export type EffectOutcome =
  /** `error`: the effect ran but some of its parts failed (kept beside the result; see NodeDefinition.onEffectError). */
  | { kind: 'completed'; result: JsonValue; actor?: ActorFingerprint; error?: { code: string; message: string } }
  /** The run waits; the kernel fills in wait_key, result_key and resume_to_node. */
  | { kind: 'waiting'; wait: Partial<WaitState> & Pick<WaitState, 'reason'> }
  | { kind: 'failed'; error: { code: string; message: string }; retryable?: boolean };

export interface EffectHandler {
  execute(effect: EffectRequest, ctx: EffectContext): Promise<EffectOutcome>;
  /**
   * Whether running this effect again after a crash is harmless. A non-idempotent effect
   * interrupted mid-flight puts the run in `waiting` (reason `recovery`) for a person.
   */
  isIdempotent(effect: EffectRequest): boolean;
  /**
   * Whether the effect touches the outside world. Effects that do are preceded by a
   * committed intent record; those that do not (pure waits) share one transaction.
   */
  hasSideEffects?(effect: EffectRequest): boolean;
  /**
   * Called when a wait this handler produced is resumed (tool approvals, passthrough
   * results, a child run's outcome): turns the resume payload into the effect's outcome.
   * Without it, the payload itself is the effect's result.
   */
  resume?(effect: EffectRequest, wait: WaitState, payload: JsonValue, ctx: EffectContext): Promise<EffectOutcome>;
  /**
   * The part of the payload that identifies the effect for its idempotency key. Tool calls
   * drop provider call ids here: a re-asked LLM invents new ids for the same calls, and the
   * completed result must still be found and reused.
   */
  keyPayload?(effect: EffectRequest): JsonObject;
  /** Fits a reused (recorded) result to the request that found it, e.g. new call ids. */
  adaptReusedResult?(result: JsonValue, effect: EffectRequest): JsonValue;
}

export type EffectHandlers = Record<string, EffectHandler>;

/** Hand-made effect contexts and settings for calling handlers directly. */
import type { RunState } from '../../src-shared/types';
import type { EffectContext } from '../../src-main/runtime/contracts';
import type { LlmSettings } from '../../src-main/effects/llm/index';
import { newRunState } from '../../src-main/runtime/index';

export function fakeRun(over: Partial<RunState> = {}): RunState {
  const base = newRunState({
    runId: 'run-1',
    workflowId: 'wf',
    workflowVersion: '1',
    entry: 'n',
    vars: {},
    now: '2026-01-01T00:00:00.000Z',
    actorId: null,
  });
  return { ...base, ...over };
}

export function effectCtx(over: Partial<EffectContext> & { run?: RunState } = {}): EffectContext {
  return {
    run: fakeRun(),
    nodeId: 'n',
    stepId: 'step-1',
    attempt: 1,
    idempotencyKey: 'idem-key-1',
    signal: new AbortController().signal,
    now: new Date('2026-03-04T05:06:07.000Z'),
    ...over,
  };
}

export function llmSettings(over: Partial<LlmSettings> = {}): LlmSettings {
  return { mode: 'local', baseUrl: 'http://127.0.0.1:9/v1', model: 'test-model', apiKey: null, timeoutMs: 10_000, maxRetries: 0, ...over };
}

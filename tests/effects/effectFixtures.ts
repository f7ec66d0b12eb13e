/** Hand-made effect contexts and settings for calling handlers directly. */
import type { RunState } from '../../src-shared/types';
import type { EffectContext } from '../../src-main/runtime/contracts';
import type { LlmSettings } from '../../src-main/effects/llm/index';

export function fakeRun(over: Partial<RunState> = {}): RunState {
  return {
    run_id: 'run-1',
    workflow_id: 'wf',
    workflow_version: '1',
    parent_run_id: null,
    status: 'running',
    current_node: 'n',
    vars: {},
    output: null,
    error: null,
    waiting: null,
    paused: false,
    step_count: 0,
    visits: {},
    pending_effect: null,
    ledger_head: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    actor_id: null,
    origin: null,
    ...over,
  };
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

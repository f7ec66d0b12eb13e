// A re-asked LLM invents new call ids for the same calls: the kernel must still find and
// reuse the completed tool result, so the tool_calls handler keys on the calls alone.
import { describe, expect, it } from 'vitest';
import { idempotencyKey } from '../../src-main/runtime/index';
import { createToolCallsEffectHandler, ToolRegistry } from '../../src-main/effects/tools/index';

const registry = new ToolRegistry();
registry.register({
  name: 'add',
  description: 'adds',
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  trust: 'trusted',
  idempotent: false,
  execute: (args) => ({ sum: (args.a as number) + (args.b as number) }),
});
const handler = createToolCallsEffectHandler(registry);
const effect = (callId: string) => ({
  type: 'tool_calls',
  payload: { tool_calls: [{ name: 'add', arguments: { a: 2, b: 3 }, call_id: callId }] },
});
const keyOf = (callId: string) => idempotencyKey('run-1', 'act', 'tool_calls', handler.keyPayload!(effect(callId)), 1);

describe('tool_calls idempotency keys', () => {
  it('ignore provider call ids but not the calls themselves', () => {
    expect(keyOf('call_A')).toBe(keyOf('call_B'));
    const other = { type: 'tool_calls', payload: { tool_calls: [{ name: 'add', arguments: { a: 2, b: 4 }, call_id: 'call_A' }] } };
    expect(idempotencyKey('run-1', 'act', 'tool_calls', handler.keyPayload!(other), 1)).not.toBe(keyOf('call_A'));
  });

  it('give a reused result the call ids of the request that found it', () => {
    const recorded = { mode: 'executed', results: [{ call_id: 'call_A', name: 'add', success: true, output: { sum: 5 }, error: null }] };
    const adapted = handler.adaptReusedResult!(recorded, effect('call_B')) as typeof recorded;
    expect(adapted.results[0]!.call_id).toBe('call_B');
    expect(adapted.results[0]!.output).toEqual({ sum: 5 });
  });
});

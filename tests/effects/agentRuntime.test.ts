/**
 * The LLM → tools → LLM loop end to end: examples.agent on the real kernel (Runtime +
 * MemoryStore), the real llm_call / tool_calls handlers, and a scripted OpenAI-compatible
 * server on 127.0.0.1, in local, remote and hybrid modes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LlmMode, RunState } from '../../src-shared/types';
import { createLlmEffectHandler, type LlmSettings } from '../../src-main/effects/llm/index';
import { createToolCallsEffectHandler, registerBuiltinTools, ToolRegistry } from '../../src-main/effects/tools/index';
import { createWorkflowRegistry, FakeClock, Runtime, sequentialIds } from '../../src-main/runtime/index';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { AGENT_TOOL_SPECS, agentWorkflow, registerAgentTools } from '../../src-main/workflows/agent';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedReply } from '../support/scriptedOpenAiServer';

const KEY = 'sk-never-in-the-ledger-123';
let server: ScriptedOpenAiServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function setup(mode: LlmMode, script: ScriptedReply[], opts: { registry?: ToolRegistry } = {}) {
  server = await startScriptedOpenAiServer(script);
  const settings: LlmSettings = {
    mode,
    baseUrl: server.baseUrlV1,
    model: mode === 'local' ? 'qwen3:4b' : 'ollama/qwen3:4b',
    apiKey: KEY,
    timeoutMs: 10_000,
    maxRetries: 0,
  };
  const registry = opts.registry ?? new ToolRegistry();
  if (!opts.registry) registerBuiltinTools(registry);
  registerAgentTools(registry);
  const store = new MemoryStore();
  const runtime = new Runtime({
    store,
    clock: new FakeClock(),
    ids: sequentialIds(),
    leaseOwner: 'test',
    workflows: createWorkflowRegistry([agentWorkflow]),
    effects: { llm_call: createLlmEffectHandler(() => settings), tool_calls: createToolCallsEffectHandler(registry, { mode }) },
  });
  return { server, runtime, store };
}

function everythingStored(store: MemoryStore, state: RunState): string {
  return JSON.stringify([...store.iterateLedger(state.run_id)]) + JSON.stringify(state);
}

const addCall: ScriptedReply = { toolCalls: [{ name: 'add', arguments: { a: 17, b: 25 }, id: 'call_1' }] };

describe('examples.agent end to end', () => {
  it('local: the LLM calls a tool, the tool runs, the LLM answers; no API key is stored', async () => {
    const { server, runtime, store } = await setup('local', [addCall, { content: 'The answer is 42.' }]);
    const run = await runtime.start('examples.agent', {});
    const done = await runtime.tick(run.run_id);
    expect(done.status).toBe('completed');
    expect(done.output).toEqual({ answer: 'The answer is 42.', turns: 2, stopped_reason: 'answered' });
    expect(done.vars.tools).toEqual({
      mode: 'executed',
      results: [{ call_id: 'call_1', name: 'add', arguments: { a: 17, b: 25 }, success: true, output: { sum: 42 }, error: null }],
    });

    const [first, second] = server.requests;
    expect(first!.body.tools.map((t: any) => t.function.name)).toEqual(AGENT_TOOL_SPECS.map((t) => t.name));
    expect(second!.body.messages.slice(-2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'add', arguments: '{"a":17,"b":25}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"sum":42}' },
    ]);
    expect(first!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(everythingStored(store, done)).not.toContain(KEY);

    const effects = [...store.iterateLedger(run.run_id)].filter((r) => r.kind === 'effect' && r.status === 'completed');
    expect(effects.map((r) => r.effect!.type)).toEqual(['llm_call', 'tool_calls', 'llm_call']);
    expect(effects[0]!.result).toMatchObject({
      finish_reason: 'tool_calls',
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      model: 'qwen3:4b',
    });
    expect(effects[0]!.actor?.kind).toBe('llm');
  });

  it('remote: the server returns tool calls unexecuted; the run waits for their results from outside', async () => {
    const { server, runtime, store } = await setup('remote', [addCall, { content: '42' }]);
    const run = await runtime.start('examples.agent', { task: 'add them' });
    const waiting = await runtime.tick(run.run_id);
    expect(waiting.status).toBe('waiting');
    expect(waiting.waiting).toMatchObject({
      reason: 'tool_calls',
      tool_calls: [{ name: 'add', arguments: { a: 17, b: 25 }, call_id: 'call_1' }],
    });
    await runtime.resume(run.run_id, {
      waitKey: waiting.waiting!.wait_key,
      payload: { results: [{ call_id: 'call_1', output: { sum: 42 } }] },
    });
    const done = await runtime.tick(run.run_id);
    expect(done.output).toMatchObject({ answer: '42', turns: 2 });

    const req = server.requests[0]!;
    expect(req.body.model).toBe('ollama/qwen3:4b');
    expect(req.headers['x-abstractcore-run-id']).toBe(run.run_id);
    expect(req.headers['x-abstractcore-provider-api-key']).toBe(KEY);
    expect(req.headers.authorization).toBeUndefined();
    expect(everythingStored(store, done)).not.toContain(KEY);
  });

  it('hybrid: remote LLM, trusted tools run locally', async () => {
    const { server, runtime, store } = await setup('hybrid', [addCall, { content: '42' }]);
    const run = await runtime.start('examples.agent', {});
    const done = await runtime.tick(run.run_id);
    expect(done.status).toBe('completed');
    expect((done.vars.tools as any).results[0].output).toEqual({ sum: 42 });
    expect(server.requests[0]!.headers['x-abstractcore-provider-api-key']).toBe(KEY);
    expect(everythingStored(store, done)).not.toContain(KEY);
  });

  it('approval through runtime.resume: the person edits the arguments, the edit is in the ledger', async () => {
    const registry = new ToolRegistry();
    registerBuiltinTools(registry);
    const sent: string[] = [];
    registry.register({
      name: 'send_email',
      description: 'Sends an email.',
      parameters: { type: 'object', properties: { to: { type: 'string' } }, required: ['to'], additionalProperties: false },
      trust: 'approval',
      idempotent: false,
      execute: (args) => {
        sent.push(String(args.to));
        return { sent: true };
      },
    });
    const { runtime, store } = await setup(
      'local',
      [{ toolCalls: [{ name: 'send_email', arguments: { to: 'bob@x' }, id: 'e1' }] }, { content: 'sent' }],
      { registry },
    );
    const run = await runtime.start('examples.agent', { task: 'email bob', tools: registry.specs(['send_email']) });
    const waiting = await runtime.tick(run.run_id);
    expect(waiting.waiting).toMatchObject({
      reason: 'tool_calls',
      tool_calls: [{ call_id: 'e1', name: 'send_email' }],
      details: { pending_modes: ['approval'] },
    });
    expect(sent).toEqual([]);

    await runtime.resume(run.run_id, {
      waitKey: waiting.waiting!.wait_key,
      payload: { decisions: [{ call_id: 'e1', approved: true, arguments: { to: 'alice@x' } }] },
    });
    const done = await runtime.tick(run.run_id);
    expect(done.output).toMatchObject({ answer: 'sent' });
    expect(sent).toEqual(['alice@x']);
    const toolRecord = [...store.iterateLedger(run.run_id)].find(
      (r) => r.kind === 'effect' && r.status === 'completed' && r.effect!.type === 'tool_calls',
    );
    expect(toolRecord!.result).toMatchObject({
      results: [{ success: true, approval: { approved: true, edited_arguments: { to: 'alice@x' } } }],
    });
  });

  it('approval denied: the denial is the tool result the LLM sees', async () => {
    const registry = new ToolRegistry();
    registry.register({
      name: 'wipe',
      description: 'Wipes.',
      parameters: { type: 'object' },
      trust: 'approval',
      idempotent: false,
      execute: () => ({ wiped: true }),
    });
    const { server, runtime } = await setup(
      'local',
      [{ toolCalls: [{ name: 'wipe', arguments: {}, id: 'w1' }] }, { content: 'ok, not wiping' }],
      { registry },
    );
    const run = await runtime.start('examples.agent', { tools: registry.specs(['wipe']) });
    const waiting = await runtime.tick(run.run_id);
    await runtime.resume(run.run_id, { waitKey: waiting.waiting!.wait_key, payload: { approved: false, reason: 'too risky' } });
    const done = await runtime.tick(run.run_id);
    expect(done.status).toBe('completed');
    expect(server.requests[1]!.body.messages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'w1',
      content: 'error: denied by user: too risky',
    });
  });

  it('an approval wait survives a restart: a new Runtime with fresh handlers resumes it from the store alone', async () => {
    const registry = new ToolRegistry();
    const sent: string[] = [];
    const sendEmail = {
      name: 'send_email',
      description: 'Sends an email.',
      parameters: { type: 'object', properties: { to: { type: 'string' } }, required: ['to'] },
      trust: 'approval' as const,
      idempotent: false,
      execute: (args: { to?: unknown }) => {
        sent.push(String(args.to));
        return { sent: true };
      },
    };
    registry.register(sendEmail);
    const { server, runtime, store } = await setup(
      'local',
      [
        {
          toolCalls: [
            { name: 'add', arguments: { a: 1, b: 2 }, id: 't1' },
            { name: 'send_email', arguments: { to: 'bob@x' }, id: 'e1' },
          ],
        },
        { content: 'done' },
      ],
      { registry },
    );
    const run = await runtime.start('examples.agent', { tools: registry.specs(['add', 'send_email']) });
    const waiting = await runtime.tick(run.run_id);
    expect(waiting.waiting!.details).toMatchObject({ results: [{ call_id: 't1', output: { sum: 3 } }, null] });

    // "Restart": nothing survives but the store.
    const registry2 = new ToolRegistry();
    registerBuiltinTools(registry2);
    registry2.register(sendEmail);
    const settings: LlmSettings = { mode: 'local', baseUrl: server.baseUrlV1, model: 'm', apiKey: null, timeoutMs: 10_000, maxRetries: 0 };
    const runtime2 = new Runtime({
      store,
      clock: new FakeClock(),
      ids: sequentialIds('r2-'),
      leaseOwner: 'test-2',
      workflows: createWorkflowRegistry([agentWorkflow]),
      effects: { llm_call: createLlmEffectHandler(() => settings), tool_calls: createToolCallsEffectHandler(registry2) },
    });
    await runtime2.resume(run.run_id, { waitKey: waiting.waiting!.wait_key, payload: { approved: true } });
    const done = await runtime2.tick(run.run_id);
    expect(done.status).toBe('completed');
    expect(sent).toEqual(['bob@x']);
    expect((done.vars.tools as any).results.map((r: any) => [r.call_id, r.success])).toEqual([
      ['t1', true],
      ['e1', true],
    ]);
  });

  it('stops after maxTurns LLM calls when the model keeps calling tools', async () => {
    const { server, runtime } = await setup('local', [addCall, addCall, addCall, addCall]);
    const run = await runtime.start('examples.agent', { maxTurns: 3 });
    const done = await runtime.tick(run.run_id);
    expect(done.output).toMatchObject({ turns: 3, stopped_reason: 'max_turns' });
    expect(server.requests).toHaveLength(3);
  });

  it('a provider error fails the run with the status and message recorded (no retry policy on the node)', async () => {
    const { runtime, store } = await setup('local', [{ status: 503, body: { error: { message: 'no GPU left' } } }]);
    const run = await runtime.start('examples.agent', {});
    const failed = await runtime.tick(run.run_id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/HTTP 503: no GPU left/);
    const rec = [...store.iterateLedger(run.run_id)].find((r) => r.kind === 'effect' && r.status === 'failed');
    expect(rec!.error).toMatchObject({ code: 'LLM_CALL_FAILED', status: 503 });
  });

  it('cancelling the run aborts the LLM call in flight', async () => {
    const { server, runtime } = await setup('local', [{ content: 'too late', delayMs: 30_000 }]);
    const run = await runtime.start('examples.agent', {});
    const ticking = runtime.tick(run.run_id);
    await server.waitForRequest(1);
    const cancelled = await runtime.cancel(run.run_id, 'changed my mind');
    expect(cancelled.status).toBe('cancelled');
    expect((await ticking).status).toBe('cancelled');
  });
});

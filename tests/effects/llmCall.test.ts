import { afterEach, describe, expect, it } from 'vitest';
import { RawNumber } from '../../src-shared/canonicalJson';
import { parseJsonExact, stringifyExact } from '../../src-shared/exactJson';
import type { JsonObject } from '../../src-shared/json';
import { createLlmEffectHandler, type LlmSettings } from '../../src-main/effects/llm/index';
import type { EffectOutcome } from '../../src-main/runtime/contracts';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedReply } from '../support/scriptedOpenAiServer';
import { effectCtx, fakeRun, llmSettings } from './effectFixtures';

let server: ScriptedOpenAiServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function setup(script: ScriptedReply[], over: Partial<LlmSettings> = {}) {
  server = await startScriptedOpenAiServer(script);
  const settings = llmSettings({ baseUrl: server.baseUrlV1, ...over });
  return { server, handler: createLlmEffectHandler(() => settings) };
}

function completedResult(o: EffectOutcome): any {
  expect(o.kind).toBe('completed');
  return (o as { result: unknown }).result;
}

describe('llm_call, local mode', () => {
  it('sends messages, system, tools and params; records content, usage, model, finish reason, latency', async () => {
    const { server, handler } = await setup([{ content: 'Hello!', usage: { prompt_tokens: 12, completion_tokens: 3 } }], {
      apiKey: 'sk-local',
    });
    const out = await handler.execute(
      {
        type: 'llm_call',
        payload: {
          prompt: 'Say hi',
          system: 'Be brief.',
          tools: [{ name: 'add', description: 'adds', parameters: { type: 'object', properties: { a: { type: 'number' } } } }],
          params: { temperature: 0.2, max_tokens: 50 },
        },
      },
      effectCtx(),
    );
    expect(completedResult(out)).toEqual({
      content: 'Hello!',
      tool_calls: [],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
      model: 'test-model',
      finish_reason: 'stop',
      latency_ms: expect.any(Number),
      offered_tools: ['add'],
    });
    expect((out as { actor?: { kind: string } }).actor?.kind).toBe('llm');
    const req = server.requests[0]!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.body).toMatchObject({
      model: 'test-model',
      temperature: 0.2,
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hi' },
      ],
      tools: [{ type: 'function', function: { name: 'add', description: 'adds' } }],
    });
    expect(req.body).not.toHaveProperty('base_url');
    expect(req.headers.authorization).toBe('Bearer sk-local');
    expect(req.headers['idempotency-key']).toBe('idem-key-1');
    expect(req.headers['x-abstractcore-provider-api-key']).toBeUndefined();
  });

  it('returns tool calls with parsed arguments (and the raw text when the model wrote invalid JSON)', async () => {
    const { handler } = await setup([
      {
        toolCalls: [
          { name: 'add', arguments: { a: 1, b: 2 }, id: 'c1' },
          { name: 'add', arguments: '{not json', id: 'c2' },
        ],
      },
    ]);
    const r = completedResult(await handler.execute({ type: 'llm_call', payload: { prompt: 'add' } }, effectCtx()));
    expect(r.finish_reason).toBe('tool_calls');
    expect(r.tool_calls).toEqual([
      { name: 'add', arguments: { a: 1, b: 2 }, call_id: 'c1' },
      { name: 'add', arguments: '{not json', call_id: 'c2' },
    ]);
  });

  it('turns recorded tool calls in assistant messages back into the wire shape', async () => {
    const { server, handler } = await setup([{ content: 'ok' }]);
    await handler.execute(
      {
        type: 'llm_call',
        payload: {
          messages: [
            { role: 'user', content: 'x' },
            { role: 'assistant', content: null, tool_calls: [{ name: 'add', arguments: { a: 1 }, call_id: 'c1' }] },
            { role: 'tool', tool_call_id: 'c1', content: '{"sum":1}' },
          ],
        },
      },
      effectCtx(),
    );
    expect(server.requests[0]!.body.messages[1].tool_calls).toEqual([
      { id: 'c1', type: 'function', function: { name: 'add', arguments: '{"a":1}' } },
    ]);
  });

  it('a payload model overrides the settings model; no key means no Authorization header', async () => {
    const { server, handler } = await setup([{ content: 'x' }]);
    await handler.execute({ type: 'llm_call', payload: { prompt: 'p', model: 'other' } }, effectCtx());
    expect(server.requests[0]!.body.model).toBe('other');
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('retries 429 and 5xx with the client (honouring Retry-After), then succeeds', async () => {
    const { server, handler } = await setup([{ status: 429 }, { status: 503 }, { content: 'finally' }], { maxRetries: 2 });
    const r = completedResult(await handler.execute({ type: 'llm_call', payload: { prompt: 'p' } }, effectCtx()));
    expect(r.content).toBe('finally');
    expect(server.requests).toHaveLength(3);
  });

  it('records the provider error (status, message) as a retryable failure once retries are spent', async () => {
    const { handler } = await setup([{ status: 500, body: { error: { message: 'model overloaded' } } }], { maxRetries: 0 });
    const out = await handler.execute({ type: 'llm_call', payload: { prompt: 'p' } }, effectCtx());
    expect(out).toEqual({
      kind: 'failed',
      error: { code: 'LLM_CALL_FAILED', message: 'provider returned HTTP 500: model overloaded', status: 500 },
      retryable: true,
    });
  });

  it('a 4xx (other than 408/409/429) is not retryable', async () => {
    const { server, handler } = await setup([{ status: 400, body: { error: { message: 'bad model name' } } }], { maxRetries: 3 });
    const out = await handler.execute({ type: 'llm_call', payload: { prompt: 'p' } }, effectCtx());
    expect(out).toMatchObject({ kind: 'failed', error: { code: 'LLM_CALL_FAILED', status: 400 }, retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it('an error echoing the key never carries it', async () => {
    const { handler } = await setup([{ status: 401, body: { error: { message: 'invalid key sk-very-secret' } } }], {
      apiKey: 'sk-very-secret',
    });
    const out = await handler.execute({ type: 'llm_call', payload: { prompt: 'p' } }, effectCtx());
    expect(JSON.stringify(out)).not.toContain('sk-very-secret');
    expect(out).toMatchObject({ kind: 'failed', error: { message: 'provider returned HTTP 401: invalid key ***' } });
  });

  it('a slow reply past the timeout fails as a retryable LLM_TIMEOUT', async () => {
    const { handler } = await setup([{ content: 'late', delayMs: 10_000 }], { timeoutMs: 150 });
    const out = await handler.execute({ type: 'llm_call', payload: { prompt: 'p' } }, effectCtx());
    expect(out).toMatchObject({ kind: 'failed', error: { code: 'LLM_TIMEOUT' }, retryable: true });
  });

  it('a per-call timeout_s overrides the settings timeout', async () => {
    const { handler } = await setup([{ content: 'late', delayMs: 10_000 }], { timeoutMs: 60_000 });
    const out = await handler.execute({ type: 'llm_call', payload: { prompt: 'p', timeout_s: 0.15 } }, effectCtx());
    expect(out).toMatchObject({ kind: 'failed', error: { code: 'LLM_TIMEOUT' } });
  });

  it('cancelling the run aborts the call in flight', async () => {
    const { server, handler } = await setup([{ content: 'never', delayMs: 30_000 }]);
    const controller = new AbortController();
    const pending = handler.execute({ type: 'llm_call', payload: { prompt: 'p' } }, effectCtx({ signal: controller.signal }));
    await server.waitForRequest(1);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'failed', error: { code: 'LLM_CANCELLED' }, retryable: false });
  });

  it('an unreachable endpoint fails as a retryable LLM_UNREACHABLE', async () => {
    const handler = createLlmEffectHandler(() => llmSettings({ baseUrl: 'http://127.0.0.1:9/v1' }));
    expect(await handler.execute({ type: 'llm_call', payload: { prompt: 'p' } }, effectCtx())).toMatchObject({
      kind: 'failed',
      error: { code: 'LLM_UNREACHABLE' },
      retryable: true,
    });
  });

  it('a bad payload is a non-retryable VALIDATION_ERROR naming the field', async () => {
    const handler = createLlmEffectHandler(() => llmSettings());
    const cases: [Record<string, any>, RegExp][] = [
      [{}, /needs `messages`/],
      [{ messages: [] }, /non-empty array/],
      [{ messages: [{ content: 'x' }] }, /messages\[0\] needs a string role/],
      [{ prompt: 'p', params: { model: 'x' } }, /params.model is not allowed/],
      [{ prompt: 'p', tools: [{ description: 'no name' }] }, /tools\[0\] needs a name/],
      [{ prompt: 'p', base_url: 'file:///etc' }, /base_url must be an http/],
    ];
    for (const [payload, msg] of cases) {
      const out = await handler.execute({ type: 'llm_call', payload }, effectCtx());
      expect(out).toMatchObject({ kind: 'failed', error: { code: 'VALIDATION_ERROR' }, retryable: false });
      expect((out as { error: { message: string } }).error.message).toMatch(msg);
    }
  });

  it('is idempotent (re-asking is harmless) and has side effects (intent recorded first)', () => {
    const handler = createLlmEffectHandler(() => llmSettings());
    const effect = { type: 'llm_call', payload: { prompt: 'p' } };
    expect(handler.isIdempotent(effect)).toBe(true);
    expect(handler.hasSideEffects?.(effect)).toBe(true);
  });

  it('reads the settings on every call, so edits apply at once', async () => {
    server = await startScriptedOpenAiServer([{ content: 'a' }, { content: 'b' }]);
    let settings = llmSettings({ baseUrl: server.baseUrlV1, model: 'm1' });
    const handler = createLlmEffectHandler(() => settings);
    await handler.execute({ type: 'llm_call', payload: { prompt: 'p' } }, effectCtx());
    settings = { ...settings, model: 'm2' };
    await handler.execute({ type: 'llm_call', payload: { prompt: 'p' } }, effectCtx());
    expect(server.requests.map((r) => r.body.model)).toEqual(['m1', 'm2']);
  });

  it('a per-call base_url in local mode goes to that endpoint without the configured key', async () => {
    server = await startScriptedOpenAiServer([{ content: 'other provider' }]);
    const handler = createLlmEffectHandler(() => llmSettings({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-local' }));
    const r = completedResult(
      await handler.execute({ type: 'llm_call', payload: { prompt: 'p', base_url: server.baseUrlV1 } }, effectCtx()),
    );
    expect(r.content).toBe('other provider');
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.requests[0]!.rawBody).not.toContain('sk-local');
  });

  it('sends every number of the request exactly as the run holds it, also when the client retries', async () => {
    const { server, handler } = await setup([{ status: 503 }, { content: 'ok' }], { maxRetries: 1 });
    const payload = parseJsonExact(
      `{"prompt": "pick one", "params": {"metadata": {"big": 98765432109876543210, "zero": -0.0, "one": 1.0, "small": 1e-07, "huge": 2.5e+20}},
        "tools": [{"name": "pick", "parameters": {"type": "object", "properties": {"n": {"enum": [98765432109876543210, -0.0, 1.0, 1e-07]}}}}]}`,
    ) as JsonObject;
    completedResult(await handler.execute({ type: 'llm_call', payload }, effectCtx()));
    expect(server.requests).toHaveLength(2);
    for (const req of server.requests) {
      expect(req.rawBody).toContain('"metadata":{"big":98765432109876543210,"zero":-0.0,"one":1.0,"small":1e-07,"huge":2.5e+20}');
      expect(req.rawBody).toContain('"enum":[98765432109876543210,-0.0,1.0,1e-07]');
      expect(req.rawBody).not.toContain('98765432109876540000');
    }
  });

  it("keeps the numbers of the model's tool-call arguments as written; text that cannot be kept exactly stays text", async () => {
    const { handler } = await setup([
      {
        toolCalls: [
          { name: 'add', arguments: '{"n": 98765432109876543210, "x": 1.0, "t": 1e-07, "z": -0.0, "h": 2.5e+20}', id: 'c1' },
          { name: 'add', arguments: '{"pi": 3.14159265358979323846}', id: 'c2' },
        ],
      },
    ]);
    const r = completedResult(await handler.execute({ type: 'llm_call', payload: { prompt: 'add' } }, effectCtx()));
    expect(stringifyExact(r.tool_calls[0].arguments)).toBe('{"n":98765432109876543210,"x":1.0,"t":1e-07,"z":-0.0,"h":2.5e+20}');
    expect(r.tool_calls[1].arguments).toBe('{"pi": 3.14159265358979323846}');
  });

  it('refuses a number no JSON text can carry, naming its path, and sends nothing', async () => {
    const { server, handler } = await setup([{ content: 'never asked' }]);
    const out = await handler.execute(
      { type: 'llm_call', payload: { prompt: 'p', params: { metadata: { x: new RawNumber('NaN') } } } },
      effectCtx(),
    );
    expect(out).toMatchObject({ kind: 'failed', error: { code: 'NUMBER_NOT_EXACT' }, retryable: false });
    expect((out as { error: { message: string } }).error.message).toContain('request.metadata.x');
    expect(server.requests).toHaveLength(0);
  });
});

describe('llm_call, remote and hybrid modes (AbstractCore server)', () => {
  for (const mode of ['remote', 'hybrid'] as const) {
    it(`${mode}: provider/model names, base_url and timeout_s in the body, key only in the provider header, trace headers`, async () => {
      const { server, handler } = await setup([{ toolCalls: [{ name: 'add', arguments: { a: 1, b: 2 }, id: 'c1' }] }], {
        mode,
        model: 'ollama/qwen3:4b',
        apiKey: 'sk-provider',
        timeoutMs: 30_000,
      });
      const run = fakeRun({ run_id: 'run-77', parent_run_id: 'run-parent', actor_id: 'user:alice' });
      const out = await handler.execute(
        { type: 'llm_call', payload: { prompt: 'p', base_url: 'http://lmstudio.local:1234/v1' } },
        effectCtx({ run }),
      );
      expect(completedResult(out).tool_calls).toEqual([{ name: 'add', arguments: { a: 1, b: 2 }, call_id: 'c1' }]);
      const req = server.requests[0]!;
      expect(req.path).toBe('/v1/chat/completions');
      expect(req.body).toMatchObject({ model: 'ollama/qwen3:4b', base_url: 'http://lmstudio.local:1234/v1', timeout_s: 30 });
      expect(req.headers['x-abstractcore-provider-api-key']).toBe('sk-provider');
      expect(req.headers.authorization).toBeUndefined();
      expect(req.headers['x-abstractcore-run-id']).toBe('run-77');
      expect(req.headers['x-abstractcore-parent-run-id']).toBe('run-parent');
      expect(req.headers['x-abstractcore-actor-id']).toBe('user:alice');
      expect(req.rawBody).not.toContain('sk-provider');
    });
  }

  it('remote: without a per-call base_url none is sent; timeout_s follows the payload', async () => {
    const { server, handler } = await setup([{ content: 'ok' }], { mode: 'remote' });
    await handler.execute({ type: 'llm_call', payload: { prompt: 'p', timeout_s: 7 } }, effectCtx());
    expect(server.requests[0]!.body).not.toHaveProperty('base_url');
    expect(server.requests[0]!.body.timeout_s).toBe(7);
    expect(server.requests[0]!.headers['x-abstractcore-provider-api-key']).toBeUndefined();
  });
});

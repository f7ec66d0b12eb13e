import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../support/scriptedOpenAiServer';

let server: ScriptedOpenAiServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const chat = (s: ScriptedOpenAiServer, body: unknown = { model: 'm', messages: [] }) =>
  fetch(`${s.baseUrlV1}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-probe': 'yes' },
    body: JSON.stringify(body),
  });

interface Completion {
  choices: { finish_reason: string; message: { content: string; tool_calls?: unknown[] } }[];
}
const completion = async (res: Response) => (await res.json()) as Completion;

describe('scripted OpenAI-compatible server (shared test support)', () => {
  it('serves replies in order, records requests, and reports an exhausted script as a non-retryable 500', async () => {
    server = await startScriptedOpenAiServer([{ content: 'one' }, { status: 429 }]);
    server.push((req) => ({ content: `echo ${req.body.model}` }));
    const r1 = await completion(await chat(server));
    expect(r1.choices[0]).toMatchObject({ message: { role: 'assistant', content: 'one' }, finish_reason: 'stop' });
    const r2 = await chat(server);
    expect(r2.status).toBe(429);
    expect(r2.headers.get('retry-after-ms')).toBe('1');
    expect((await completion(await chat(server, { model: 'zz' }))).choices[0]!.message.content).toBe('echo zz');
    expect(server.remaining()).toBe(0);
    const r4 = await chat(server);
    expect(r4.status).toBe(500);
    expect(r4.headers.get('x-should-retry')).toBe('false');
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'm' } });
    expect(server.requests[0]!.headers['x-probe']).toBe('yes');
  });

  it('scripts tool calls (invalid JSON arguments included) and lists a model', async () => {
    server = await startScriptedOpenAiServer([
      {
        toolCalls: [
          { name: 'f', arguments: { x: 1 } },
          { name: 'g', arguments: '{oops', id: 'gid' },
        ],
      },
    ]);
    const r = await completion(await chat(server));
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    expect(r.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_1_0', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
      { id: 'gid', type: 'function', function: { name: 'g', arguments: '{oops' } },
    ]);
    expect(((await (await fetch(`${server.baseUrlV1}/models`)).json()) as { data: { id: string }[] }).data[0]!.id).toBe('scripted-model');
  });
});

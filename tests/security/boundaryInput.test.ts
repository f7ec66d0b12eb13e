/**
 * Case 10 of issue #11: input that cannot be stored exactly is refused where it enters,
 * with NON_JSON_VALUE naming the path, and nothing is stored: a lone surrogate in vars (HTTP
 * and CLI), an answer, an LLM reply or a tool result; JSON nested deeper than MAX_JSON_DEPTH
 * (HTTP 400, not 500); a `__proto__` key (never silently dropped). Runs that never met such
 * input keep verifying.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_JSON_DEPTH } from '../../src-shared/storableJson';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { startWebHost, type WebHost } from '../../src-main/transport/web/index';
import { writeFakeRenderer } from '../transport/fakeRenderer';
import { httpRequest } from '../transport/httpClient';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../support/scriptedOpenAiServer';
import { runCli } from '../reliability/support/processes';

let dir: string;
let host: RuntimeHost;
let web: WebHost;
let llm: ScriptedOpenAiServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-sec-input-'));
  llm = await startScriptedOpenAiServer([]);
  host = await RuntimeHost.open({ dbPath: join(dir, 'runtime.db'), dataDir: join(dir, 'data'), env: {}, projectFile: null });
  await createApiHandlers(host).setSettings({ llm: { mode: 'local', baseUrl: llm.baseUrlV1, model: 'm', apiKey: 'k' } });
  web = await startWebHost({
    handlers: createApiHandlers(host, { transport: 'web' }),
    events: host.events,
    port: 0,
    staticDir: writeFakeRenderer(dir),
  });
});

afterAll(async () => {
  await web?.close();
  await host?.close();
  await llm?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Raw JSON text, so the attacker's exact bytes (escapes, depth, `__proto__`) reach the host. */
async function postRaw(method: string, text: string) {
  const res = await httpRequest(web.url, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { 'Content-Type': 'application/json' },
    body: text,
  });
  return {
    status: res.status,
    body: JSON.parse(res.body) as { ok: boolean; error?: { code: string; message: string; details?: { path?: string } } },
  };
}

async function runCount(): Promise<number> {
  return (await createApiHandlers(host).listRuns({})).total;
}

describe('boundaries refuse what cannot be stored exactly', () => {
  it('a lone surrogate in vars over HTTP: 400 NON_JSON_VALUE naming the path, no run created', async () => {
    const before = await runCount();
    const res = await postRaw('startRun', '{"workflowId":"examples.counter","vars":{"note":"\\ud800"}}');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'NON_JSON_VALUE', details: { path: 'payload.vars.note' } });
    const inKey = await postRaw('startRun', '{"workflowId":"examples.counter","vars":{"\\udc00":1}}');
    expect(inKey.body.error?.code).toBe('NON_JSON_VALUE');
    expect(await runCount()).toBe(before);
  });

  it(`JSON nested deeper than ${MAX_JSON_DEPTH} levels: 400, not 500, even at 5,000 levels`, async () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const res = await postRaw('startRun', `{"workflowId":"examples.counter","vars":{"x":${deep(5000)}}}`);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('NON_JSON_VALUE');
    expect(res.body.error?.message).toMatch(new RegExp(`deeper than ${MAX_JSON_DEPTH}`));
    // Within the limit is accepted and kept exactly.
    const ok = await postRaw('emitEvent', `{"name":"deep-but-allowed","payload":${deep(100)}}`);
    expect(ok.status).toBe(200);
  });

  it('a __proto__ key is refused by name, never dropped', async () => {
    const before = await runCount();
    const res = await postRaw('startRun', '{"workflowId":"examples.counter","vars":{"a":{"__proto__":{"polluted":true}}}}');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'NON_JSON_VALUE', details: { path: 'payload.vars.a.__proto__' } });
    expect(await runCount()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an answer holding a lone surrogate is refused and the run keeps waiting', async () => {
    const run = await host.startRun('examples.approval', {});
    expect(run.status).toBe('waiting');
    const res = await postRaw(
      'answer',
      JSON.stringify({ runId: run.run_id, text: 'x', waitKey: run.waiting!.wait_key }).replace('"x"', '"\\ud83d"'),
    );
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('NON_JSON_VALUE');
    expect(host.getRun(run.run_id).status).toBe('waiting');
    expect((await createApiHandlers(host).verifyRun({ runId: run.run_id })).valid).toBe(true);
  });

  it('IPC (the desktop window) refuses the same inputs through the same dispatch', async () => {
    const { handleInvoke } = await import('../../src-main/transport/ipc/ipcBridge');
    const before = await runCount();
    const trusted = () => true;
    const event = { sender: { id: 1 }, senderFrame: { url: 'app://index.html', parent: null } } as never;
    for (const vars of [
      { note: '\ud800' },
      JSON.parse('{"__proto__":{"x":1}}'),
      { deep: JSON.parse('['.repeat(3000) + ']'.repeat(3000)) },
    ]) {
      // The IPC protocol carries JSON text (numbers stay exact): the text is what a window sends.
      const r = await handleInvoke(createApiHandlers(host), trusted, event, {
        method: 'startRun',
        payloadJson: JSON.stringify({ workflowId: 'examples.counter', vars }),
      });
      expect(JSON.parse(r)).toMatchObject({ ok: false, error: { code: 'NON_JSON_VALUE' } });
    }
    expect(await runCount()).toBe(before);
  });

  it('the CLI refuses a lone surrogate in --vars the same way', async () => {
    const r = await runCli(['--db', join(dir, 'cli.db'), 'run', 'examples.counter', '--vars', '{"note":"\\ud800"}'], {
      ABSTRACTRUNTIME_HOME: join(dir, 'cli-home'),
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/NON_JSON_VALUE/);
  });

  it('an LLM reply with a lone surrogate fails the call with NON_JSON_VALUE; the run verifies', async () => {
    llm.push({ content: 'bad \ud800 reply' });
    const run = await host.startRun('examples.agent', { task: 'x', tools: [] });
    expect(run.status).toBe('failed');
    expect(JSON.stringify(run.error)).toMatch(/NON_JSON_VALUE|lone UTF-16 surrogate/);
    expect((await createApiHandlers(host).verifyRun({ runId: run.run_id })).valid).toBe(true);
  });

  it('a tool result with a lone surrogate is an error result, not stored text', async () => {
    const { createToolCallsEffectHandler, ToolRegistry } = await import('../../src-main/effects/tools/index');
    const registry = new ToolRegistry();
    registry.register({
      name: 'echo',
      description: 'x',
      parameters: { type: 'object' },
      trust: 'trusted',
      idempotent: true,
      execute: () => ({ text: 'a\udfffb' }),
    });
    const out = await createToolCallsEffectHandler(registry).execute(
      { type: 'tool_calls', payload: { tool_calls: [{ name: 'echo', arguments: {}, call_id: 'c' }], allowed_tools: ['echo'] } },
      { signal: new AbortController().signal, idempotencyKey: 'k', now: new Date(), run: { run_id: 'r' } } as never,
    );
    expect(out).toMatchObject({ kind: 'completed', result: { results: [{ success: false, output: null }] } });
    expect(JSON.stringify(out)).toMatch(/lone UTF-16 surrogate/);
  });
});

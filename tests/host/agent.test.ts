import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../support/scriptedOpenAiServer';
import { ledgerOf, memoryHost } from './hostFixture';

describe('examples.agent through the host (settings → llm_call → tools)', () => {
  let server: ScriptedOpenAiServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('uses the host settings (endpoint, model, key) and never writes the key into the ledger', async () => {
    server = await startScriptedOpenAiServer([
      { toolCalls: [{ name: 'add', arguments: { a: 17, b: 25 }, id: 'call-1' }] },
      { content: '42' },
    ]);
    const { host } = await memoryHost({
      settingsOverrides: { llm: { mode: 'local', baseUrl: server.baseUrlV1, model: 'scripted-model', apiKey: 'sk-host-secret' } },
    });
    const run = await host.startRun('examples.agent');
    expect(run.status).toBe('completed');
    expect(run.output).toMatchObject({ answer: '42', stopped_reason: 'answered' });
    expect(server.requests[0]!.body.model).toBe('scripted-model');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-host-secret');
    expect(JSON.stringify(ledgerOf(host, run.run_id))).not.toContain('sk-host-secret');
    expect(JSON.stringify(host.getRun(run.run_id))).not.toContain('sk-host-secret');
  });
});

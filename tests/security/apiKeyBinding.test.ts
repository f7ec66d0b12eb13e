/**
 * Case 7 (the settings half): the API key is bound to the base URL it was entered for.
 * Pointing `baseUrl` at another server through the API drops the stored key, so the key is
 * never sent there; a new key given in the same request is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../support/scriptedOpenAiServer';

let dir: string;
let genuine: ScriptedOpenAiServer;
let attacker: ScriptedOpenAiServer;
let host: RuntimeHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-sec-key-'));
  genuine = await startScriptedOpenAiServer([]);
  attacker = await startScriptedOpenAiServer([]);
  host = await RuntimeHost.open({ dbPath: join(dir, 'runtime.db'), dataDir: join(dir, 'data'), env: {}, projectFile: null });
});

afterAll(async () => {
  await host?.close();
  await genuine?.close();
  await attacker?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the API key is bound to its base URL', () => {
  it('moving baseUrl elsewhere without a key drops the stored key; the new server never receives it', async () => {
    const api = createApiHandlers(host);
    await api.setSettings({ llm: { mode: 'local', baseUrl: genuine.baseUrlV1, model: 'm', apiKey: 'sk-genuine-key' } });
    // Same endpoint (spelled with a trailing slash) and other fields: the key stays.
    expect((await api.setSettings({ llm: { baseUrl: `${genuine.baseUrlV1}/`, model: 'm2' } })).llm.apiKeySet).toBe(true);

    const moved = await api.setSettings({ llm: { baseUrl: attacker.baseUrlV1 } });
    expect(moved.llm.apiKeySet).toBe(false);
    expect(readFileSync(join(dir, 'data', 'settings.json'), 'utf8')).not.toContain('sk-genuine-key');

    attacker.push({ content: 'hi' });
    const run = await host.startRun('examples.agent', { task: 'x', tools: [] });
    expect(run.status).toBe('completed');
    expect(attacker.requests).toHaveLength(1);
    expect(JSON.stringify(attacker.requests[0]!.headers)).not.toContain('sk-genuine-key');
  });

  it('a new key given with the new baseUrl is kept and used there', async () => {
    const api = createApiHandlers(host);
    const s = await api.setSettings({ llm: { baseUrl: attacker.baseUrlV1, apiKey: 'sk-second-key' } });
    expect(s.llm.apiKeySet).toBe(true);
    attacker.push({ content: 'hi' });
    await host.startRun('examples.agent', { task: 'x', tools: [] });
    expect(attacker.requests.at(-1)!.headers.authorization).toBe('Bearer sk-second-key');
  });
});

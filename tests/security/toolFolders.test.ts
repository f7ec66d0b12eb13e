/**
 * The file tools' folders: the project folder and the system temp folder by default,
 * changeable in Settings (applied at once), and the data folder stays out of reach even
 * when a user lists it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { dispatch } from '../../src-main/transport/dispatch';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../support/scriptedOpenAiServer';

let dir: string;
let data: string;
let elsewhere: string;
let host: RuntimeHost;
let savedTmpdir: string | undefined;
let llm: ScriptedOpenAiServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-sec-folders-'));
  data = join(dir, 'data');
  // This process's system temp folder is a folder of its own (os.tmpdir() reads TMPDIR), so
  // `elsewhere` is outside it wherever the checkout lives (CI clones into /tmp).
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = join(dir, 'system-tmp');
  mkdirSync(process.env.TMPDIR, { recursive: true });
  // Outside the system temp folder, so only a Settings change can open it.
  elsewhere = mkdtempSync(join(dir, 'elsewhere-'));
  writeFileSync(join(elsewhere, 'notes.txt'), 'from elsewhere');
  mkdirSync(data, { recursive: true });
  llm = await startScriptedOpenAiServer([]);
  host = await RuntimeHost.open({ dbPath: join(data, 'runtime.db'), dataDir: data, env: {}, projectFile: null });
  await createApiHandlers(host).setSettings({ llm: { mode: 'local', baseUrl: llm.baseUrlV1, model: 'm', apiKey: 'k' } });
});

afterAll(async () => {
  await host?.close();
  await llm?.close();
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(dir, { recursive: true, force: true });
});

async function read(path: string) {
  llm.push({ toolCalls: [{ name: 'read_text_file', arguments: { path }, id: 'r' }] }, { content: 'ok' });
  const run = await host.startRun('examples.agent', { task: 'read', tools: [{ name: 'read_text_file' }] });
  return (run.vars.tools as { results: { success: boolean; error: string | null; output: { content?: string } | null }[] }).results[0]!;
}

describe('allowed folders', () => {
  it('default to the project folder and the system temp folder', async () => {
    expect((await createApiHandlers(host).getSettings({})).tools).toEqual({ allowedFolders: [tmpdir()] });
    expect((await read(join(elsewhere, 'notes.txt'))).success).toBe(false);
  });

  it('are changeable in Settings and apply at once; the data folder stays refused even when listed', async () => {
    const api = createApiHandlers(host);
    const s = await api.setSettings({ tools: { allowedFolders: [elsewhere, data] } });
    expect(s.tools).toEqual({ allowedFolders: [elsewhere, data] });
    expect(await read(join(elsewhere, 'notes.txt'))).toMatchObject({ success: true, output: { content: 'from elsewhere' } });
    const key = await read(join(data, 'settings.json'));
    expect(key.success).toBe(false);
    expect(key.error).toMatch(/runtime's own files/);
    await api.setSettings({ tools: { allowedFolders: null } });
    expect((await api.getSettings({})).tools).toEqual({ allowedFolders: [tmpdir()] });
  });

  it('a relative folder is refused, naming the field', async () => {
    const r = await dispatch(createApiHandlers(host), 'setSettings', { tools: { allowedFolders: ['relative/dir'] } });
    expect(r).toMatchObject({ ok: false, error: { code: 'SETTINGS_INVALID' } });
    expect(JSON.stringify(r)).toContain('tools.allowedFolders');
  });
});

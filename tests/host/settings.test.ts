import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsError } from '../../src-shared/errors';
import { resolveDataPaths } from '../../src-main/host/dataPaths';
import { HostSettings } from '../../src-main/host/hostSettings';
import { memoryHost, tempDir } from './hostFixture';

describe('settings and data paths', () => {
  const dirs: (() => void)[] = [];
  afterEach(() => dirs.splice(0).forEach((c) => c()));
  const dir = () => {
    const t = tempDir('ar-settings-');
    dirs.push(t.cleanup);
    return t.dir;
  };

  it('writes settings.json atomically with mode 0600 and never returns the key', async () => {
    const dataDir = dir();
    const s = new HostSettings({ dataDir, env: {}, signingPublicKey: () => null });
    const view = s.update({
      llm: { mode: 'remote', baseUrl: 'http://127.0.0.1:9999/v1', model: 'openai/gpt-4o-mini', apiKey: 'sk-secret-123' },
    });
    expect(view.llm).toMatchObject({ mode: 'remote', baseUrl: 'http://127.0.0.1:9999/v1', model: 'openai/gpt-4o-mini', apiKeySet: true });
    expect(JSON.stringify(view)).not.toContain('sk-secret-123');
    const file = join(dataDir, 'settings.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).llm.apiKey).toBe('sk-secret-123');
    expect(s.llm().apiKey).toBe('sk-secret-123');
    // A new instance reads what was written; apiKey null clears it, other fields stay.
    const again = new HostSettings({ dataDir, env: {}, signingPublicKey: () => null });
    expect(again.view().llm.model).toBe('openai/gpt-4o-mini');
    expect(again.update({ llm: { apiKey: null } }).llm).toMatchObject({ apiKeySet: false, model: 'openai/gpt-4o-mini' });
  });

  it('the LLM settings a tool call reads follow every change: an update, an environment variable set or removed', () => {
    const env: NodeJS.ProcessEnv = {};
    const s = new HostSettings({ dataDir: dir(), env, signingPublicKey: () => null });
    expect(s.llm().mode).toBe('local');
    s.update({ llm: { mode: 'remote', baseUrl: 'http://127.0.0.1:9999/v1' } });
    expect(s.llm()).toMatchObject({ mode: 'remote', baseUrl: 'http://127.0.0.1:9999/v1' });
    env.ABSTRACTRUNTIME_LLM_MODE = 'hybrid';
    expect(s.llm().mode).toBe('hybrid');
    delete env.ABSTRACTRUNTIME_LLM_MODE;
    expect(s.llm().mode).toBe('remote');
    // What a caller does with its copy changes nothing for the next.
    s.llm().model = 'changed by a caller';
    expect(s.llm().model).not.toBe('changed by a caller');
  });

  it('environment variables override the file (headless use)', () => {
    const dataDir = dir();
    const s = new HostSettings({ dataDir, env: { ABSTRACTRUNTIME_LLM_MODEL: 'env-model' }, signingPublicKey: () => null });
    s.update({ llm: { model: 'file-model' } });
    expect(s.view().llm.model).toBe('env-model');
  });

  it('a damaged settings file gives a SettingsError naming the file', () => {
    const dataDir = dir();
    writeFileSync(join(dataDir, 'settings.json'), '{ broken');
    expect(() => new HostSettings({ dataDir, env: {}, signingPublicKey: () => null })).toThrow(SettingsError);
  });

  it('resolveDataPaths: ABSTRACTRUNTIME_HOME, ABSTRACTRUNTIME_DB and the ~/.abstractruntime default', () => {
    expect(resolveDataPaths({ ABSTRACTRUNTIME_HOME: '/tmp/ar-home' })).toEqual({
      dataDir: '/tmp/ar-home',
      dbPath: '/tmp/ar-home/runtime.db',
      projectFile: null,
    });
    expect(resolveDataPaths({ ABSTRACTRUNTIME_HOME: '/tmp/ar-home', ABSTRACTRUNTIME_DB: '/tmp/other.db' }).dbPath).toBe('/tmp/other.db');
    expect(resolveDataPaths({}).dataDir).toMatch(/\.abstractruntime$/);
    expect(resolveDataPaths({}, { dataDir: '/tmp/electron-user-data' }).dataDir).toBe('/tmp/electron-user-data');
  });

  it('the host exposes settings through its API view', async () => {
    const dataDir = dir();
    const { host } = await memoryHost({ dataDir });
    expect(host.settings!.view()).toMatchObject({ signing: { enabled: false, publicKey: null }, dataDir });
  });
});

describe('settings that do not resolve', () => {
  it('a bad hand-edited value still lets the settings view load, and a bad update is refused without writing', () => {
    const t = tempDir('ar-settings-');
    try {
      writeFileSync(join(t.dir, 'settings.json'), JSON.stringify({ llm: { mode: 'warp', apiKey: 'k' } }));
      const s = new HostSettings({ dataDir: t.dir, env: {}, signingPublicKey: () => null });
      expect(() => s.llm()).toThrow(SettingsError);
      expect(s.view().llm).toMatchObject({ mode: 'local', apiKeySet: true });
      const before = readFileSync(join(t.dir, 'settings.json'), 'utf8');
      expect(() => s.update({ llm: { model: 'x' } })).toThrow(/mode/);
      expect(readFileSync(join(t.dir, 'settings.json'), 'utf8')).toBe(before);
      expect(s.update({ llm: { mode: 'remote' } }).llm.mode).toBe('remote');
    } finally {
      t.cleanup();
    }
  });
});

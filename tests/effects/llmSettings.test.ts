import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../src-shared/errors';
import {
  DEFAULT_LOCAL_BASE_URL,
  DEFAULT_REMOTE_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  redactLlmSettings,
  resolveLlmSettings,
} from '../../src-main/effects/llm/index';

describe('resolveLlmSettings', () => {
  it('defaults to local mode against Ollama with no key', () => {
    const s = resolveLlmSettings(undefined, {});
    expect(s).toMatchObject({
      mode: 'local',
      baseUrl: DEFAULT_LOCAL_BASE_URL,
      apiKey: null,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      maxRetries: DEFAULT_MAX_RETRIES,
    });
    expect(s.model).toBeTruthy();
  });

  it('remote and hybrid default to an AbstractCore server and provider/model names', () => {
    for (const mode of ['remote', 'hybrid'] as const) {
      const s = resolveLlmSettings({ mode }, {});
      expect(s.baseUrl).toBe(DEFAULT_REMOTE_BASE_URL);
      expect(s.model).toContain('/');
    }
  });

  it('takes the file values, and the environment over them', () => {
    const file = {
      mode: 'local' as const,
      baseUrl: 'http://file:1/v1/',
      model: 'file-model',
      apiKey: 'file-key',
      timeoutMs: 5000,
      maxRetries: 1,
    };
    expect(resolveLlmSettings(file, {})).toEqual({ ...file, baseUrl: 'http://file:1/v1' });
    const env = {
      ABSTRACTRUNTIME_LLM_MODE: 'hybrid',
      ABSTRACTRUNTIME_LLM_BASE_URL: 'http://env:2/v1',
      ABSTRACTRUNTIME_LLM_MODEL: 'openai/gpt-4o-mini',
      ABSTRACTRUNTIME_LLM_API_KEY: 'env-key',
    };
    expect(resolveLlmSettings(file, env)).toEqual({
      mode: 'hybrid',
      baseUrl: 'http://env:2/v1',
      model: 'openai/gpt-4o-mini',
      apiKey: 'env-key',
      timeoutMs: 5000,
      maxRetries: 1,
    });
  });

  it('treats empty strings as unset', () => {
    const s = resolveLlmSettings({ baseUrl: '', apiKey: '', model: '' }, { ABSTRACTRUNTIME_LLM_MODE: '' });
    expect(s).toMatchObject({ mode: 'local', baseUrl: DEFAULT_LOCAL_BASE_URL, apiKey: null });
  });

  it('refuses bad values with a SettingsError naming the source', () => {
    expect(() => resolveLlmSettings(undefined, { ABSTRACTRUNTIME_LLM_MODE: 'cloud' })).toThrow(SettingsError);
    expect(() => resolveLlmSettings(undefined, { ABSTRACTRUNTIME_LLM_MODE: 'cloud' })).toThrow(/ABSTRACTRUNTIME_LLM_MODE/);
    expect(() => resolveLlmSettings(undefined, { ABSTRACTRUNTIME_LLM_BASE_URL: 'not a url' })).toThrow(
      /ABSTRACTRUNTIME_LLM_BASE_URL is not a URL/,
    );
    expect(() => resolveLlmSettings({ baseUrl: 'ftp://x/v1' }, {})).toThrow(/settings.llm.baseUrl must be an http/);
    expect(() => resolveLlmSettings({ baseUrl: 'http://user:pw@x/v1' }, {})).toThrow(/credentials/);
    expect(() => resolveLlmSettings({ timeoutMs: -1 }, {})).toThrow(/timeoutMs/);
  });

  it('redactLlmSettings never carries the key', () => {
    const r = redactLlmSettings(resolveLlmSettings({ apiKey: 'sk-secret' }, {}));
    expect(JSON.stringify(r)).not.toContain('sk-secret');
    expect(r.apiKeySet).toBe(true);
  });
});

/**
 * LLM settings: what the host reads from its settings file, with the environment taking
 * precedence so headless runs (CLI, CI, servers) need no file. The API key lives here only:
 * never in vars, the ledger, exports or logs (use redactLlmSettings before showing these).
 */
import { SettingsError } from '../../../src-shared/errors';
import type { LlmMode } from '../../../src-shared/types';

export interface LlmSettings {
  mode: LlmMode;
  /** The OpenAI-compatible `/v1` base (local: the provider; remote/hybrid: the AbstractCore server). */
  baseUrl: string;
  /** Default model when an llm_call payload names none (remote: `provider/model`). */
  model: string;
  apiKey: string | null;
  timeoutMs: number;
  /** Client retries on 429/5xx/connection errors, with backoff (the provider's Retry-After wins). */
  maxRetries: number;
}

export const LLM_MODES: readonly LlmMode[] = ['local', 'remote', 'hybrid'];

/** Ollama's OpenAI-compatible endpoint: the local provider most people already run. */
export const DEFAULT_LOCAL_BASE_URL = 'http://127.0.0.1:11434/v1';
/** AbstractCore's server default port. */
export const DEFAULT_REMOTE_BASE_URL = 'http://127.0.0.1:8000/v1';
export const DEFAULT_LOCAL_MODEL = 'qwen3:4b';
export const DEFAULT_REMOTE_MODEL = 'ollama/qwen3:4b';
export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_RETRIES = 2;

export const LLM_ENV = {
  mode: 'ABSTRACTRUNTIME_LLM_MODE',
  baseUrl: 'ABSTRACTRUNTIME_LLM_BASE_URL',
  model: 'ABSTRACTRUNTIME_LLM_MODEL',
  apiKey: 'ABSTRACTRUNTIME_LLM_API_KEY',
} as const;

/**
 * File settings, then environment overrides, then defaults. Pure: no I/O. Throws
 * SettingsError naming the bad value (and where it came from) instead of guessing.
 */
export function resolveLlmSettings(file: Partial<LlmSettings> | undefined, env: NodeJS.ProcessEnv): LlmSettings {
  const f = file ?? {};
  const mode = parseMode(
    nonEmpty(env[LLM_ENV.mode]) ?? f.mode ?? 'local',
    nonEmpty(env[LLM_ENV.mode]) ? LLM_ENV.mode : 'settings.llm.mode',
  );
  const envUrl = nonEmpty(env[LLM_ENV.baseUrl]);
  const baseUrl = parseUrl(envUrl ?? nonEmpty(f.baseUrl) ?? defaultBaseUrl(mode), envUrl ? LLM_ENV.baseUrl : 'settings.llm.baseUrl');
  const model = nonEmpty(env[LLM_ENV.model]) ?? nonEmpty(f.model) ?? (mode === 'local' ? DEFAULT_LOCAL_MODEL : DEFAULT_REMOTE_MODEL);
  const apiKey = nonEmpty(env[LLM_ENV.apiKey]) ?? nonEmpty(f.apiKey ?? undefined) ?? null;
  return {
    mode,
    baseUrl,
    model,
    apiKey,
    timeoutMs: parseCount(f.timeoutMs, DEFAULT_TIMEOUT_MS, 'settings.llm.timeoutMs', 1),
    maxRetries: parseCount(f.maxRetries, DEFAULT_MAX_RETRIES, 'settings.llm.maxRetries', 0),
  };
}

/** The settings safe to show or log: the key replaced by whether one is set. */
export function redactLlmSettings(s: LlmSettings): Omit<LlmSettings, 'apiKey'> & { apiKeySet: boolean } {
  const { apiKey, ...rest } = s;
  return { ...rest, apiKeySet: !!apiKey };
}

function defaultBaseUrl(mode: LlmMode): string {
  return mode === 'local' ? DEFAULT_LOCAL_BASE_URL : DEFAULT_REMOTE_BASE_URL;
}

function nonEmpty(v: string | null | undefined): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function parseMode(v: unknown, source: string): LlmMode {
  if (LLM_MODES.includes(v as LlmMode)) return v as LlmMode;
  throw new SettingsError(`${source} must be one of ${LLM_MODES.join(', ')}; got ${JSON.stringify(v)}`, { source });
}

function parseUrl(v: unknown, source: string): string {
  let url: URL;
  try {
    url = new URL(String(v));
  } catch {
    throw new SettingsError(`${source} is not a URL: ${JSON.stringify(v)}`, { source });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SettingsError(`${source} must be an http(s) URL; got ${url.protocol}`, { source });
  if (url.username || url.password) throw new SettingsError(`${source} must not carry credentials; set the API key instead`, { source });
  return String(v).replace(/\/+$/, '');
}

function parseCount(v: unknown, fallback: number, source: string, min: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v;
  throw new SettingsError(`${source} must be an integer ≥ ${min}; got ${JSON.stringify(v)}`, { source });
}

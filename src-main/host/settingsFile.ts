/**
 * settings.json in the data folder: `{llm: {mode, baseUrl, model, apiKey, timeoutMs}, signing: {enabled}, tools, database: {url}}`.
 * Written atomically (temp file + rename) with mode 0600 because it may hold an API key;
 * the key is never returned to clients (only `apiKeySet`), nor a database password.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { SettingsError } from '../../src-shared/errors';
import type { LlmMode } from '../../src-shared/types';
import { checkPostgresUrl, isPostgresUrl } from '../store/postgres/pgUrl';

export interface LlmFileSettings {
  mode?: LlmMode;
  baseUrl?: string;
  model?: string;
  apiKey?: string | null;
  timeoutMs?: number;
}

export interface SettingsFileContent {
  llm: LlmFileSettings;
  signing: { enabled: boolean };
  /** Folders the file tools may use; absent: the defaults (project folder, system temp). */
  tools?: { allowedFolders?: string[] };
  /**
   * The database the desktop app (and the CLI, by default) opens on its next start: a SQLite
   * path or a postgres:// URL, which may hold a password (hence the file's mode 0600; never
   * sent back to clients). Absent: the default SQLite file. ABSTRACTRUNTIME_DB wins over it.
   */
  database?: { url: string };
}

export interface SettingsPatch {
  llm?: LlmFileSettings;
  signing?: { enabled: boolean };
  /** `allowedFolders: null` goes back to the defaults. */
  tools?: { allowedFolders?: string[] | null };
  /** `url: null` goes back to the default SQLite file. */
  database?: { url: string | null };
}

export const SETTINGS_FILE_NAME = 'settings.json';

export function settingsPath(dataDir: string): string {
  return join(dataDir, SETTINGS_FILE_NAME);
}

export function readSettingsFile(dataDir: string): SettingsFileContent {
  const path = settingsPath(dataDir);
  if (!existsSync(path)) return { llm: {}, signing: { enabled: false } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SettingsError(`${path} is not valid JSON (${(err as Error).message}); fix or delete it`, { path });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SettingsError(`${path} must hold a JSON object`, { path });
  }
  const obj = parsed as Record<string, unknown>;
  const llm = typeof obj.llm === 'object' && obj.llm !== null ? (obj.llm as LlmFileSettings) : {};
  const signing = typeof obj.signing === 'object' && obj.signing !== null ? (obj.signing as { enabled?: unknown }) : {};
  const tools = typeof obj.tools === 'object' && obj.tools !== null ? (obj.tools as { allowedFolders?: unknown }) : {};
  const folders =
    Array.isArray(tools.allowedFolders) && tools.allowedFolders.every((f) => typeof f === 'string')
      ? (tools.allowedFolders as string[])
      : undefined;
  const database = typeof obj.database === 'object' && obj.database !== null ? (obj.database as { url?: unknown }) : {};
  return {
    llm: { ...llm },
    signing: { enabled: signing.enabled === true },
    ...(folders ? { tools: { allowedFolders: folders } } : {}),
    ...(typeof database.url === 'string' && database.url.trim() ? { database: { url: database.url.trim() } } : {}),
  };
}

/** Applies a patch: `apiKey: null` (or '') clears the key, an omitted field keeps its value. */
export function mergeSettings(current: SettingsFileContent, patch: SettingsPatch): SettingsFileContent {
  const llm: LlmFileSettings = { ...current.llm };
  if (patch.llm) {
    for (const [k, v] of Object.entries(patch.llm) as [keyof LlmFileSettings, unknown][]) {
      if (v === undefined) continue;
      if (k === 'apiKey' && (v === null || v === '')) delete llm.apiKey;
      else (llm as Record<string, unknown>)[k] = v;
    }
  }
  const next: SettingsFileContent = { llm, signing: patch.signing ? { enabled: patch.signing.enabled } : { ...current.signing } };
  const folders = patch.tools?.allowedFolders === undefined ? current.tools?.allowedFolders : patch.tools.allowedFolders;
  if (folders) {
    const relative = folders.find((f) => !isAbsolute(f));
    if (relative !== undefined)
      throw new SettingsError(`tools.allowedFolders: ${JSON.stringify(relative)} is not an absolute path`, {
        field: 'tools.allowedFolders',
      });
    next.tools = { allowedFolders: [...folders] };
  }
  const url = patch.database === undefined ? current.database?.url : patch.database.url;
  if (url !== undefined && url !== null && url.trim()) {
    const text = url.trim();
    if (isPostgresUrl(text)) {
      try {
        checkPostgresUrl(text);
      } catch (err) {
        throw new SettingsError(`database.url: ${(err as Error).message}`, { field: 'database.url' });
      }
    } else if (!isAbsolute(text.replace(/^sqlite:/i, '')))
      throw new SettingsError('database.url: give a postgres:// URL or an absolute path to a SQLite file', { field: 'database.url' });
    next.database = { url: text };
  }
  return next;
}

/**
 * A key is entered for one endpoint: a patch that moves `baseUrl` elsewhere without giving
 * a key in the same request drops the stored one, so whoever can change settings cannot
 * have the key sent to a server of their choosing.
 */
export function bindKeyToBaseUrl(current: SettingsFileContent, patch: SettingsPatch, currentBaseUrl: string): SettingsPatch {
  const next = patch.llm?.baseUrl;
  if (next === undefined || patch.llm?.apiKey !== undefined || current.llm.apiKey === undefined) return patch;
  if (sameEndpoint(next, current.llm.baseUrl ?? currentBaseUrl)) return patch;
  return { ...patch, llm: { ...patch.llm, apiKey: null } };
}

function sameEndpoint(a: string, b: string | undefined): boolean {
  return b !== undefined && a.trim().replace(/\/+$/, '') === b.trim().replace(/\/+$/, '');
}

export function writeSettingsFile(dataDir: string, content: SettingsFileContent): void {
  const path = settingsPath(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

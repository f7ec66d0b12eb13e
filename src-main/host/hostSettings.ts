/**
 * The host's view of settings: the file in the data folder (or memory, without one), the
 * environment overrides for headless use, and what clients may see (never the API key).
 */
import type { Settings } from '../../src-shared/api';
import type { LlmSettings } from '../effects/llm/index';
import { LLM_ENV, resolveLlmSettings } from '../effects/llm/index';
import { SettingsError } from '../../src-shared/errors';
import {
  bindKeyToBaseUrl,
  mergeSettings,
  readSettingsFile,
  writeSettingsFile,
  type SettingsFileContent,
  type SettingsPatch,
} from './settingsFile';
import { databaseLabel } from '../store/databaseSpec';

export interface HostSettingsAccess {
  view(): Settings;
  update(patch: SettingsPatch): Settings;
  /** Effective LLM settings (file, then env overrides); read on every call so edits apply at once. */
  llm(): LlmSettings;
  signingEnabled(): boolean;
}

export interface HostSettingsOptions {
  dataDir: string | null;
  env: NodeJS.ProcessEnv;
  /** Applied over the file (tests, CLI flags); not persisted. */
  overrides?: SettingsPatch;
  signingPublicKey: () => string | null;
  /** Called after the signing flag changes. */
  onSigningChange?: (enabled: boolean) => void;
  /** The file tools' folders when Settings lists none (project folder, system temp). */
  defaultToolFolders?: string[];
}

const LLM_ENV_NAMES = Object.values(LLM_ENV);

export class HostSettings implements HostSettingsAccess {
  private content: SettingsFileContent;
  private llmMemo: { content: SettingsFileContent; env: (string | undefined)[]; value: LlmSettings } | null = null;

  constructor(private readonly opts: HostSettingsOptions) {
    this.content = opts.dataDir ? readSettingsFile(opts.dataDir) : { llm: {}, signing: { enabled: false } };
  }

  private effective(): SettingsFileContent {
    return this.opts.overrides ? mergeSettings(this.content, this.opts.overrides) : this.content;
  }

  llm(): LlmSettings {
    // Asked at every tool call (its mode): resolved again only when the settings or the
    // environment's LLM variables changed since.
    const memo = this.llmMemo;
    if (memo && memo.content === this.content && LLM_ENV_NAMES.every((name, i) => this.opts.env[name] === memo.env[i]))
      return { ...memo.value };
    const value = resolveFrom(this.effective(), this.opts.env);
    this.llmMemo = { content: this.content, env: LLM_ENV_NAMES.map((name) => this.opts.env[name]), value };
    return { ...value };
  }

  signingEnabled(): boolean {
    return this.effective().signing.enabled;
  }

  /** Read on every file-tool call, so a change in Settings applies at once. */
  toolFolders(): string[] {
    return this.effective().tools?.allowedFolders ?? this.opts.defaultToolFolders ?? [];
  }

  view(): Settings {
    const llm = this.viewableLlm();
    const enabled = this.signingEnabled();
    const configured = this.content.database?.url ?? null;
    return {
      llm: { mode: llm.mode, baseUrl: llm.baseUrl, model: llm.model, apiKeySet: !!llm.apiKey, timeoutMs: llm.timeoutMs },
      signing: { enabled, publicKey: enabled ? this.opts.signingPublicKey() : null },
      dataDir: this.opts.dataDir ?? '',
      tools: { allowedFolders: this.toolFolders() },
      database: { configured: configured ? databaseLabel(configured) : null },
    };
  }

  /** A hand-edited file with a bad value must not hide the settings screen that can fix it. */
  private viewableLlm(): LlmSettings {
    try {
      return this.llm();
    } catch (err) {
      if (!(err instanceof SettingsError)) throw err;
      return { ...resolveLlmSettings({}, {}), apiKey: this.effective().llm.apiKey ?? null };
    }
  }

  update(patch: SettingsPatch): Settings {
    const wasSigning = this.signingEnabled();
    const next = mergeSettings(this.content, bindKeyToBaseUrl(this.content, patch, this.viewableLlm().baseUrl));
    // Refuse (SettingsError naming the field) before anything is written.
    resolveFrom(this.opts.overrides ? mergeSettings(next, this.opts.overrides) : next, this.opts.env);
    if (this.opts.dataDir) writeSettingsFile(this.opts.dataDir, next);
    this.content = next;
    if (this.signingEnabled() !== wasSigning) this.opts.onSigningChange?.(this.signingEnabled());
    return this.view();
  }
}

function resolveFrom(content: SettingsFileContent, env: NodeJS.ProcessEnv): LlmSettings {
  const llm = content.llm;
  return resolveLlmSettings({ ...llm, apiKey: llm.apiKey ?? null } as Partial<LlmSettings>, env);
}

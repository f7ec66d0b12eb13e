/** LLM mode, endpoint, model, API key (write-only: kept by the host, never in vars or the ledger), signing, the file tools' folders, the database, data folder. */
import { useEffect, useState } from 'react';
import type { LlmMode } from '../../src-shared/types';
import { useSettingsStore } from '../state/settingsStore';
import { ErrorText } from '../shell/ErrorText';

export function SettingsPage() {
  const settings = useSettingsStore((s) => s.settings);
  const info = useSettingsStore((s) => s.info);
  const error = useSettingsStore((s) => s.error);
  const saving = useSettingsStore((s) => s.saving);
  const [mode, setMode] = useState<LlmMode>('local');
  const [baseUrl, setBaseUrl] = useState('');
  const [model, setModel] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [signing, setSigning] = useState(false);
  const [folders, setFolders] = useState('');
  // Write-only like the API key: the URL may hold a password, which the host never sends back.
  const [database, setDatabase] = useState('');

  useEffect(() => void useSettingsStore.getState().load(), []);
  useEffect(() => {
    if (!settings) return;
    setMode(settings.llm.mode);
    setBaseUrl(settings.llm.baseUrl);
    setModel(settings.llm.model);
    setSigning(settings.signing.enabled);
    setFolders(folderText(settings.tools?.allowedFolders ?? []));
  }, [settings]);

  const save = async () => {
    const typed = folderList(folders);
    // Sent only when edited: saving the shown defaults would pin them, and later default changes would not apply.
    const foldersChanged = folderText(typed) !== folderText(settings?.tools?.allowedFolders ?? []);
    const ok = await useSettingsStore.getState().save({
      llm: { mode, baseUrl, model, ...(apiKey ? { apiKey } : {}) },
      signing: { enabled: signing },
      ...(foldersChanged ? { tools: { allowedFolders: typed } } : {}),
      ...(database.trim() ? { database: { url: database.trim() } } : {}),
    });
    if (ok) {
      setApiKey('');
      setDatabase('');
    }
  };

  return (
    <section className="page settings-page" aria-label="Settings">
      <h1>Settings</h1>
      {error ? <ErrorText text={error} /> : null}
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {/* Disabled until loaded, so a late load cannot overwrite what was typed. */}
        <fieldset disabled={!settings}>
          <legend>LLM</legend>
          <label>
            LLM mode
            <select aria-label="LLM mode" value={mode} onChange={(e) => setMode(e.target.value as LlmMode)}>
              <option value="local">local (OpenAI-compatible server on this machine)</option>
              <option value="remote">remote (hosted provider)</option>
              <option value="hybrid">hybrid (local first, remote fallback)</option>
            </select>
          </label>
          <label>
            Endpoint
            <input
              aria-label="Endpoint"
              type="url"
              value={baseUrl}
              onChange={(e) => setBaseUrl(e.target.value)}
              placeholder="http://127.0.0.1:11434/v1"
            />
          </label>
          <label>
            Model
            <input aria-label="Model" value={model} onChange={(e) => setModel(e.target.value)} />
          </label>
          <label>
            API key
            <input
              aria-label="API key"
              type="password"
              autoComplete="off"
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
              placeholder={settings?.llm.apiKeySet ? 'set (leave empty to keep)' : 'not set'}
            />
          </label>
          <p className="muted">The key is stored by the host outside vars, the ledger and exports; it is never sent back to this page.</p>
          {settings?.llm.apiKeySet ? (
            <button type="button" onClick={() => void useSettingsStore.getState().save({ llm: { apiKey: null } })}>
              Remove API key
            </button>
          ) : null}
        </fieldset>
        <fieldset disabled={!settings}>
          <legend>Provenance</legend>
          <label className="checkbox">
            <input type="checkbox" checked={signing} onChange={(e) => setSigning(e.target.checked)} />
            Sign ledger records (Ed25519)
          </label>
          <label>
            Public key
            <textarea readOnly rows={3} value={settings?.signing.publicKey ?? '(no key yet)'} />
          </label>
        </fieldset>
        <fieldset disabled={!settings}>
          <legend>File tools</legend>
          <label>
            Allowed folders
            <textarea
              aria-label="Allowed folders"
              rows={3}
              className="mono"
              value={folders}
              onChange={(e) => setFolders(e.target.value)}
              placeholder="one absolute path per line"
            />
          </label>
          <p className="muted">One absolute path per line. The data folder stays out of reach whatever is listed here.</p>
          <button type="button" onClick={() => void useSettingsStore.getState().save({ tools: { allowedFolders: null } })}>
            Reset folders to defaults
          </button>
        </fieldset>
        <fieldset disabled={!settings}>
          <legend>Database</legend>
          <label>
            Database for the next start
            <input
              aria-label="Database for the next start"
              className="mono"
              autoComplete="off"
              value={database}
              onChange={(e) => setDatabase(e.target.value)}
              placeholder={settings?.database?.configured ?? 'the default SQLite file in the data folder'}
            />
          </label>
          <p className="muted">
            A PostgreSQL URL (postgres://user:password@host:5432/dbname) shares one database with workers on other machines; an absolute
            path picks another SQLite file. Applies when the app starts again; ABSTRACTRUNTIME_DB overrides it. The password is kept by the
            host and never shown.
          </p>
          {settings?.database?.configured ? (
            <button type="button" onClick={() => void useSettingsStore.getState().save({ database: { url: null } })}>
              Use the default SQLite file
            </button>
          ) : null}
        </fieldset>
        <fieldset>
          <legend>Storage</legend>
          <p>
            Data folder: <span className="mono">{settings?.dataDir ?? info?.dataDir ?? '…'}</span>
          </p>
          {info ? (
            <p className="muted">
              Database: <span className="mono">{info.dbPath}</span> · version {info.version} · {info.transport}
            </p>
          ) : null}
        </fieldset>
        <button type="submit" className="primary" disabled={saving || !settings}>
          Save settings
        </button>
      </form>
    </section>
  );
}

function folderList(text: string): string[] {
  // Lines kept exactly (a stray space is the host's to refuse, naming the path); blank lines dropped.
  return text.split('\n').filter((line) => line.trim().length > 0);
}

function folderText(folders: string[]): string {
  return folders.join('\n');
}

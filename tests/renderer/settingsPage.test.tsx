// @vitest-environment jsdom
import './setup-dom';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiRequest, AppInfo, Settings } from '../../src-shared/api';
import { SettingsError } from '../../src-shared/errors';
import { SettingsPage } from '../../src-renderer/settings/SettingsPage';
import { setRuntimeClient } from '../../src-renderer/state/clientRef';
import { useSettingsStore } from '../../src-renderer/state/settingsStore';
import { useToastStore } from '../../src-renderer/state/toastStore';
import { createFakeClient } from './support/fakeClient';

const DEFAULTS = ['/home/u/project', '/tmp'];
const info: AppInfo = { version: '0.1.0', dataDir: '/data', dbPath: '/data/runtime.db', transport: 'web' };

/** A host that keeps folders like the real one: a list replaces them, null goes back to the defaults. */
function host() {
  let folders: string[] | null = null;
  const settings = (): Settings => ({
    llm: { mode: 'local', baseUrl: 'http://127.0.0.1:11434/v1', model: 'm', apiKeySet: false, timeoutMs: 60000 },
    signing: { enabled: false, publicKey: null },
    dataDir: '/data',
    tools: { allowedFolders: folders ?? DEFAULTS },
  });
  const client = createFakeClient({
    getSettings: () => settings(),
    getInfo: () => info,
    setSettings: (req: ApiRequest<'setSettings'>) => {
      if (req.tools) folders = req.tools.allowedFolders;
      return settings();
    },
  });
  setRuntimeClient(client);
  return client;
}

const field = () => screen.getByLabelText('Allowed folders') as HTMLTextAreaElement;

beforeEach(() => {
  useSettingsStore.setState({ settings: null, info: null, error: null, saving: false });
  useToastStore.setState({ toasts: [] });
});

describe('Settings: file tools allowed folders', () => {
  it('shows the folders in use, saves an edited list exactly, and resets to the defaults', async () => {
    const client = host();
    render(<SettingsPage />);
    await waitFor(() => expect(field().value).toBe('/home/u/project\n/tmp'));

    fireEvent.change(field(), { target: { value: '/srv/notes\n\n/home/u/project\n' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save settings' })));
    expect((client.callsTo('setSettings') as ApiRequest<'setSettings'>[]).at(-1)?.tools).toEqual({
      allowedFolders: ['/srv/notes', '/home/u/project'],
    });
    expect(field().value).toBe('/srv/notes\n/home/u/project');

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Reset folders to defaults' })));
    expect((client.callsTo('setSettings') as ApiRequest<'setSettings'>[]).at(-1)).toEqual({ tools: { allowedFolders: null } });
    expect(field().value).toBe('/home/u/project\n/tmp');
  });

  it('does not pin the defaults when other settings are saved and the folders were left alone', async () => {
    const client = host();
    render(<SettingsPage />);
    await waitFor(() => expect(field().value).toBe('/home/u/project\n/tmp'));
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'other-model' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save settings' })));
    const sent = (client.callsTo('setSettings') as ApiRequest<'setSettings'>[]).at(-1);
    expect(sent?.llm?.model).toBe('other-model');
    expect(sent).not.toHaveProperty('tools');
  });

  it('shows the host refusing a relative folder, naming it', async () => {
    const client = host();
    client.handlers.setSettings = () => {
      throw new SettingsError('tools.allowedFolders: "notes" is not an absolute path', { field: 'tools.allowedFolders' });
    };
    render(<SettingsPage />);
    await waitFor(() => expect(field().value).toBe('/home/u/project\n/tmp'));
    fireEvent.change(field(), { target: { value: 'notes' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save settings' })));
    expect(screen.getByRole('alert').textContent).toContain('"notes" is not an absolute path');
  });
});

describe('Settings: the database for the next start', () => {
  it('shows the configured database without its password, sends a typed URL once, and can go back to the default file', async () => {
    let configured: string | null = 'postgres://art:***@db:5432/runs';
    const client = createFakeClient({
      getSettings: (): Settings => ({
        llm: { mode: 'local', baseUrl: 'http://127.0.0.1:11434/v1', model: 'm', apiKeySet: false, timeoutMs: 60000 },
        signing: { enabled: false, publicKey: null },
        dataDir: '/data',
        database: { configured },
      }),
      getInfo: () => info,
      setSettings: (req: ApiRequest<'setSettings'>) => {
        if (req.database) configured = req.database.url ? req.database.url.replace(/:[^:@/]+@/, ':***@') : null;
        return {
          llm: { mode: 'local', baseUrl: 'http://127.0.0.1:11434/v1', model: 'm', apiKeySet: false, timeoutMs: 60000 },
          signing: { enabled: false, publicKey: null },
          dataDir: '/data',
          database: { configured },
        };
      },
    });
    setRuntimeClient(client);
    render(<SettingsPage />);
    const input = () => screen.getByLabelText('Database for the next start') as HTMLInputElement;
    await waitFor(() => expect(input().placeholder).toBe('postgres://art:***@db:5432/runs'));
    expect(input().value).toBe('');
    // Saving other settings does not send the database.
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save settings' })));
    expect((client.callsTo('setSettings') as ApiRequest<'setSettings'>[]).at(-1)).not.toHaveProperty('database');
    fireEvent.change(input(), { target: { value: ' postgres://u:pw@other:5432/fleet ' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save settings' })));
    expect((client.callsTo('setSettings') as ApiRequest<'setSettings'>[]).at(-1)?.database).toEqual({
      url: 'postgres://u:pw@other:5432/fleet',
    });
    await waitFor(() => expect(input().value).toBe(''));
    expect(input().placeholder).toBe('postgres://u:***@other:5432/fleet');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Use the default SQLite file' })));
    expect((client.callsTo('setSettings') as ApiRequest<'setSettings'>[]).at(-1)).toEqual({ database: { url: null } });
    await waitFor(() => expect(input().placeholder).toBe('the default SQLite file in the data folder'));
  });
});

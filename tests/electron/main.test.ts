/**
 * The Electron entry point end to end with a mocked `electron` module: it opens a real
 * RuntimeHost on SQLite in the data folder, serves the API over IPC to its own window only,
 * closes the database on quit, and explains a database it cannot open.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL } from '../../src-shared/api';
import { FakeBrowserWindow, makeFakeElectron } from './fakeElectron';

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof makeFakeElectron> | null }));
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('./fakeElectron');
  fake.current = makeFakeElectron();
  return fake.current.module;
});

const dir = mkdtempSync(join(tmpdir(), 'ar-electron-main-'));
const indexHtml = resolve(dirname(fileURLToPath(import.meta.url)), '../../src-main/renderer/index.html');
const saved = { home: process.env.ABSTRACTRUNTIME_HOME, db: process.env.ABSTRACTRUNTIME_DB };

afterAll(() => {
  process.env.ABSTRACTRUNTIME_HOME = saved.home;
  if (saved.db === undefined) delete process.env.ABSTRACTRUNTIME_DB;
  else process.env.ABSTRACTRUNTIME_DB = saved.db;
  if (saved.home === undefined) delete process.env.ABSTRACTRUNTIME_HOME;
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  // main.ts runs on import: re-import it fresh, against a cleared fake.
  vi.resetModules();
  if (fake.current) {
    windows().length = 0;
    fake.current.handlers.clear();
  }
});

const windows = () => (fake.current!.module.BrowserWindow as typeof FakeBrowserWindow).instances;

async function bootMain(home: string) {
  process.env.ABSTRACTRUNTIME_HOME = home;
  await import('../../src-main/electron/main');
  const electron = fake.current!;
  return { electron, app: electron.module.app as any };
}

describe('Electron main', () => {
  it('opens the host on SQLite in the data folder and answers its own window over IPC', async () => {
    delete process.env.ABSTRACTRUNTIME_DB;
    const { electron, app } = await bootMain(join(dir, 'ok'));
    await vi.waitFor(() => expect(windows()).toHaveLength(1), { timeout: 15_000 });
    const win = windows()[0]!;
    expect(app.name).toBe('AbstractRuntime');
    expect(win.loaded.file).toBe(indexHtml);
    const invoke = electron.handlers.get(IPC_INVOKE_CHANNEL)!;
    const event = { sender: { id: win.webContents.id }, senderFrame: { url: pathToFileURL(indexHtml).href, parent: null } };
    const info = JSON.parse((await invoke(event, { method: 'getInfo', payloadJson: '{}' })) as string);
    expect(info).toMatchObject({
      ok: true,
      value: { transport: 'electron', dbPath: join(dir, 'ok', 'runtime.db'), version: '0.1.0-test' },
    });
    const started = JSON.parse((await invoke(event, { method: 'startRun', payloadJson: '{"workflowId":"examples.approval"}' })) as string);
    expect(started).toMatchObject({ ok: true, value: { status: 'waiting' } });
    await vi.waitFor(() => expect(win.title).toBe('AbstractRuntime — 1 waiting'));

    let prevented = false;
    app.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await vi.waitFor(() => expect(app.quitCalls).toBe(1));
  });

  it('explains a database it cannot open instead of crashing', async () => {
    const bad = join(dir, 'not-a-db.db');
    writeFileSync(bad, 'this is not sqlite '.repeat(200));
    process.env.ABSTRACTRUNTIME_DB = bad;
    const { electron, app } = await bootMain(join(dir, 'bad'));
    await vi.waitFor(() => expect(app.exitCode).toBe(1), { timeout: 15_000 });
    const errors = (electron.module as any).dialog.errors;
    expect(errors[0].title).toBe('AbstractRuntime cannot start');
    expect(errors[0].content).toMatch(/^NOT_A_DATABASE: /);
    expect(windows()).toHaveLength(0);
  });
});

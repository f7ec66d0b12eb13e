import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/api';
import { FakeEvents, fakeHandlers } from '../transport/fakeApi';
import { FakeBrowserWindow, makeFakeElectron } from './fakeElectron';

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof makeFakeElectron> | null }));
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('./fakeElectron');
  fake.current = makeFakeElectron();
  return fake.current.module;
});

const { createDesktopWindow, secureWebPreferences } = await import('../../src-main/electron/desktopWindow');
const { desktopCsp, installSessionSecurity } = await import('../../src-main/electron/security');
const electron = await import('electron');

const pages = { indexHtml: '/app/out/renderer/index.html', devServerUrl: null };
const appUrl = 'file:///app/out/renderer/index.html#/runs/r1';
let events: FakeEvents;
let waiting = 0;

function setup() {
  events = new FakeEvents();
  const handlers = fakeHandlers({ listRuns: (req) => ({ runs: [], total: req.status === 'waiting' ? waiting : 0 }) });
  const created = createDesktopWindow({ handlers, events, pages, preloadPath: '/app/out/preload/preload.cjs' });
  return { ...created, win: created.window as unknown as FakeBrowserWindow };
}

/** A call as the preload sends it (`{method, payloadJson}`); the JSON text answer, parsed. */
async function invoke(
  win: FakeBrowserWindow,
  request: unknown,
  frame: { url: string; parent: unknown } | null = { url: appUrl, parent: null },
  senderId = win.webContents.id,
) {
  const handler = fake.current!.handlers.get(IPC_INVOKE_CHANNEL)!;
  const wire =
    request && typeof request === 'object' && 'payload' in request
      ? {
          method: (request as unknown as { method: unknown }).method,
          payloadJson: JSON.stringify((request as { payload: unknown }).payload),
        }
      : request;
  return JSON.parse((await handler({ sender: { id: senderId }, senderFrame: frame }, wire)) as string) as unknown;
}

let current: ReturnType<typeof setup>;
beforeEach(() => {
  waiting = 0;
  current = setup();
});
afterEach(() => {
  if (!current.win.destroyed) current.win.close();
});

describe('Electron window', () => {
  it('is created with isolation, sandbox, no Node and the preload', () => {
    expect(current.win.options.webPreferences).toEqual(secureWebPreferences('/app/out/preload/preload.cjs'));
    expect(current.win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(current.win.loaded.file).toBe(pages.indexHtml);
  });

  it('blocks navigation away from the app and every new window', () => {
    const wc = current.win.webContents;
    expect(wc.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(wc.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(wc.fire('will-navigate', 'file:///app/out/renderer/index.html#/settings')).toBe(false);
    expect(wc.windowOpenHandler!({ url: 'https://docs.example/' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler!({ url: 'file:///app/out/renderer/index.html' })).toEqual({ action: 'deny' });
    expect(wc.fire('will-attach-webview')).toBe(true);
  });
});

describe('IPC API', () => {
  it('answers a call from our window with the API result as data', async () => {
    const result = await invoke(current.win, { method: 'listRuns', payload: {} });
    expect(result).toEqual({ ok: true, value: { runs: [], total: 0 } });
  });

  it('validates payloads and methods like every transport', async () => {
    expect(await invoke(current.win, { method: 'getRun', payload: {} })).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } });
    expect(await invoke(current.win, { method: 'rm -rf', payload: {} })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await invoke(current.win, 'listRuns')).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } });
    expect(await invoke(current.win, { method: 'getRun', payload: { runId: 'x' } })).toMatchObject({
      ok: false,
      error: { code: 'RUN_NOT_FOUND' },
    });
  });

  it('refuses other windows, subframes, foreign pages and frameless senders', async () => {
    const call = { method: 'listRuns', payload: {} };
    const forbidden = { ok: false, error: { code: 'FORBIDDEN' } };
    expect(await invoke(current.win, call, { url: appUrl, parent: null }, current.win.webContents.id + 1000)).toMatchObject(forbidden);
    expect(await invoke(current.win, call, { url: appUrl, parent: {} })).toMatchObject(forbidden);
    expect(await invoke(current.win, call, { url: 'https://evil.example/', parent: null })).toMatchObject(forbidden);
    expect(await invoke(current.win, call, { url: 'file:///tmp/other.html', parent: null })).toMatchObject(forbidden);
    expect(await invoke(current.win, call, null)).toMatchObject(forbidden);
  });

  it('streams host events to the page and stops when the window closes', () => {
    events.emit('runUpdated', { run: { run_id: 'r1' } as never });
    expect(current.win.webContents.sent).toContainEqual({
      channel: IPC_EVENT_CHANNEL,
      message: '{"event":"runUpdated","data":{"run":{"run_id":"r1"}}}',
    });
    current.win.close();
    expect(fake.current!.handlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
    expect(events.count()).toBe(0);
  });
});

describe('attention', () => {
  it('counts waiting runs in the title', async () => {
    waiting = 3;
    events.emit('runUpdated', { run: { run_id: 'r1' } as never });
    await vi.waitFor(() => expect(current.win.title).toBe('AbstractRuntime — 3 waiting'));
    waiting = 0;
    events.emit('runUpdated', { run: { run_id: 'r1' } as never });
    await vi.waitFor(() => expect(current.win.title).toBe('AbstractRuntime'));
  });

  it('notifies when a run needs a person and the window is not in front', () => {
    current.win.focused = false;
    events.emit('attentionNeeded', { runId: 'r1', workflowId: 'examples.approval', reason: 'user', prompt: 'Run the tool now?' });
    expect(fake.current!.notifications).toContainEqual({ title: 'A run needs you', body: 'examples.approval: Run the tool now?' });
    const before = fake.current!.notifications.length;
    current.win.focused = true;
    events.emit('attentionNeeded', { runId: 'r2', workflowId: 'w', reason: 'user', prompt: null });
    expect(fake.current!.notifications.length).toBe(before);
  });
});

describe('session security', () => {
  it('adds a strict CSP to every response and denies permission requests', () => {
    installSessionSecurity(electron.session.defaultSession, desktopCsp(null));
    const hooks = fake.current!.sessionHooks;
    let headers: any;
    hooks.headers({ responseHeaders: { 'X-Other': ['1'] } }, (r: any) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy'][0]).toContain("default-src 'self'");
    expect(headers['Content-Security-Policy'][0]).toContain("script-src 'self';");
    expect(headers['X-Other']).toEqual(['1']);
    let granted: boolean | undefined;
    hooks.permission(null, 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
    expect(hooks.permissionCheck()).toBe(false);
  });

  it('relaxes scripts only for the dev server and names its socket', () => {
    const csp = desktopCsp('http://localhost:5173');
    expect(csp).toContain("connect-src 'self' ws://localhost:5173");
  });
});

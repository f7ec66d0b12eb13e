/**
 * The inspector window and its wiring: secure webPreferences, the IPC API (callable only
 * from this window's top frame on an app page), host events forwarded to the page, and
 * the waiting-runs title and notifications.
 */
import { BrowserWindow, dialog, ipcMain, type WebPreferences } from 'electron';
import type { ApiHandlers } from '../../src-shared/api';
import type { EventSource } from '../transport/eventSource';
import { APP_NAME } from '../transport/appDataFolder';
import {
  forwardEvents,
  isAppUrl,
  registerBundleFileIpc,
  registerIpc,
  trustedSender,
  type AppPages,
  type IpcMainLike,
} from '../transport/ipc/index';
import { watchAttention } from './attention';
import { hardenWebContents } from './security';

export interface DesktopWindowOptions {
  handlers: ApiHandlers;
  events: EventSource;
  pages: AppPages;
  preloadPath: string;
}

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

export function createDesktopWindow(opts: DesktopWindowOptions): { window: BrowserWindow; dispose: () => void } {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: APP_NAME,
    webPreferences: secureWebPreferences(opts.preloadPath),
  });
  const isAppPage = (url: string) => isAppUrl(url, opts.pages);
  hardenWebContents(window.webContents, isAppPage);
  const contentsId = () => (window.isDestroyed() ? null : window.webContents.id);
  const isTrusted = trustedSender(contentsId, isAppPage);
  const offIpc = registerIpc(ipcMain as unknown as IpcMainLike, opts.handlers, isTrusted);
  // Bundles are read from disk here: the page sends a path or has this process ask for one.
  const offBundleFiles = registerBundleFileIpc(ipcMain as unknown as IpcMainLike, opts.handlers, isTrusted, async () => {
    const picked = await dialog.showOpenDialog(window, {
      title: 'Open bundle',
      properties: ['openFile'],
      filters: [{ name: 'AbstractRuntime bundle', extensions: ['json'] }],
    });
    return picked.canceled ? null : (picked.filePaths[0] ?? null);
  });
  const offEvents = forwardEvents(opts.events, window.webContents);
  const offAttention = watchAttention(window, opts.events, opts.handlers);
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    offIpc();
    offBundleFiles();
    offEvents();
    offAttention();
  };
  window.once('ready-to-show', () => window.show());
  window.on('closed', dispose);
  if (opts.pages.devServerUrl) void window.loadURL(opts.pages.devServerUrl);
  else void window.loadFile(opts.pages.indexHtml);
  return { window, dispose };
}

/**
 * Electron entry: one window over a RuntimeHost on the SQLite database in the app data
 * folder (shared with the CLI). The host module is loaded lazily so that a native-module
 * mismatch (better-sqlite3 built for Node, not Electron) shows advice instead of a crash.
 */
import { app, dialog, Menu, session, type BrowserWindow } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiHandlers } from '../../src-shared/api';
import { toErrorPayload } from '../../src-shared/errors';
import { APP_NAME, appDataFolder } from '../transport/appDataFolder';
import type { EventSource } from '../transport/eventSource';
import { buildAppMenu } from './appMenu';
import { createDesktopWindow } from './desktopWindow';
import { openFailureHint } from './nativeModuleHint';
import { desktopCsp, installSessionSecurity } from './security';

const here = dirname(fileURLToPath(import.meta.url));
const pages = {
  indexHtml: join(here, '../renderer/index.html'),
  devServerUrl: !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null,
};
const preloadPath = join(here, '../preload/preload.cjs');

interface OpenedHost {
  host: { close(): Promise<void>; dataDir: string | null; events: EventSource };
  handlers: ApiHandlers;
}

let opened: OpenedHost | null = null;
let mainWindow: BrowserWindow | null = null;

app.setName(APP_NAME);
if (!process.env.ABSTRACTRUNTIME_HOME) app.setPath('userData', appDataFolder());

if (!app.requestSingleInstanceLock()) {
  // A second app on the same database would only fight the first for run leases.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.whenReady().then(start, fatal);
}

async function start(): Promise<void> {
  opened = await openHost();
  if (!opened) return;
  installSessionSecurity(session.defaultSession, desktopCsp(pages.devServerUrl));
  Menu.setApplicationMenu(buildAppMenu(opened.host.dataDir ?? app.getPath('userData')));
  openWindow();
  app.on('activate', () => {
    if (!mainWindow) openWindow();
  });
}

function openWindow(): void {
  if (!opened) return;
  const { window } = createDesktopWindow({ handlers: opened.handlers, events: opened.host.events, pages, preloadPath });
  mainWindow = window;
  window.on('closed', () => {
    mainWindow = null;
  });
}

async function openHost(): Promise<OpenedHost | null> {
  try {
    const [{ RuntimeHost }, { createApiHandlers }, { resolveDataPaths }] = await Promise.all([
      import('../host/RuntimeHost'),
      import('../host/apiHandlers'),
      import('../host/dataPaths'),
    ]);
    const paths = resolveDataPaths(process.env, { dataDir: app.getPath('userData') });
    const host = await RuntimeHost.open({ dbPath: paths.dbPath, dataDir: paths.dataDir });
    // A worker on the database: recovers interrupted runs, resumes parents whose children ended
    // while the app was closed, fires timers, and advances what other processes leave runnable.
    host.startServices({ kind: 'desktop' });
    return { host, handlers: createApiHandlers(host, { transport: 'electron', version: app.getVersion() }) };
  } catch (err) {
    fatal(err);
    return null;
  }
}

function fatal(err: unknown): void {
  const { code, message } = toErrorPayload(err);
  dialog.showErrorBox(`${APP_NAME} cannot start`, `${code}: ${message}\n\n${openFailureHint(err)}`);
  app.exit(1);
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let closing = false;
app.on('before-quit', (event) => {
  if (!opened || closing) return;
  // Let in-flight steps commit and the database close cleanly before the process ends.
  event.preventDefault();
  closing = true;
  void opened.host.close().finally(() => {
    opened = null;
    app.quit();
  });
});

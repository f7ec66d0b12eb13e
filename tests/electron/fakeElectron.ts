/**
 * A stand-in for the `electron` module (its binary is absent here): records what the app
 * asks of it, so the wiring can be checked. Used through `vi.mock('electron', …)`.
 */
import { EventEmitter } from 'node:events';

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: { channel: string; message: unknown }[] = [];
  destroyed = false;
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
  send(channel: string, message: unknown) {
    this.sent.push({ channel, message });
  }
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
    this.windowOpenHandler = fn;
  }
  /** Emits like Electron: returns whether a listener called preventDefault. */
  fire(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  title = '';
  loaded: { file?: string; url?: string } = {};
  focused = false;
  destroyed = false;
  constructor(readonly options: Record<string, any>) {
    super();
    this.title = options.title;
    FakeBrowserWindow.instances.push(this);
  }
  setTitle(t: string) {
    this.title = t;
  }
  loadFile(file: string) {
    this.loaded.file = file;
    return Promise.resolve();
  }
  loadURL(url: string) {
    this.loaded.url = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return this.destroyed;
  }
  isFocused() {
    return this.focused;
  }
  isMinimized() {
    return false;
  }
  show() {}
  focus() {}
  restore() {}
  close() {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export function makeFakeElectron() {
  const handlers = new Map<string, (...args: any[]) => any>();
  const notifications: { title: string; body: string }[] = [];
  const exposed: Record<string, any> = {};
  const rendererListeners = new Map<string, Set<(...a: any[]) => void>>();
  const ipcRendererCalls: { channel: string; args: unknown[] }[] = [];
  const sessionHooks: { headers?: any; permission?: any; permissionCheck?: any } = {};
  const appEvents = new EventEmitter();
  class Notification extends EventEmitter {
    static isSupported = () => true;
    constructor(readonly opts: { title: string; body: string }) {
      super();
    }
    show() {
      notifications.push(this.opts);
    }
  }
  const module = {
    BrowserWindow: FakeBrowserWindow,
    Notification,
    ipcMain: {
      handle: (channel: string, fn: (...args: any[]) => any) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        handlers.set(channel, fn);
      },
      removeHandler: (channel: string) => handlers.delete(channel),
    },
    ipcRenderer: {
      invoke: (channel: string, ...args: unknown[]) => {
        ipcRendererCalls.push({ channel, args });
        return Promise.resolve('{"ok":true,"value":null}');
      },
      on: (channel: string, fn: (...a: any[]) => void) => {
        const set = rendererListeners.get(channel) ?? new Set();
        rendererListeners.set(channel, set);
        set.add(fn);
      },
      removeListener: (channel: string, fn: (...a: any[]) => void) => rendererListeners.get(channel)?.delete(fn),
    },
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
    shell: { openExternal: async () => undefined, openPath: async () => '' },
    Menu: { buildFromTemplate: (t: unknown) => ({ template: t }), setApplicationMenu: () => undefined },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: any) => (sessionHooks.headers = fn) },
        setPermissionRequestHandler: (fn: any) => (sessionHooks.permission = fn),
        setPermissionCheckHandler: (fn: any) => (sessionHooks.permissionCheck = fn),
      },
    },
    dialog: {
      errors: [] as { title: string; content: string }[],
      showErrorBox(title: string, content: string) {
        this.errors.push({ title, content });
      },
      /** What the next open dialog answers (a test sets it); the options it was shown with. */
      nextOpen: { canceled: true, filePaths: [] } as { canceled: boolean; filePaths: string[] },
      opened: [] as { window: unknown; options: Record<string, unknown> }[],
      async showOpenDialog(window: unknown, options: Record<string, unknown>) {
        this.opened.push({ window, options });
        return this.nextOpen;
      },
    },
    /** Electron gives a chosen or dropped File's path; here a test names it in `filePaths`. */
    webUtils: {
      filePaths: new Map<unknown, string>(),
      getPathForFile(file: unknown) {
        return this.filePaths.get(file) ?? '';
      },
    },
    app: Object.assign(appEvents, {
      badge: 0,
      isPackaged: false,
      paths: { userData: '/nonexistent' } as Record<string, string>,
      name: '',
      exitCode: null as number | null,
      quitCalls: 0,
      ready: Promise.resolve(),
      setName(n: string) {
        this.name = n;
      },
      setPath(k: string, v: string) {
        this.paths[k] = v;
      },
      getPath(k: string) {
        return this.paths[k]!;
      },
      getVersion: () => '0.1.0-test',
      requestSingleInstanceLock: () => true,
      whenReady() {
        return this.ready;
      },
      quit() {
        this.quitCalls++;
      },
      exit(code: number) {
        this.exitCode = code;
      },
      setBadgeCount(n: number) {
        this.badge = n;
        return true;
      },
    }),
  };
  return { module, handlers, notifications, exposed, rendererListeners, ipcRendererCalls, sessionHooks };
}

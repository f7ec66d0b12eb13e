/**
 * The only bridge between the page and the app: `window.abstractRuntime` with `invoke`,
 * `onEvent` and the two bundle-file calls (src-shared/preloadApi.ts). A sandboxed preload is one CommonJS file that may
 * require only `electron`, so this file imports nothing else at run time (types only).
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/api';
import type { BundleFileRequest, IPC_BUNDLE_FILE_CHANNEL, IpcInvokeRequest, PRELOAD_GLOBAL, PreloadApi } from '../../src-shared/preloadApi';

// Literal copies, checked against src-shared by their types: importing api.ts would bundle zod.
const INVOKE: typeof IPC_INVOKE_CHANNEL = 'abstractruntime:invoke';
const EVENT: typeof IPC_EVENT_CHANNEL = 'abstractruntime:event';
const GLOBAL: typeof PRELOAD_GLOBAL = 'abstractRuntime';
const BUNDLE_FILE: typeof IPC_BUNDLE_FILE_CHANNEL = 'abstractruntime:bundle-file';

export const preloadApi: PreloadApi = {
  invoke: (method, payloadJson) => ipcRenderer.invoke(INVOKE, { method, payloadJson } satisfies IpcInvokeRequest) as Promise<string>,
  onEvent: (listener) => {
    const relay = (_event: IpcRendererEvent, messageJson: string) => listener(messageJson);
    ipcRenderer.on(EVENT, relay);
    return () => {
      ipcRenderer.removeListener(EVENT, relay);
    };
  },
  // Only the file's path leaves the page (Electron's way to name a chosen file); the main process reads it.
  verifyBundleFile: (file) =>
    ipcRenderer.invoke(BUNDLE_FILE, { path: webUtils.getPathForFile(file) } satisfies BundleFileRequest) as Promise<string>,
  openBundleFile: () => ipcRenderer.invoke(BUNDLE_FILE, { pick: true } satisfies BundleFileRequest) as Promise<string>,
};

contextBridge.exposeInMainWorld(GLOBAL, preloadApi);

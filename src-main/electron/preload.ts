/**
 * The only bridge between the page and the app: `window.abstractRuntime` with `invoke` and
 * `onEvent` (src-shared/preloadApi.ts). A sandboxed preload is one CommonJS file that may
 * require only `electron`, so this file imports nothing else at run time (types only).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/api';
import type { IpcInvokeRequest, PRELOAD_GLOBAL, PreloadApi } from '../../src-shared/preloadApi';

// Literal copies, checked against src-shared by their types: importing api.ts would bundle zod.
const INVOKE: typeof IPC_INVOKE_CHANNEL = 'abstractruntime:invoke';
const EVENT: typeof IPC_EVENT_CHANNEL = 'abstractruntime:event';
const GLOBAL: typeof PRELOAD_GLOBAL = 'abstractRuntime';

export const preloadApi: PreloadApi = {
  invoke: (method, payloadJson) => ipcRenderer.invoke(INVOKE, { method, payloadJson } satisfies IpcInvokeRequest) as Promise<string>,
  onEvent: (listener) => {
    const relay = (_event: IpcRendererEvent, messageJson: string) => listener(messageJson);
    ipcRenderer.on(EVENT, relay);
    return () => {
      ipcRenderer.removeListener(EVENT, relay);
    };
  },
};

contextBridge.exposeInMainWorld(GLOBAL, preloadApi);

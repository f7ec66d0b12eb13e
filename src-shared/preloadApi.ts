/**
 * What the Electron preload exposes to the renderer as `window.abstractRuntime`: the typed
 * API as data (`ApiResult`, because errors lose their class across IPC) and the event stream.
 * Nothing else of Node or Electron reaches the page.
 */
import type { ApiEventMessage, ApiMethod, ApiRequest, ApiResponses, ApiResult } from './api';

export interface PreloadApi {
  invoke<M extends ApiMethod>(method: M, payload: ApiRequest<M>): Promise<ApiResult<ApiResponses[M]>>;
  /** Returns the unsubscribe function. */
  onEvent(listener: (message: ApiEventMessage) => void): () => void;
}

/** The `window` property the preload defines. */
export const PRELOAD_GLOBAL = 'abstractRuntime';

/** The message the renderer sends on IPC_INVOKE_CHANNEL. */
export interface IpcInvokeRequest {
  method: string;
  payload: unknown;
}

declare global {
  interface Window {
    abstractRuntime?: PreloadApi;
  }
}

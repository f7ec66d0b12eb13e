/**
 * What the Electron preload exposes to the renderer as `window.abstractRuntime`: the typed
 * API as data (`ApiResult`, because errors lose their class across IPC) and the event stream.
 * Nothing else of Node or Electron reaches the page.
 */
import type { ApiMethod } from './api';

export interface PreloadApi {
  /**
   * `payloadJson` is the request as JSON text and the promise gives the ApiResult as JSON
   * text: numbers cross exactly (a structured clone would drop a RawNumber's class).
   */
  invoke(method: ApiMethod, payloadJson: string): Promise<string>;
  /** Each message is an ApiEventMessage as JSON text. Returns the unsubscribe function. */
  onEvent(listener: (messageJson: string) => void): () => void;
}

/** The `window` property the preload defines. */
export const PRELOAD_GLOBAL = 'abstractRuntime';

/** The message the renderer sends on IPC_INVOKE_CHANNEL. */
export interface IpcInvokeRequest {
  method: string;
  payloadJson: string;
}

declare global {
  interface Window {
    abstractRuntime?: PreloadApi;
  }
}

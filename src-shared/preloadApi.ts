/**
 * What the Electron preload exposes to the renderer as `window.abstractRuntime`: the typed
 * API as data (`ApiResult`, because errors lose their class across IPC) and the event stream.
 * Nothing else of Node or Electron reaches the page.
 */
import type { ApiMethod } from './api';
import type { BundleFileVerdict } from './bundleFile';

/** What "Open bundle…" answers: the verdict on the file picked, and its name (null: cancelled). */
export type PickedBundleVerdict = (BundleFileVerdict & { fileName: string }) | null;

export interface PreloadApi {
  /**
   * `payloadJson` is the request as JSON text and the promise gives the ApiResult as JSON
   * text: numbers cross exactly (a structured clone would drop a RawNumber's class).
   */
  invoke(method: ApiMethod, payloadJson: string): Promise<string>;
  /** Each message is an ApiEventMessage as JSON text. Returns the unsubscribe function. */
  onEvent(listener: (messageJson: string) => void): () => void;
  /**
   * Verifies a bundle file the person chose or dropped, read from disk by the main process
   * (only its path crosses IPC): the ApiResult of a BundleFileVerdict, as JSON text.
   */
  verifyBundleFile(file: File): Promise<string>;
  /**
   * Shows the main process's "Open bundle" dialog and verifies the file picked there: the
   * ApiResult of `PickedBundleVerdict` (null when the dialog was cancelled), as JSON text.
   */
  openBundleFile(): Promise<string>;
}

/** The channel the two bundle-file calls use, with a BundleFileRequest. */
export const IPC_BUNDLE_FILE_CHANNEL = 'abstractruntime:bundle-file';

/** A file by its path (a chosen or dropped file), or `pick`: the main process asks for one. */
export type BundleFileRequest = { path: string } | { pick: true };

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

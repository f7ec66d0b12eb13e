/**
 * The renderer's only door to the runtime: one `call` per API method and one event stream.
 * Two carriers implement it (Electron IPC, web HTTP + WebSocket); the UI never knows which.
 */
import type { ApiEventMessage, ApiMethod, ApiRequest, ApiResponses, ApiResult } from '../../src-shared/api';
import type { BundleFileVerdict } from '../../src-shared/bundleFile';
import { errorFromPayload } from '../../src-shared/errors';
import type { PickedBundleVerdict } from '../../src-shared/preloadApi';

export type EventListener = (message: ApiEventMessage) => void;

export interface RuntimeClient {
  readonly transport: 'electron' | 'web' | 'memory';
  /** Resolves to the response, or throws the typed error rebuilt from the result's `code`. */
  call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiResponses[M]>;
  /** Subscribes to host events; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void;
  /**
   * Verifies a bundle file without the page parsing it: the web host gets its bytes streamed
   * (no request-size limit applies), Electron's main process reads it from disk by its path.
   * Absent where the carrier has no such path (the caller posts the parsed bundle instead).
   */
  verifyBundleFile?(file: File): Promise<BundleFileVerdict>;
  /** Electron only: the main process's open dialog, then the same verification (null: cancelled). */
  openBundleFile?(): Promise<PickedBundleVerdict>;
  /** Called after the event stream reconnects: whatever was missed must be refetched. */
  onReconnect(listener: () => void): () => void;
  close(): void;
}

/** Unwraps an ApiResult the way every carrier must: failures become typed errors. */
export function unwrapResult<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value;
  throw errorFromPayload(result.error);
}

/** The RuntimeClient over the preload bridge (`window.abstractRuntime`). */
import type { ApiEventMessage, ApiResult } from '../../src-shared/api';
import { unwrapResult, type RuntimeClient } from './RuntimeClient';

/** What the preload exposes (declared by the transports helper in src-shared/preloadApi.ts). */
export interface PreloadBridge {
  invoke(method: string, payload: unknown): Promise<ApiResult<unknown>>;
  onEvent(listener: (message: ApiEventMessage) => void): () => void;
}

export function createElectronClient(bridge: PreloadBridge): RuntimeClient {
  return {
    transport: 'electron',
    async call(method, req) {
      return unwrapResult(await bridge.invoke(method, req)) as never;
    },
    onEvent: (listener) => bridge.onEvent(listener),
    // IPC does not drop: there is no reconnect to report.
    onReconnect: () => () => {},
    close: () => {},
  };
}

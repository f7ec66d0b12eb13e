/** The RuntimeClient over the preload bridge (`window.abstractRuntime`, src-shared/preloadApi.ts). */
import type { PreloadApi } from '../../src-shared/preloadApi';
import { unwrapResult, type RuntimeClient } from './RuntimeClient';

export function createElectronClient(bridge: PreloadApi): RuntimeClient {
  return {
    transport: 'electron',
    async call(method, req) {
      return unwrapResult(await bridge.invoke(method, req));
    },
    onEvent: (listener) => bridge.onEvent(listener),
    // IPC does not drop: there is no reconnect to report.
    onReconnect: () => () => {},
    close: () => {},
  };
}

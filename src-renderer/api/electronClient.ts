/** The RuntimeClient over the preload bridge (`window.abstractRuntime`, src-shared/preloadApi.ts). */
import type { ApiEventMessage, ApiResult } from '../../src-shared/api';
import { readJsonExact, stringifyExact } from '../../src-shared/exactJson';
import type { PreloadApi } from '../../src-shared/preloadApi';
import { unwrapResult, type RuntimeClient } from './RuntimeClient';

export function createElectronClient(bridge: PreloadApi): RuntimeClient {
  return {
    transport: 'electron',
    async call(method, req) {
      const text = await bridge.invoke(method, stringifyExact(req ?? {}));
      return unwrapResult(readJsonExact(text) as unknown as ApiResult<never>);
    },
    // The file stays on disk: the main process reads it (src-main/transport/ipc/bundleFileIpc.ts).
    verifyBundleFile: async (file) => unwrapResult(readJsonExact(await bridge.verifyBundleFile(file)) as unknown as ApiResult<never>),
    openBundleFile: async () => unwrapResult(readJsonExact(await bridge.openBundleFile()) as unknown as ApiResult<never>),
    onEvent: (listener) => bridge.onEvent((json) => listener(readJsonExact(json) as unknown as ApiEventMessage)),
    // IPC does not drop: there is no reconnect to report.
    onReconnect: () => () => {},
    close: () => {},
  };
}

/** Electron when the preload bridge exists, the web host otherwise. */
import type { PreloadApi } from '../../src-shared/preloadApi';
import { createElectronClient } from './electronClient';
import type { RuntimeClient } from './RuntimeClient';
import { createWebClient } from './webClient';

export function pickClient(win: { abstractRuntime?: PreloadApi } = globalThis as never): RuntimeClient {
  return win.abstractRuntime ? createElectronClient(win.abstractRuntime) : createWebClient();
}

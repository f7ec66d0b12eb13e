/** Electron when the preload bridge exists, the web host otherwise. */
import { createElectronClient, type PreloadBridge } from './electronClient';
import type { RuntimeClient } from './RuntimeClient';
import { createWebClient } from './webClient';

export function pickClient(win: { abstractRuntime?: PreloadBridge } = globalThis as never): RuntimeClient {
  return win.abstractRuntime ? createElectronClient(win.abstractRuntime) : createWebClient();
}

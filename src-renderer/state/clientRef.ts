/** The one RuntimeClient the stores talk to (set at startup, replaced by tests). */
import type { RuntimeClient } from '../api/RuntimeClient';

let current: RuntimeClient | null = null;

export function setRuntimeClient(client: RuntimeClient): void {
  current = client;
}

export function runtimeClient(): RuntimeClient {
  if (!current) throw new Error('RuntimeClient not set: call setRuntimeClient() first');
  return current;
}

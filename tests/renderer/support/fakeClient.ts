/**
 * An in-memory RuntimeClient for component tests: each API method is a function the test
 * provides; calls are recorded; events are pushed with `emit`. Unprovided methods fail with
 * UNKNOWN_METHOD, the same typed error a real host sends.
 */
import type { ApiEventMessage, ApiMethod, ApiRequest, ApiResponses } from '../../../src-shared/api';
import { UnknownMethodError } from '../../../src-shared/errors';
import type { RuntimeClient } from '../../../src-renderer/api/RuntimeClient';

export type FakeHandlers = { [M in ApiMethod]?: (req: ApiRequest<M>) => ApiResponses[M] | Promise<ApiResponses[M]> };

export interface FakeClient extends RuntimeClient {
  calls: { method: ApiMethod; req: unknown }[];
  handlers: FakeHandlers;
  emit(message: ApiEventMessage): void;
  reconnect(): void;
  callsTo(method: ApiMethod): unknown[];
}

export function createFakeClient(handlers: FakeHandlers = {}): FakeClient {
  const listeners = new Set<(m: ApiEventMessage) => void>();
  const reconnects = new Set<() => void>();
  const client: FakeClient = {
    transport: 'memory',
    calls: [],
    handlers,
    async call(method, req) {
      client.calls.push({ method, req });
      const h = client.handlers[method] as ((r: unknown) => unknown) | undefined;
      if (!h) throw new UnknownMethodError(`fake client has no ${method}`);
      return (await h(req)) as never;
    },
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onReconnect(l) {
      reconnects.add(l);
      return () => reconnects.delete(l);
    },
    close() {},
    emit: (m) => listeners.forEach((l) => l(m)),
    reconnect: () => reconnects.forEach((l) => l()),
    callsTo: (method) => client.calls.filter((c) => c.method === method).map((c) => c.req),
  };
  return client;
}

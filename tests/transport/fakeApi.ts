/** A tiny in-memory ApiHandlers map plus an event bus: enough to test a transport as an adapter. */
import type { ApiEventName, ApiEvents, ApiHandlers } from '../../src-shared/api';
import { RunNotFoundError } from '../../src-shared/errors';
import type { EventSource } from '../../src-main/transport/eventSource';

export class FakeEvents implements EventSource {
  private readonly listeners = new Map<string, Set<(d: unknown) => void>>();
  on<E extends ApiEventName>(event: E, fn: (d: ApiEvents[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(fn as (d: unknown) => void);
    return () => set.delete(fn as (d: unknown) => void);
  }
  emit<E extends ApiEventName>(event: E, data: ApiEvents[E]): void {
    for (const fn of this.listeners.get(event) ?? []) fn(data);
  }
  count(): number {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

export function fakeHandlers(overrides: Partial<ApiHandlers> = {}): ApiHandlers {
  const notHere = () => {
    throw new RunNotFoundError('no runs in the fake');
  };
  const base = {
    getInfo: () => ({ version: 'test', dataDir: '/tmp/x', dbPath: ':memory:', transport: 'web' as const }),
    listWorkflows: () => [],
    listRuns: () => ({ runs: [], total: 0 }),
  };
  return new Proxy({ ...base, ...overrides } as ApiHandlers, {
    get: (target, prop) => (prop in target ? target[prop as keyof ApiHandlers] : notHere),
  });
}

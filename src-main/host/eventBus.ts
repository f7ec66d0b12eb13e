/** A typed emitter of the API events; a throwing listener never breaks the host or other listeners. */
import type { ApiEventName, ApiEvents } from '../../src-shared/api';

export type Listener<E extends ApiEventName> = (data: ApiEvents[E]) => void;

export interface EventSource {
  on<E extends ApiEventName>(event: E, listener: Listener<E>): () => void;
}

export class EventBus implements EventSource {
  private readonly listeners = new Map<ApiEventName, Set<Listener<never>>>();

  on<E extends ApiEventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  emit<E extends ApiEventName>(event: E, data: ApiEvents[E]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<E>)(data);
      } catch (err) {
        console.error(`[abstractruntime] ${event} listener failed:`, err);
      }
    }
  }

  listenerCount(event: ApiEventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}

/** What a transport needs from the host's event bus: subscribe to one event, get an unsubscribe. */
import type { ApiEventMessage, ApiEventName, ApiEvents } from '../../src-shared/api';

export interface EventSource {
  on<E extends ApiEventName>(event: E, listener: (data: ApiEvents[E]) => void): () => void;
}

export const STREAMED_EVENTS: readonly ApiEventName[] = ['runUpdated', 'ledgerAppended', 'attentionNeeded', 'runsChanged'];

/** Forwards every API event as an `{event, data}` message; returns one unsubscribe for all. */
export function subscribeAll(events: EventSource, send: (msg: ApiEventMessage) => void): () => void {
  const offs = STREAMED_EVENTS.map((name) => events.on(name, (data) => send({ event: name, data } as ApiEventMessage)));
  return () => {
    for (const off of offs) off();
  };
}

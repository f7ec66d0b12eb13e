/**
 * Streams host events to browsers over a WebSocket on `/events` (same origin as the page).
 * A client that cannot keep up is disconnected rather than buffered without bound: the
 * renderer reconnects and refetches, which is cheaper than an ever-growing queue.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiEventMessage } from '../../../src-shared/api';
import { subscribeAll, type EventSource } from '../eventSource';
import { stringifyExact } from '../../../src-shared/exactJson';

const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Close code 1013 "try again later": the client fell too far behind. */
const CLOSE_TOO_SLOW = 1013;

export class EventsSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  constructor(private readonly events: EventSource) {
    this.wss.on('connection', (ws) => this.attach(ws));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  get clientCount(): number {
    return this.wss.clients.size;
  }

  close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private attach(ws: WebSocket): void {
    const unsubscribe = subscribeAll(this.events, (msg) => this.send(ws, msg));
    ws.on('close', unsubscribe);
    ws.on('error', () => ws.terminate());
    // The stream is one-way: anything a client sends is ignored.
    ws.on('message', () => undefined);
  }

  private send(ws: WebSocket, msg: ApiEventMessage): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(CLOSE_TOO_SLOW, 'event stream too far behind: reconnect and refetch');
      return;
    }
    ws.send(stringifyExact(msg));
  }
}

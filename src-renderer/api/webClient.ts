/**
 * The RuntimeClient of the web host: `POST /api/<method>` for calls, one same-origin
 * WebSocket on `/events` for events (a cross-origin socket is blocked by the page's CSP),
 * reconnecting with capped exponential backoff and telling listeners to refetch afterwards.
 * Both carry the session cookie the host set when the page was opened through the link
 * `serve` printed; the token itself is never visible to page scripts (HttpOnly).
 */
import type { ApiEventMessage, ApiResult } from '../../src-shared/api';
import { HTTP_API_PREFIX, HTTP_BUNDLE_UPLOAD_PATH, WS_EVENTS_PATH } from '../../src-shared/transportPaths';
import { errorFromPayload } from '../../src-shared/errors';
import { unwrapResult, type EventListener, type RuntimeClient } from './RuntimeClient';
import { readJsonExact, stringifyExact } from '../../src-shared/exactJson';

export interface WebClientOptions {
  /** Page origin, e.g. `http://127.0.0.1:8080` (default: `location.origin`). */
  origin?: string;
  fetchImpl?: typeof fetch;
  WebSocketImpl?: typeof WebSocket;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export function eventsUrl(origin: string): string {
  const url = new URL(WS_EVENTS_PATH, origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export function createWebClient(opts: WebClientOptions = {}): RuntimeClient {
  const origin = opts.origin ?? globalThis.location.origin;
  const doFetch = opts.fetchImpl ?? globalThis.fetch.bind(globalThis);
  const events = new Set<EventListener>();
  const reconnects = new Set<() => void>();
  const socket = new EventSocket(eventsUrl(origin), opts, events, reconnects);
  return {
    transport: 'web',
    async call(method, req) {
      const res = await doFetch(new URL(HTTP_API_PREFIX + method, origin).toString(), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: stringifyExact(req ?? {}),
      });
      return unwrapResult((await readResult(res)) as ApiResult<never>);
    },
    async verifyBundleFile(file) {
      const res = await doFetch(new URL(HTTP_BUNDLE_UPLOAD_PATH, origin).toString(), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/octet-stream' },
        body: file,
      });
      return unwrapResult((await readResult(res)) as ApiResult<never>);
    },
    onEvent(listener) {
      events.add(listener);
      socket.ensureOpen();
      return () => events.delete(listener);
    },
    onReconnect(listener) {
      reconnects.add(listener);
      return () => reconnects.delete(listener);
    },
    close: () => socket.close(),
  };
}

async function readResult(res: Response): Promise<ApiResult<unknown>> {
  const text = await res.text();
  try {
    // Exact: numbers a JS number cannot hold arrive as RawNumbers, not rounded.
    const parsed = readJsonExact(text) as unknown as ApiResult<unknown>;
    if (parsed && typeof parsed === 'object' && 'ok' in parsed) return parsed;
  } catch {
    // fall through: a proxy or crash page is not an ApiResult
  }
  throw errorFromPayload({ code: 'INTERNAL_ERROR', message: `HTTP ${res.status}: ${text.slice(0, 200)}`, retryable: res.status >= 500 });
}

class EventSocket {
  private ws: WebSocket | null = null;
  private closed = false;
  private attempt = 0;
  private everOpened = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly url: string,
    private readonly opts: WebClientOptions,
    private readonly listeners: Set<EventListener>,
    private readonly reconnects: Set<() => void>,
  ) {}

  ensureOpen(): void {
    if (this.ws || this.closed || this.timer) return;
    const Impl = this.opts.WebSocketImpl ?? globalThis.WebSocket;
    const ws = new Impl(this.url);
    this.ws = ws;
    ws.onopen = () => this.opened();
    ws.onmessage = (m) => this.dispatch(m.data);
    ws.onclose = () => this.lost(ws);
    ws.onerror = () => ws.close();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }

  private opened(): void {
    const wasReconnect = this.everOpened;
    this.everOpened = true;
    this.attempt = 0;
    if (wasReconnect) for (const l of this.reconnects) l();
  }

  private dispatch(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: ApiEventMessage;
    try {
      message = readJsonExact(data) as unknown as ApiEventMessage;
    } catch {
      return; // a malformed frame must not kill the stream
    }
    for (const l of this.listeners) l(message);
  }

  private lost(ws: WebSocket): void {
    if (this.ws !== ws) return;
    this.ws = null;
    if (this.closed) return;
    const base = this.opts.backoffMs ?? 500;
    const delay = Math.min(base * 2 ** this.attempt, this.opts.maxBackoffMs ?? 10_000);
    this.attempt += 1;
    // Every drop is followed by a refetch once open again, even if the first open failed.
    this.everOpened = true;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ensureOpen();
    }, delay);
  }
}

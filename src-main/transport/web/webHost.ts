/**
 * The web host: the inspector and the whole API on one loopback origin, so any browser on
 * this machine can use it and no other site can. `POST /api/<method>`, WebSocket `/events`,
 * and the built renderer for everything else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { HTTP_API_PREFIX, WS_EVENTS_PATH, type ApiHandlers } from '../../../src-shared/api';
import { ForbiddenError, ValidationError } from '../../../src-shared/errors';
import type { EventSource } from '../eventSource';
import { handleApiRequest } from './apiRoute';
import { contentSecurityPolicy, SECURITY_HEADERS } from './csp';
import { EventsSocket } from './eventsSocket';
import { isLoopbackBindAddress, refusalReason } from './originPolicy';
import { sendText, serveStatic } from './staticFiles';

export const DEFAULT_WEB_PORT = 7842;
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface WebHostOptions {
  handlers: ApiHandlers;
  events: EventSource;
  /** 0 picks a free port. */
  port?: number;
  /** Loopback only: 127.0.0.1 (default), ::1 or localhost. */
  host?: string;
  staticDir: string;
  maxBodyBytes?: number;
}

export interface WebHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const bindHost = opts.host ?? '127.0.0.1';
  if (!isLoopbackBindAddress(bindHost)) {
    throw new ValidationError(`the web host binds to loopback only (127.0.0.1, ::1, localhost), not ${bindHost}`, { host: bindHost });
  }
  const socket = new EventsSocket(opts.events);
  let port = 0;
  const server = createServer((req, res) => {
    void route(req, res, port, opts).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });
  server.on('upgrade', (req, sock, head) => upgrade(req, sock, head, port, socket));
  server.on('clientError', (_err, sock) => sock.destroy());
  port = await listen(server, opts.port ?? DEFAULT_WEB_PORT, bindHost);
  const shownHost = bindHost === '::1' ? '[::1]' : bindHost;
  return { url: `http://${shownHost}:${port}/`, port, close: () => closeAll(server, socket) };
}

async function route(req: IncomingMessage, res: ServerResponse, port: number, opts: WebHostOptions): Promise<void> {
  const refused = refusalReason(req.headers, port);
  if (refused) {
    const body = JSON.stringify({ ok: false, error: new ForbiddenError(refused).toPayload() });
    res.writeHead(403, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
    return void res.end(body);
  }
  if ((req.url ?? '').startsWith(HTTP_API_PREFIX)) return handleApiRequest(req, res, opts.handlers, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  return serveStatic(req, res, { staticDir: opts.staticDir, csp: contentSecurityPolicy(port) });
}

function upgrade(req: IncomingMessage, sock: Duplex, head: Buffer, port: number, socket: EventsSocket): void {
  const path = (req.url ?? '').split('?')[0];
  const refused = refusalReason(req.headers, port);
  if (refused || path !== WS_EVENTS_PATH) {
    const status = refused ? '403 Forbidden' : '404 Not Found';
    sock.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${refused ?? 'no such socket'}`);
    return;
  }
  socket.upgrade(req, sock, head);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new ValidationError(`port ${port} on ${host} is already in use: choose another port (0 picks a free one)`, { port }));
      else if (err.code === 'EACCES') reject(new ValidationError(`not allowed to listen on port ${port}: choose a port above 1023`, { port }));
      else reject(err);
    });
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function closeAll(server: Server, socket: EventsSocket): Promise<void> {
  await socket.close();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

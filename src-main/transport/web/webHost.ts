/**
 * The web host: the inspector and the whole API on one loopback origin, so any browser on
 * this machine can use it and no other site can. `POST /api/<method>`, WebSocket `/events`,
 * and the built renderer for everything else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { HTTP_API_PREFIX, WS_EVENTS_PATH, type ApiHandlers } from '../../../src-shared/api';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../../src-shared/errors';
import type { EventSource } from '../eventSource';
import { handleApiRequest } from './apiRoute';
import { handleBundleUpload } from './bundleUpload';
import { HTTP_BUNDLE_UPLOAD_PATH } from '../../../src-shared/transportPaths';
import { contentSecurityPolicy, SECURITY_HEADERS } from './csp';
import { EventsSocket } from './eventsSocket';
import { isLoopbackBindAddress, refusalReason } from './originPolicy';
import { sendText, serveStatic } from './staticFiles';
import { newSessionToken, requestHasToken, sameToken, sessionCookie, sessionUrl, tokenInSessionPath } from './sessionToken';

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
  /** The session token every API call and the event socket must carry (default: a new random one). */
  token?: string;
}

export interface WebHost {
  /** The login URL (`<origin>/session/<token>/`): opening it in a browser starts a session. */
  url: string;
  /** `http://127.0.0.1:<port>` without the token. */
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const bindHost = opts.host ?? '127.0.0.1';
  if (!isLoopbackBindAddress(bindHost)) {
    throw new ValidationError(`the web host binds to loopback only (127.0.0.1, ::1, localhost), not ${bindHost}`, { host: bindHost });
  }
  const socket = new EventsSocket(opts.events);
  const token = opts.token ?? newSessionToken();
  let port = 0;
  const server = createServer((req, res) => {
    void route(req, res, port, token, opts).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });
  server.on('upgrade', (req, sock, head) => upgrade(req, sock, head, port, token, socket));
  server.on('clientError', (_err, sock) => sock.destroy());
  port = await listen(server, opts.port ?? DEFAULT_WEB_PORT, bindHost);
  const shownHost = bindHost === '::1' ? '[::1]' : bindHost;
  const origin = `http://${shownHost}:${port}`;
  return { url: sessionUrl(origin, token), origin, token, port, close: () => closeAll(server, socket) };
}

async function route(req: IncomingMessage, res: ServerResponse, port: number, token: string, opts: WebHostOptions): Promise<void> {
  const refused = refusalReason(req.headers, port);
  if (refused) return sendError(res, 403, new ForbiddenError(refused));
  const path = (req.url ?? '').split('?')[0]!;
  const offered = tokenInSessionPath(path);
  if (offered !== null) {
    if (!sameToken(offered, token))
      return sendError(
        res,
        401,
        new UnauthorizedError('this session link is not the one the running host printed (it changes on every launch)'),
      );
    // The fragment of the link (`#/runs/…`) survives the redirect; the token leaves the address bar.
    res.writeHead(303, { ...SECURITY_HEADERS, 'Set-Cookie': sessionCookie(port, token), Location: '/', 'Cache-Control': 'no-store' });
    return void res.end();
  }
  if (path.startsWith(HTTP_API_PREFIX)) {
    if (!requestHasToken(req.headers, port, token)) {
      req.resume();
      return sendError(
        res,
        401,
        new UnauthorizedError("the web API needs this launch's token: open the URL `serve` printed, or send Authorization: Bearer <token>"),
      );
    }
    return handleApiRequest(req, res, opts.handlers, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  }
  if (path === HTTP_BUNDLE_UPLOAD_PATH) {
    if (!requestHasToken(req.headers, port, token)) {
      req.resume();
      return sendError(
        res,
        401,
        new UnauthorizedError(
          "uploading a bundle needs this launch's token: open the URL `serve` printed, or send Authorization: Bearer <token>",
        ),
      );
    }
    return handleBundleUpload(req, res, opts.handlers);
  }
  return serveStatic(req, res, { staticDir: opts.staticDir, csp: contentSecurityPolicy(port) });
}

function sendError(res: ServerResponse, status: number, err: ForbiddenError | UnauthorizedError): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ ok: false, error: err.toPayload() }));
}

function upgrade(req: IncomingMessage, sock: Duplex, head: Buffer, port: number, token: string, socket: EventsSocket): void {
  const path = (req.url ?? '').split('?')[0];
  const refused = refusalReason(req.headers, port);
  const unauthorized = !refused && path === WS_EVENTS_PATH && !requestHasToken(req.headers, port, token);
  if (refused || unauthorized || path !== WS_EVENTS_PATH) {
    const status = refused ? '403 Forbidden' : unauthorized ? '401 Unauthorized' : '404 Not Found';
    const reason = refused ?? (unauthorized ? "the event socket needs this launch's session token" : 'no such socket');
    sock.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}`);
    return;
  }
  socket.upgrade(req, sock, head);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(new ValidationError(`port ${port} on ${host} is already in use: choose another port (0 picks a free one)`, { port }));
      else if (err.code === 'EACCES')
        reject(new ValidationError(`not allowed to listen on port ${port}: choose a port above 1023`, { port }));
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

/** The web RuntimeClient against a real HTTP + WebSocket server on 127.0.0.1. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { RunNotFoundError } from '../../src-shared/errors';
import type { ApiEventMessage } from '../../src-shared/api';
import { createWebClient, eventsUrl } from '../../src-renderer/api/webClient';
import type { RuntimeClient } from '../../src-renderer/api/RuntimeClient';
import { summary } from './support/fixtures';

let server: Server;
let wss: WebSocketServer;
let client: RuntimeClient | null = null;
const bodies: unknown[] = [];

async function start(): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push({ url: req.url, method: req.method, body: JSON.parse(body || 'null') });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/getRun')
        res.end(JSON.stringify({ ok: false, error: { code: 'RUN_NOT_FOUND', message: 'no run x', retryable: false } }));
      else if (req.url === '/api/getInfo')
        res.end(JSON.stringify({ ok: true, value: { version: '0.1.0', dataDir: '/d', dbPath: '/d/r.db', transport: 'web' } }));
      else {
        res.statusCode = 502;
        res.end('<html>bad gateway</html>');
      }
    });
  });
  wss = new WebSocketServer({ server, path: '/events' });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  client?.close();
  client = null;
  bodies.length = 0;
  for (const ws of wss.clients) ws.terminate();
  await new Promise((r) => wss.close(r));
  await new Promise((r) => server.close(r));
});

const nextConnection = () => new Promise<import('ws').WebSocket>((r) => wss.once('connection', r));

describe('web RuntimeClient', () => {
  it('POSTs the request as JSON to /api/<method> and returns the value', async () => {
    const origin = await start();
    client = createWebClient({ origin, WebSocketImpl: WebSocket as never });
    await expect(client.call('getInfo', {})).resolves.toMatchObject({ transport: 'web', dbPath: '/d/r.db' });
    expect(bodies[0]).toEqual({ url: '/api/getInfo', method: 'POST', body: {} });
  });

  it('rebuilds the typed error from the failure code', async () => {
    client = createWebClient({ origin: await start(), WebSocketImpl: WebSocket as never });
    const err = await client.call('getRun', { runId: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunNotFoundError);
    expect(err).toMatchObject({ code: 'RUN_NOT_FOUND', message: 'no run x' });
  });

  it('reports a non-API reply (proxy page) as INTERNAL_ERROR with the HTTP status', async () => {
    client = createWebClient({ origin: await start(), WebSocketImpl: WebSocket as never });
    await expect(client.call('listWorkflows', {})).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
      message: expect.stringContaining('HTTP 502'),
    });
  });

  it('streams events from the same-origin /events socket and refetches after a reconnect', async () => {
    const origin = await start();
    expect(eventsUrl(origin)).toBe(origin.replace('http:', 'ws:') + '/events');
    client = createWebClient({ origin, WebSocketImpl: WebSocket as never, backoffMs: 5 });
    const got: ApiEventMessage[] = [];
    const firstConn = nextConnection();
    const received = new Promise<void>((r) =>
      client!.onEvent((m) => {
        got.push(m);
        r();
      }),
    );
    const sock = await firstConn;
    sock.send('not json');
    sock.send(JSON.stringify({ event: 'runUpdated', data: { run: summary() } }));
    await received;
    expect(got).toEqual([{ event: 'runUpdated', data: { run: summary() } }]);

    const reconnected = new Promise<void>((r) => client!.onReconnect(r));
    const secondConn = nextConnection();
    sock.terminate();
    await secondConn;
    await reconnected;
  });
});

/**
 * http_get's internal-address refusal through the real resolver: `localhost` is resolved by
 * the system (here through /etc/hosts) to 127.0.0.1, where a real HTTP server listens. A name
 * allowed only by a wildcard is refused inside the connection's lookup, and the server never
 * sees a request; the same name listed exactly reaches it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { lookup } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import { httpGetTool } from '../../src-main/effects/tools/builtins/httpGet';

let server: Server;
let port = 0;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.setHeader('content-type', 'text/plain');
    res.end('inside this machine');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function call(hosts: string[], url: string) {
  const ctx = { signal: new AbortController().signal, callId: 'c1', idempotencyKey: 'k1', now: new Date(), runId: 'r1' };
  return Promise.resolve(httpGetTool(hosts).execute!({ url }, ctx as never)) as Promise<{ status: number; body: string }>;
}

describe('http_get resolves names and refuses internal addresses unless listed by exact name', () => {
  it('the system resolver maps localhost to loopback (what the refusal is about)', async () => {
    const addresses = await lookup('localhost', { all: true });
    expect(addresses.some((a) => a.address === '127.0.0.1')).toBe(true);
  });

  it('refuses localhost allowed only by the "*" wildcard, in the DNS lookup, before any request', async () => {
    const before = seen.length;
    await expect(call(['*'], `http://localhost:${port}/secret`)).rejects.toThrow(
      /localhost resolves to (127\.0\.0\.1|::1), a loopback, link-local or private address: list "localhost" itself/,
    );
    expect(seen.length).toBe(before);
  });

  it('reaches the local server once localhost is listed by its exact name (or name:port)', async () => {
    const byName = await call(['*', 'localhost'], `http://localhost:${port}/by-name`);
    expect(byName).toMatchObject({ status: 200, body: 'inside this machine' });
    const byHostPort = await call([`localhost:${port}`], `http://localhost:${port}/by-host-port`);
    expect(byHostPort).toMatchObject({ status: 200, body: 'inside this machine' });
    expect(seen).toEqual(expect.arrayContaining(['/by-name', '/by-host-port']));
  });

  it('refuses localhost when it is not listed at all, and 127.0.0.1 allowed only by "*"', async () => {
    await expect(call(['*.example.com'], `http://localhost:${port}/`)).rejects.toThrow(/host localhost:\d+ is not in the allow-list/);
    await expect(call(['*'], `http://127.0.0.1:${port}/`)).rejects.toThrow(/127\.0\.0\.1 is a loopback, link-local or private address/);
  });
});

import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../src-main/transport/web/index';
import { STREAMED_EVENTS } from '../../src-main/transport/eventSource';
import { FakeEvents, fakeHandlers } from './fakeApi';
import { httpRequest, postApi, withToken } from './httpClient';
import { writeFakeRenderer } from './fakeRenderer';

let dir: string;
let web: WebHost;
const events = new FakeEvents();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-websec-'));
  const staticDir = writeFakeRenderer(dir);
  symlinkSync(join(dir, 'secret.txt'), join(staticDir, 'assets', 'link.txt'));
  process.env.ABSTRACTRUNTIME_QUIET_INTERNAL = '1';
  web = await startWebHost({
    handlers: fakeHandlers({
      getInfo: () => {
        throw new Error('database exploded at /secret/path');
      },
    }),
    events,
    port: 0,
    staticDir,
    maxBodyBytes: 1024,
  });
});
afterAll(async () => {
  await web.close();
  delete process.env.ABSTRACTRUNTIME_QUIET_INTERNAL;
  rmSync(dir, { recursive: true, force: true });
});

function openSocket(headers: Record<string, string>): Promise<{ ws: WebSocket; status: number | null }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/events`, { headers: withToken(web.url, headers) });
    ws.on('open', () => resolve({ ws, status: null }));
    ws.on('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ ws, status: -1 }));
  });
}

describe('web host: origin policy', () => {
  it('binds to 127.0.0.1 only and refuses a public bind address', async () => {
    expect(web.origin).toBe(`http://127.0.0.1:${web.port}`);
    expect(web.url).toBe(`http://127.0.0.1:${web.port}/session/${web.token}/`);
    await expect(startWebHost({ handlers: fakeHandlers(), events, port: 0, host: '0.0.0.0', staticDir: dir })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });

  it('accepts same-origin API calls and calls without Origin (curl, the CLI)', async () => {
    const same = await postApi(web.url, 'listRuns', {}, { Origin: `http://127.0.0.1:${web.port}` });
    expect(same.status).toBe(200);
    const local = await postApi(web.url, 'listRuns', {}, { Origin: `http://localhost:${web.port}` });
    expect(local.status).toBe(200);
    const none = await postApi(web.url, 'listRuns', {});
    expect(none.result).toEqual({ ok: true, value: { runs: [], total: 0 } });
  });

  it('refuses other origins with 403 FORBIDDEN', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${web.port + 1}`, 'null', `https://127.0.0.1:${web.port}`]) {
      const { status, result } = await postApi(web.url, 'listRuns', {}, { Origin: origin });
      expect(status, origin).toBe(403);
      expect(result.error?.code).toBe('FORBIDDEN');
    }
    const page = await httpRequest(web.url, { path: '/', headers: { Origin: 'http://evil.example' } });
    expect(page.status).toBe(403);
  });

  it('refuses a Host header naming another site (DNS rebinding)', async () => {
    const { status, result } = await postApi(web.url, 'listRuns', {}, { Host: `evil.example:${web.port}` });
    expect(status).toBe(403);
    expect(result.error?.message).toContain('evil.example');
    const page = await httpRequest(web.url, { path: '/', headers: { Host: 'attacker.test' } });
    expect(page.status).toBe(403);
  });

  it('refuses a WebSocket upgrade from another origin or host, accepts our own', async () => {
    const evil = await openSocket({ Origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    const rebound = await openSocket({ Host: `evil.example:${web.port}` });
    expect(rebound.status).toBe(403);
    const ok = await openSocket({ Origin: `http://127.0.0.1:${web.port}` });
    expect(ok.status).toBeNull();
    ok.ws.close();
  });
});

describe('web host: API errors', () => {
  it('a non-JSON body → 400 VALIDATION_ERROR', async () => {
    const res = await httpRequest(web.url, {
      method: 'POST',
      path: '/api/listRuns',
      headers: { 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('VALIDATION_ERROR');
  });

  it('an empty body means an empty request', async () => {
    const res = await httpRequest(web.url, { method: 'POST', path: '/api/listRuns', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(200);
  });

  it('a body that is not application/json → 415 (a cross-site form cannot call the API)', async () => {
    const res = await httpRequest(web.url, {
      method: 'POST',
      path: '/api/listRuns',
      headers: { 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body).error.code).toBe('VALIDATION_ERROR');
  });

  it('GET on the API → 405', async () => {
    const res = await httpRequest(web.url, { path: '/api/listRuns' });
    expect(res.status).toBe(405);
  });

  it('a body over the limit → 413', async () => {
    const { status, result } = await postApi(web.url, 'listRuns', { search: 'x'.repeat(5000) });
    expect(status).toBe(413);
    expect(result.error?.message).toContain('1024 bytes');
  });

  it('a handler crash → 500 INTERNAL_ERROR without a stack trace', async () => {
    const res = await httpRequest(web.url, {
      method: 'POST',
      path: '/api/getInfo',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(500);
    const body = JSON.parse(res.body);
    expect(body.error.code).toBe('INTERNAL_ERROR');
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a typed handler error keeps its code and status', async () => {
    const { status, result } = await postApi(web.url, 'getRun', { runId: 'r1' });
    expect(status).toBe(404);
    expect(result.error).toMatchObject({ code: 'RUN_NOT_FOUND', retryable: false });
  });
});

describe('web host: static renderer', () => {
  it('serves index.html with a strict CSP naming its own WebSocket origin', async () => {
    const res = await httpRequest(web.url, { path: '/' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${web.port} ws://localhost:${web.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves assets with their MIME type and falls back to index.html for app routes only', async () => {
    expect((await httpRequest(web.url, { path: '/assets/app.js' })).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await httpRequest(web.url, { path: '/assets/app.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
    const route = await httpRequest(web.url, { path: '/runs/abc?x=1' });
    expect(route.status).toBe(200);
    expect(route.body).toContain('<title>inspector</title>');
    expect((await httpRequest(web.url, { path: '/assets/missing.js' })).status).toBe(404);
  });

  it('never serves a file outside the folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/link.txt',
      '/%00',
    ]) {
      const res = await httpRequest(web.url, { path });
      expect(res.body, path).not.toContain('do not serve me');
      expect(res.status, path).not.toBe(500);
    }
  });

  it('says to run npm run build:web when the renderer is not built', async () => {
    const bare = await startWebHost({ handlers: fakeHandlers(), events, port: 0, staticDir: join(dir, 'nowhere') });
    try {
      const res = await httpRequest(bare.url, { path: '/' });
      expect(res.status).toBe(503);
      expect(res.body).toContain('npm run build:web');
      expect((await postApi(bare.url, 'listRuns', {})).status).toBe(200);
    } finally {
      await bare.close();
    }
  });
});

describe('web host: event stream', () => {
  it('streams host events as {event, data} JSON and unsubscribes on close', async () => {
    const before = events.count();
    const { ws } = await openSocket({ Origin: `http://127.0.0.1:${web.port}` });
    const got = new Promise<unknown>((resolve) => ws.once('message', (m) => resolve(JSON.parse(String(m)))));
    // The server subscribes before it answers the upgrade, so the stream is live once open.
    expect(events.count()).toBe(before + STREAMED_EVENTS.length);
    events.emit('attentionNeeded', { runId: 'r1', workflowId: 'w', reason: 'user', prompt: 'ok?' });
    expect(await got).toEqual({ event: 'attentionNeeded', data: { runId: 'r1', workflowId: 'w', reason: 'user', prompt: 'ok?' } });
    const closed = new Promise((r) => ws.once('close', r));
    ws.close();
    await closed;
    await vi.waitFor(() => expect(events.count()).toBe(before));
  });

  it('refuses upgrades on other paths', async () => {
    const res = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/other`);
      ws.on('unexpected-response', (_q, r) => resolve(r.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(res).toBe(404);
  });
});

describe('web host: the bundle upload path keeps the API token rules', () => {
  const upload = (headers: Record<string, string>) =>
    httpRequest(web.url, {
      method: 'POST',
      path: '/upload/verify-bundle',
      headers: { 'Content-Type': 'application/octet-stream', ...headers },
      body: '{}',
    });

  it("refuses an upload without this launch's token", async () => {
    const res = await upload({ Authorization: '' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error.code).toBe('UNAUTHORIZED');
  });

  it('refuses an upload from another site', async () => {
    const res = await upload({ Origin: 'http://evil.example' });
    expect(res.status).toBe(403);
  });

  it('refuses a body type a cross-site form could send (text/plain)', async () => {
    const res = await upload({ 'Content-Type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body).error.message).toContain('application/octet-stream');
  });

  it('takes bodies larger than the API limit (1 KiB here) and answers through verifyBundle', async () => {
    const res = await httpRequest(web.url, {
      method: 'POST',
      path: '/upload/verify-bundle',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: JSON.stringify({ pad: 'x'.repeat(4096) }),
    });
    expect(res.status).not.toBe(413);
    // The fake API has no runs: its verifyBundle answering at all shows the body got through.
    expect(JSON.parse(res.body).error.code).toBe('RUN_NOT_FOUND');
  });
});

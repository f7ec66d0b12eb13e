/**
 * Case 7 of issue #11: the web API requires this launch's secret. Without it every API
 * method answers 401 and changes nothing (no settings moved, no run started), and the
 * event socket refuses the upgrade. The session link sets an HttpOnly, SameSite=Strict
 * cookie scoped to the port; `serve --token-file` writes the token with mode 0600.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { API_METHODS } from '../../src-shared/api';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { startWebHost, type WebHost } from '../../src-main/transport/web/index';
import { httpRequest } from '../transport/httpClient';
import { ROOT } from '../reliability/support/processes';

let dir: string;
let host: RuntimeHost;
let web: WebHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-sec-token-'));
  mkdirSync(join(dir, 'static'));
  writeFileSync(join(dir, 'static', 'index.html'), '<!doctype html><title>inspector</title>');
  host = await RuntimeHost.open({ dbPath: join(dir, 'runtime.db'), dataDir: join(dir, 'data'), env: {}, projectFile: null });
  await createApiHandlers(host).setSettings({ llm: { mode: 'local', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: 'sk-kept' } });
  web = await startWebHost({
    handlers: createApiHandlers(host, { transport: 'web' }),
    events: host.events,
    port: 0,
    staticDir: join(dir, 'static'),
  });
});

afterAll(async () => {
  await web?.close();
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  httpRequest(web.origin, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

function socketStatus(headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/events`, { headers });
    ws.once('open', () => (ws.close(), resolve('open')));
    ws.once('unexpected-response', (_q, r) => resolve(r.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

describe('the web API requires this launch’s token', () => {
  it('every method without the token (or with a wrong one) answers 401 UNAUTHORIZED and changes nothing', async () => {
    const before = await createApiHandlers(host).listRuns({});
    for (const method of API_METHODS) {
      for (const headers of [
        {},
        { Authorization: 'Bearer wrong' },
        { Cookie: `ar_session_${web.port}=wrong` },
        { Cookie: `ar_session_${web.port + 1}=${web.token}` },
      ] as Record<string, string>[]) {
        const res = await post(
          method,
          method === 'setSettings' ? { llm: { baseUrl: 'http://127.0.0.1:1/v1' } } : { workflowId: 'examples.counter' },
          headers,
        );
        expect(res.status, `${method} ${JSON.stringify(headers)}`).toBe(401);
        expect(JSON.parse(res.body).error.code).toBe('UNAUTHORIZED');
      }
    }
    const settings = await createApiHandlers(host).getSettings({});
    expect(settings.llm).toMatchObject({ baseUrl: 'http://127.0.0.1:9/v1', apiKeySet: true });
    expect((await createApiHandlers(host).listRuns({})).total).toBe(before.total);
  });

  it('the Bearer token works for scripts', async () => {
    const res = await post('getInfo', {}, { Authorization: `Bearer ${web.token}` });
    expect(res.status).toBe(200);
  });

  it('the session link sets an HttpOnly SameSite=Strict cookie for this port and redirects to the app', async () => {
    const login = await httpRequest(web.origin, { path: `/session/${web.token}/` });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toContain(`ar_session_${web.port}=${web.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const withCookie = await post('getInfo', {}, { Cookie: `ar_session_${web.port}=${web.token}` });
    expect(withCookie.status).toBe(200);
    const wrong = await httpRequest(web.origin, { path: '/session/not-the-token/' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('the event socket needs the token too; the origin checks still apply with it', async () => {
    expect(await socketStatus({})).toBe(401);
    expect(await socketStatus({ Cookie: `ar_session_${web.port}=nope` })).toBe(401);
    expect(await socketStatus({ Cookie: `ar_session_${web.port}=${web.token}` })).toBe('open');
    expect(await socketStatus({ Cookie: `ar_session_${web.port}=${web.token}`, Origin: 'http://evil.example' })).toBe(403);
    const cross = await post('getInfo', {}, { Authorization: `Bearer ${web.token}`, Origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
  });

  it('each launch has its own token', async () => {
    const other = await startWebHost({ handlers: createApiHandlers(host), events: host.events, port: 0, staticDir: join(dir, 'static') });
    try {
      expect(other.token).not.toBe(web.token);
      expect(other.token.length).toBeGreaterThanOrEqual(40);
    } finally {
      await other.close();
    }
  });
});

describe('serve --token-file', () => {
  it('writes the token with mode 0600 and prints the session link', async () => {
    const tokenFile = join(dir, 'token');
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin/abstractruntime.mjs'),
        '--db',
        join(dir, 'serve.db'),
        '--json',
        'serve',
        '--port',
        '0',
        '--static',
        join(dir, 'static'),
        '--token-file',
        tokenFile,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, ABSTRACTRUNTIME_HOME: join(dir, 'serve-home') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const doc = await new Promise<{ url: string; origin: string }>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += String(d);
          try {
            resolve(JSON.parse(out));
          } catch {
            // incomplete
          }
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const token = readFileSync(tokenFile, 'utf8').trim();
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      expect(doc.url).toBe(`${doc.origin}/session/${token}/`);
      const ok = await httpRequest(doc.origin, {
        method: 'POST',
        path: '/api/getInfo',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: '{}',
      });
      expect(ok.status).toBe(200);
      const refused = await httpRequest(doc.origin, {
        method: 'POST',
        path: '/api/getInfo',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(refused.status).toBe(401);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});

/**
 * Security promises: the web host listens on loopback only and refuses other origins and
 * rebound host names (HTTP and WebSocket); the renderer has no Node access (Electron window
 * preferences, no Node or Electron imports in renderer code, nothing Node-like in the page).
 * API-key absence is in apiKeyAbsence.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { startWebHost, type WebHost } from '../../src-main/transport/web/index';
import { ROOT } from './support/processes';

let dir: string;
let host: RuntimeHost;
let web: WebHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-sec-'));
  mkdirSync(join(dir, 'static'));
  writeFileSync(join(dir, 'static', 'index.html'), '<!doctype html><title>inspector</title>');
  host = await RuntimeHost.open({ dbPath: join(dir, 'runs.db'), dataDir: join(dir, 'data') });
  web = await startWebHost({ handlers: createApiHandlers(host), events: host.events, port: 0, staticDir: join(dir, 'static') });
});

afterAll(async () => {
  await web?.close();
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

function externalAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

function canConnect(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port, timeout: 2000 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

const api = (headers: Record<string, string>) =>
  fetch(new URL('/api/getInfo', web.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${web.token}`, ...headers },
    body: '{}',
  });

describe('web host exposure', () => {
  it('listens on 127.0.0.1 only and refuses to bind elsewhere', async () => {
    expect(web.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await canConnect('127.0.0.1', web.port)).toBe(true);
    const ext = externalAddress();
    if (ext) expect(await canConnect(ext, web.port), `reachable on ${ext}`).toBe(false);
    await expect(
      startWebHost({ handlers: createApiHandlers(host), events: host.events, port: 0, host: '0.0.0.0', staticDir: dir }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });

  it('refuses other origins and rebound host names', async () => {
    expect((await api({})).status).toBe(200);
    expect((await api({ origin: web.origin })).status).toBe(200);
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${web.port + 1}`, 'https://127.0.0.1']) {
      const res = await api({ origin });
      expect(res.status, origin).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
    // DNS rebinding: a foreign name resolving to 127.0.0.1 still carries its own Host header.
    const rebound = await new Promise<number>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: web.port }, () =>
        s.write(
          `POST /api/getInfo HTTP/1.1\r\nHost: evil.example:${web.port}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${web.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
        ),
      );
      let text = '';
      s.on('data', (d) => (text += d.toString()));
      s.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1])));
      s.on('error', reject);
    });
    expect(rebound).toBe(403);
  });

  it('refuses cross-origin WebSocket event streams', async () => {
    const attempt = (origin: string | undefined) =>
      new Promise<'open' | 'refused'>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${web.port}/events`, {
          headers: { authorization: `Bearer ${web.token}` },
          ...(origin ? { origin } : {}),
        });
        ws.once('open', () => (ws.close(), resolve('open')));
        ws.once('error', () => resolve('refused'));
        ws.once('unexpected-response', () => resolve('refused'));
      });
    expect(await attempt(`http://127.0.0.1:${web.port}`)).toBe('open');
    expect(await attempt('http://evil.example')).toBe('refused');
  });

  it('serves pages with a same-origin Content-Security-Policy', async () => {
    const res = await fetch(web.url);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-eval'/);
  });
});

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const p = join(folder, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

describe('renderer isolation', () => {
  it('the Electron window gives the page no Node: isolation, sandbox, no integration', () => {
    const text = readFileSync(join(ROOT, 'src-main/electron/desktopWindow.ts'), 'utf8');
    for (const setting of [
      'contextIsolation: true',
      'sandbox: true',
      'nodeIntegration: false',
      'nodeIntegrationInWorker: false',
      'webviewTag: false',
    ]) {
      expect(text, setting).toContain(setting);
    }
    const preload = readFileSync(join(ROOT, 'src-main/electron/preload.ts'), 'utf8');
    expect(preload).toContain('contextBridge.exposeInMainWorld');
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*\b(ipcRenderer|require|process)\b\s*\)/);
  });

  it('renderer code imports neither Node built-ins nor Electron', () => {
    const offenders = sourceFiles(join(ROOT, 'src-renderer')).filter((f) =>
      /from\s+['"](node:[^'"]+|fs|path|child_process|os|electron|better-sqlite3)['"]|require\(/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});

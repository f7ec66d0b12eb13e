import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writeFakeRenderer } from '../transport/fakeRenderer';
import { httpRequest } from '../transport/httpClient';
import { cliEnv, ROOT } from './cliRunner';

// Each CLI call is a fresh Node process compiling TypeScript: slow on a busy 2-core machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

const dir = mkdtempSync(join(tmpdir(), 'ar-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start without a usable Electron', () => {
  // Without a display the desktop app cannot open on Linux, whether or not the binary exists.
  it.skipIf(process.platform !== 'linux')('explains how to get the desktop app and serves the inspector instead', async () => {
    const env = { ...cliEnv(join(dir, 'home')), ABSTRACTRUNTIME_DB: join(dir, 'start.db'), ABSTRACTRUNTIME_WEB_DIR: writeFakeRenderer(dir), DISPLAY: '', WAYLAND_DISPLAY: '' };
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /web host on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`start exited ${code}: ${stdout}`)));
    });
    expect(stdout).toContain('AbstractRuntime desktop cannot start here');
    expect(stdout).toContain('node node_modules/electron/install.js');
    expect(stdout).toContain('npm run rebuild:electron');
    expect(stdout).toContain('npm run serve');
    expect((await httpRequest(url, { path: '/' })).status).toBe(200);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writeFakeRenderer } from '../transport/fakeRenderer';
import { httpRequest } from '../transport/httpClient';
import { cliEnv, ROOT } from './cliRunner';

// npm start builds nothing here (a fake renderer), but it spawns the CLI and, in the offline
// case, Electron's installer: allow for a busy 2-core machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

const dir = mkdtempSync(join(tmpdir(), 'ar-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const electronBinaryPresent = existsSync(join(ROOT, 'node_modules/electron/path.txt'));

/** Runs `npm start` (scripts/start.mjs) until the web host it falls back to answers; returns what it printed. */
async function startUntilServing(env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--port', '0'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const take = (d: Buffer) => {
      output += d;
      const m = /web host on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (m) resolve(m[1]!);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (code) => reject(new Error(`start exited ${code}: ${output}`)));
  });
  expect((await httpRequest(url, { path: '/' })).status).toBe(200);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  return output;
}

function baseEnv(name: string): NodeJS.ProcessEnv {
  return {
    ...cliEnv(join(dir, name)),
    ABSTRACTRUNTIME_DB: join(dir, `${name}.db`),
    ABSTRACTRUNTIME_WEB_DIR: writeFakeRenderer(join(dir, name)),
  };
}

describe('npm start without a usable Electron', () => {
  // Without a display the desktop app cannot open on Linux, whether or not the binary exists.
  it.skipIf(process.platform !== 'linux')('without a display: explains, downloads nothing, and serves the inspector instead', async () => {
    const out = await startUntilServing({ ...baseEnv('nodisplay'), DISPLAY: '', WAYLAND_DISPLAY: '' });
    expect(out).toContain('AbstractRuntime desktop cannot start here: there is no display');
    expect(out).not.toContain('downloading it');
    expect(out).toContain('node node_modules/electron/install.js');
    expect(out).toContain('npm run rebuild:electron');
    expect(out).toContain('npm run serve');
  });

  // The download is pointed at a closed local port, so "offline" holds on any machine.
  it.skipIf(electronBinaryPresent)(
    "with a display but no network: tries Electron's installer, then serves the inspector instead",
    async () => {
      const env: NodeJS.ProcessEnv = {
        ...baseEnv('offline'),
        DISPLAY: ':99',
        ELECTRON_MIRROR: 'http://127.0.0.1:9/',
        electron_config_cache: join(dir, 'electron-cache'),
      };
      delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
      const out = await startUntilServing(env);
      expect(out).toContain("downloading it with Electron's installer (node node_modules/electron/install.js)");
      expect(out).toContain('AbstractRuntime desktop cannot start here: the Electron binary could not be downloaded (no internet access?)');
      expect(existsSync(join(ROOT, 'node_modules/electron/path.txt'))).toBe(false);
    },
  );

  it.skipIf(electronBinaryPresent)('ELECTRON_SKIP_BINARY_DOWNLOAD is respected: no download attempt, the web host instead', async () => {
    const out = await startUntilServing({ ...baseEnv('skip'), DISPLAY: ':99', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(out).not.toContain('downloading it');
    expect(out).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD is set');
  });
});

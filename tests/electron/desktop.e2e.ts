/**
 * The real desktop app: built main/preload/renderer, launched with Playwright's Electron
 * driver on a temporary data folder. Skips with the reason where it cannot run (no Electron
 * binary, no display, better-sqlite3 not built for Electron).
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const pathFile = join(root, 'node_modules/electron/path.txt');
const exe = existsSync(pathFile) ? join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim()) : null;
const nativeForElectron = join(root, 'out/node_modules/better-sqlite3/build/Release/better_sqlite3.node');

function skipReason(): string | null {
  if (!exe || !existsSync(exe))
    return 'Electron binary absent (node_modules/electron/dist missing): run `node node_modules/electron/install.js` on a connected machine';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'no display (set DISPLAY, e.g. under xvfb-run)';
  if (!existsSync(nativeForElectron)) return 'better-sqlite3 not built for Electron: run `npm run rebuild:electron`';
  return null;
}

const reason = skipReason();
// Skipped only where Electron cannot run (no binary, no display, no native build), saying
// which, on the console and in the report: the issue asks for exactly this where the binary
// cannot be downloaded (as here and in CI). Everything else it checks runs through the web
// host in Chromium (tests/e2e) and the mocked-electron wiring tests (tests/electron/*.test.ts).
if (reason !== null) console.log(`[desktop e2e] skipped: ${reason}`);
// Playwright skips a test that carries a `skip` annotation, and reports its description.
const whereElectronRuns = { annotation: reason === null ? [] : [{ type: 'skip', description: `desktop e2e cannot run here: ${reason}` }] };

test('the desktop app opens the inspector over IPC on its own database', whereElectronRuns, async () => {
  execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  const home = mkdtempSync(join(tmpdir(), 'ar-electron-'));
  const app = await electron.launch({
    executablePath: exe!,
    args: [root],
    env: { ...process.env, ABSTRACTRUNTIME_HOME: home } as Record<string, string>,
  });
  try {
    const page = await app.firstWindow();
    await expect(page).toHaveTitle(/AbstractRuntime/);
    const exposed = await page.evaluate(() => Object.keys((window as unknown as { abstractRuntime: object }).abstractRuntime).sort());
    expect(exposed).toEqual(['invoke', 'onEvent']);
    const started = await page.evaluate(() => (window as any).abstractRuntime.invoke('startRun', { workflowId: 'examples.approval' }));
    expect(started).toMatchObject({ ok: true, value: { status: 'waiting' } });
    await expect(page).toHaveTitle(/1 waiting/);
    const noNode = await page.evaluate(() => typeof (globalThis as { require?: unknown }).require);
    expect(noNode).toBe('undefined');
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});

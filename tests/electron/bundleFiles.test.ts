/**
 * Electron's Audit path with a mocked `electron`: the window's main process verifies bundle
 * files from disk (its own open dialog, or the path of a chosen/dropped file the preload
 * gives), through the real API handlers over a real host, so no bundle crosses IPC.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { importBundle } from '../../src-main/ledger/importBundle';
import { readBundleFile } from '../../src-main/ledger/bundleFile';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { IPC_BUNDLE_FILE_CHANNEL } from '../../src-shared/preloadApi';
import { FakeEvents } from '../transport/fakeApi';
import { memoryHost } from '../host/hostFixture';
import { FakeBrowserWindow, makeFakeElectron } from './fakeElectron';

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof makeFakeElectron> | null }));
vi.mock('electron', async () => {
  const { makeFakeElectron } = await import('./fakeElectron');
  fake.current = makeFakeElectron();
  return fake.current.module;
});

const { createDesktopWindow } = await import('../../src-main/electron/desktopWindow');
const electron = await import('electron');
const dialog = electron.dialog as unknown as ReturnType<typeof makeFakeElectron>['module']['dialog'];

const pages = { indexHtml: '/app/out/renderer/index.html', devServerUrl: null };
const appUrl = 'file:///app/out/renderer/index.html#/audit';
const WRITER = join(import.meta.dirname, '../support/bundleFileChild.ts');

let dir: string;
let win: FakeBrowserWindow;
let small: string;

/** A genuine export, written by a child process: this process never holds its bytes. */
function writeBundle(file: string, mb: number): string {
  execFileSync(process.execPath, ['--import', 'tsx', WRITER, file, String(mb)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return file;
}

async function call(request: unknown, frame: { url: string; parent: unknown } | null = { url: appUrl, parent: null }) {
  const handler = fake.current!.handlers.get(IPC_BUNDLE_FILE_CHANNEL)!;
  return JSON.parse((await handler({ sender: { id: win.webContents.id }, senderFrame: frame }, request)) as string) as {
    ok: boolean;
    value?: Record<string, any> | null;
    error?: { code: string; message: string };
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-electron-bundles-'));
  const { host } = await memoryHost({ dataDir: dir });
  const created = createDesktopWindow({
    handlers: createApiHandlers(host, { transport: 'electron' }),
    events: new FakeEvents(),
    pages,
    preloadPath: '/app/out/preload/preload.cjs',
  });
  win = created.window as unknown as FakeBrowserWindow;
  // 0.2 MB: above the 64 KiB threshold, so the note is an artifact the first record references.
  small = writeBundle(join(dir, 'small.bundle.json'), 0.2);
}, 60_000);
afterAll(() => {
  win?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Electron Audit: bundle files verified from disk in the main process', () => {
  it('"Open bundle…" shows the main process dialog and verifies the file picked, with the first records to browse', async () => {
    dialog.nextOpen = { canceled: false, filePaths: [small] };
    const res = await call({ pick: true });
    expect(dialog.opened.at(-1)).toMatchObject({ window: win, options: { properties: ['openFile'] } });
    expect(res).toMatchObject({ ok: true, value: { valid: true, fileName: 'small.bundle.json', records: 1 } });
    expect(res.value!.preview.recordCount).toBe(1);
    expect(res.value!.preview.records[0]).toMatchObject({ seq: 0, signature: null });
    expect(JSON.parse(res.value!.preview.records[0].body)).toMatchObject({ kind: 'run_started' });
    // The answer carries no artifact content: the bundle's bulk never crosses IPC.
    expect(JSON.stringify(res).length).toBeLessThan(statSync(small).size / 4);

    dialog.nextOpen = { canceled: true, filePaths: [] };
    expect(await call({ pick: true })).toEqual({ ok: true, value: null });
  });

  it('a chosen or dropped file is verified by its path; one byte changed in its artifact is refused', async () => {
    expect(await call({ path: small })).toMatchObject({ ok: true, value: { valid: true } });
    const bundle = JSON.parse(readFileSync(small, 'utf8')) as { artifacts: { base64: string }[] };
    const a = bundle.artifacts[0]!;
    a.base64 = (a.base64[0] === 'A' ? 'B' : 'A') + a.base64.slice(1);
    const changed = join(dir, 'changed.bundle.json');
    writeFileSync(changed, JSON.stringify(bundle));
    const res = await call({ path: changed });
    expect(res).toMatchObject({ ok: true, value: { valid: false, reason: 'hash_mismatch', preview: null } });
    expect(res.value!.message).toContain('does not match its content');
  });

  it('refuses what is not a bundle file on disk, other senders, and a page naming any file', async () => {
    expect(await call({ path: '' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR', message: expect.stringContaining('no path on disk') },
    });
    expect(await call({ path: '/etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR', message: expect.stringContaining('.json') },
    });
    expect(await call({ path: 'relative.json' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } });
    expect(await call({ path: join(dir, 'missing.json') })).toMatchObject({ ok: false, error: { code: 'IMPORT_FAILED' } });
    writeFileSync(join(dir, 'broken.json'), '{"format": "abstractruntime-bundle", ');
    expect(await call({ path: join(dir, 'broken.json') })).toMatchObject({
      ok: false,
      error: { code: 'BUNDLE_INVALID', message: expect.stringContaining('not JSON') },
    });
    expect(await call({ path: small }, { url: 'https://evil.example/', parent: null })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await call({ path: small }, { url: appUrl, parent: {} })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('a bundle read for verification only cannot be imported (its artifacts were hashed, not kept)', async () => {
    const read = await readBundleFile(small);
    expect(() => importBundle(new MemoryStore(), read)).toThrow(/verification only cannot be imported/);
  });

  it('a 100 MB bundle verifies from disk with memory bounded', async () => {
    const big = writeBundle(join(dir, 'big.bundle.json'), 78);
    const size = statSync(big).size;
    expect(size).toBeGreaterThan(100 * 1024 * 1024);
    const before = process.memoryUsage();
    const peak = { rss: before.rss, heap: before.heapUsed + before.arrayBuffers };
    const sample = setInterval(() => {
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heap = Math.max(peak.heap, m.heapUsed + m.arrayBuffers);
    }, 2);
    dialog.nextOpen = { canceled: false, filePaths: [big] };
    const res = await call({ pick: true });
    clearInterval(sample);
    expect(res).toMatchObject({ ok: true, value: { valid: true, fileName: 'big.bundle.json' } });
    const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
    const growth = {
      file: mib(size),
      rss: mib(peak.rss - before.rss),
      heapAndBuffers: mib(peak.heap - before.heapUsed - before.arrayBuffers),
    };
    console.log(`100 MB bundle verified from disk: ${JSON.stringify(growth)} (MiB)`);
    // Held whole it would be the file twice over at least (text, then its decoded artifact).
    expect(growth.heapAndBuffers).toBeLessThan(growth.file / 2);
    expect(growth.rss).toBeLessThan(growth.file / 2);

    const bundle = JSON.parse(readFileSync(big, 'utf8')) as { artifacts: { base64: string }[] };
    const a = bundle.artifacts[0]!;
    a.base64 = a.base64.slice(0, 1000) + (a.base64[1000] === 'A' ? 'B' : 'A') + a.base64.slice(1001);
    writeFileSync(big, JSON.stringify(bundle));
    const changed = await call({ path: big });
    expect(changed).toMatchObject({ ok: true, value: { valid: false, reason: 'hash_mismatch' } });
  }, 180_000);
});

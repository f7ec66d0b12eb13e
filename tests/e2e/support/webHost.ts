/**
 * Starts the real web host (`abstractruntime serve --port 0`) as a child process on a fresh
 * data folder, and drives the CLI and HTTP API against the same database.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(ROOT, 'bin/abstractruntime.mjs');
/** Below Playwright's 60 s hook timeout, so the child is killed here rather than leaked. */
const START_TIMEOUT_MS = 45_000;

export interface WebHost {
  /**
   * The session link `serve` prints (`<origin>/session/<token>`, no trailing slash):
   * `page.goto(`${url}/#/runs`)` signs the page in (cookie) and lands on `/#/runs`.
   */
  url: string;
  /** `http://127.0.0.1:<port>`, for requests that send `token` themselves. */
  origin: string;
  /** This launch's API token (`Authorization: Bearer <token>`). */
  token: string;
  dbPath: string;
  home: string;
  /** Runs the CLI with `--json` against this host's database; returns the parsed document. */
  cli<T = unknown>(...args: string[]): T;
  /** Calls the HTTP API like the page does; throws `CODE: message` on a failed result. */
  api<T = unknown>(method: string, req?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export function ensureWebBuild(): void {
  if (existsSync(join(ROOT, 'out/web/index.html'))) return;
  const r = spawnSync('npx', ['vite', 'build', '--config', 'vite.web.config.ts'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build of the renderer failed');
}

/** A data folder (with `runtime.db`) the host will use; `prepare` may fill it first. */
export function makeHome(): { home: string; dbPath: string } {
  const home = mkdtempSync(join(tmpdir(), 'ar-e2e-'));
  return { home, dbPath: join(home, 'runtime.db') };
}

export async function startWebHost(dirs = makeHome()): Promise<WebHost> {
  ensureWebBuild();
  const { home, dbPath } = dirs;
  const env = { ...process.env, ABSTRACTRUNTIME_HOME: home };
  const child = spawn(process.execPath, [BIN, '--db', dbPath, '--json', 'serve', '--port', '0'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let url: string;
  let origin: string;
  let token: string;
  try {
    ({ url, origin, token } = await readUrl(child));
  } catch (err) {
    child.kill('SIGKILL'); // never leave a host behind when it did not start properly
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
  const cli = <T>(...args: string[]): T => {
    const r = spawnSync(process.execPath, [BIN, '--db', dbPath, '--json', ...args], { cwd: ROOT, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cli ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout) as T;
  };
  const api = async <T>(method: string, req: unknown = {}): Promise<T> => {
    const res = await fetch(`${origin}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(req),
    });
    const body = (await res.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
    if (!body.ok) throw new Error(`${body.error?.code}: ${body.error?.message}`);
    return body.value as T;
  };
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  };
  return { url, origin, token, dbPath, home, cli, api, stop };
}

function readUrl(child: ChildProcess): Promise<{ url: string; origin: string; token: string }> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`web host printed no URL within ${START_TIMEOUT_MS} ms: ${err}${out}`)),
      START_TIMEOUT_MS,
    );
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += String(d)));
    child.stdout!.on('data', (d) => {
      out += String(d);
      try {
        // `--json` prints one (pretty) JSON document: parse once it is complete.
        const doc = JSON.parse(out) as { url: string; origin: string };
        const url = doc.url.replace(/\/$/, '');
        clearTimeout(timer);
        resolvePromise({ url, origin: doc.origin, token: url.slice(url.lastIndexOf('/') + 1) });
      } catch {
        // incomplete document: wait for more
      }
    });
    child.once('exit', (code) => reject(new Error(`web host exited (${code}) before printing its URL: ${err}${out}`)));
  });
}

/** Fills `dbPath` with one completed `examples.counter` run of about `records` ledger records. */
export function makeBigRun(dbPath: string, records: number): { runId: string; records: number } {
  const r = spawnSync('npx', ['tsx', join(ROOT, 'tests/e2e/support/makeBigRun.ts'), dbPath, String(records)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`makeBigRun failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { runId: string; records: number };
}

/** Adds to `dbPath` one run whose start vars hold a note of `mb` MB, stored as an artifact its records reference. */
export function makeBigArtifactRun(dbPath: string, mb: number): { runId: string } {
  const r = spawnSync('npx', ['tsx', join(ROOT, 'tests/e2e/support/makeBigArtifactRun.ts'), dbPath, String(mb)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`makeBigArtifactRun failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { runId: string };
}

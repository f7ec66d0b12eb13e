import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { postApi } from '../transport/httpClient';
import { writeFakeRenderer } from '../transport/fakeRenderer';
import { cliEnv, runCli, spawnCli } from './cliRunner';

// Each CLI call is a fresh Node process compiling TypeScript: slow on a busy 2-core machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-serve-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reads the `--json` startup document ({url, port, dbPath}) from the server's stdout. */
function startServe(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawnCli(['--json', 'serve', ...args], env);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const ready = new Promise<{ url: string; port: number }>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      try {
        resolve(JSON.parse(stdout));
      } catch {
        /* the document is not complete yet */
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, ready, exited, stderr: () => stderr };
}

describe('abstractruntime serve', () => {
  it('serves the API, the inspector and live events on 127.0.0.1, and stops cleanly on SIGTERM', async () => {
    const staticDir = writeFakeRenderer(dir);
    const db = join(dir, 'serve.db');
    const env = cliEnv(join(dir, 'home'));
    const server = startServe(['--port', '0', '--static', staticDir], { ...env, ABSTRACTRUNTIME_DB: db });
    const { url, port } = await server.ready;
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/session/[A-Za-z0-9_-]{40,}/$`));
    const token = /\/session\/([^/]+)\//.exec(url)![1]!;

    const ws = new WebSocket(`ws://127.0.0.1:${port}/events`, { headers: { Authorization: `Bearer ${token}` } });
    const firstEvent = new Promise<any>((resolve) => ws.once('message', (m) => resolve(JSON.parse(String(m)))));
    await new Promise((resolve) => ws.once('open', resolve));
    const started = await postApi(url, 'startRun', { workflowId: 'examples.approval' });
    expect(started.result.value.status).toBe('waiting');
    expect((await firstEvent).event).toMatch(/runUpdated|ledgerAppended|attentionNeeded/);
    ws.close();

    // The CLI sees the same database while the server runs.
    const listed = await runCli(['--json', '--db', db, 'runs'], env);
    expect(JSON.parse(listed.stdout).total).toBe(1);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('with its database file deleted, refuses new runs (DATABASE_GONE), logs it, and getInfo says so', async () => {
    const db = join(dir, 'gone.db');
    const env = cliEnv(join(dir, 'home3'));
    const server = startServe(['--port', '0'], { ...env, ABSTRACTRUNTIME_DB: db });
    const { url } = await server.ready;
    expect((await postApi(url, 'startRun', { workflowId: 'examples.counter', vars: { n: 1 } })).result.ok).toBe(true);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });

    const refused = await postApi(url, 'startRun', { workflowId: 'examples.counter', vars: { n: 1 } });
    expect(refused.result).toMatchObject({ ok: false, error: { code: 'DATABASE_GONE' } });
    expect((await postApi(url, 'getInfo', {})).result.value.databaseProblem).toMatch(/gone\.db was deleted while this host had it open/);
    await vi.waitFor(() => expect(server.stderr()).toMatch(/error DATABASE_GONE: the database file .*gone\.db was deleted/), {
      timeout: 20_000,
      interval: 200,
    });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('says which port is taken instead of crashing', async () => {
    const env = cliEnv(join(dir, 'home2'));
    const first = startServe(['--port', '0'], { ...env, ABSTRACTRUNTIME_DB: join(dir, 'a.db') });
    const { port } = await first.ready;
    const second = await runCli(['--db', join(dir, 'b.db'), 'serve', '--port', String(port)], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`^error VALIDATION_ERROR: port ${port} .*already in use`));
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
  });
});

/**
 * Bad input over both transports: random and malformed payloads to every API method
 * through the real IPC handler (sender check + dispatch, on a stand-in ipcMain), and random, non-JSON, wrongly typed and oversized bodies
 * over the web host. Every answer is a typed error (never INTERNAL_ERROR, never a 5xx, never
 * a thrown exception), the host keeps answering, and every record committed before is
 * still there and verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_METHODS, type ApiHandlers, type ApiResult } from '../../src-shared/api';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { registerIpc, trustedSender, type IpcInvokeEvent, type IpcMainLike } from '../../src-main/transport/ipc/index';
import { startWebHost, type WebHost } from '../../src-main/transport/web/index';
import { verifyRunLedger } from '../../src-main/ledger/index';
import { seededRandom } from './support/processes';
import { mutatedRequest, pick, randomJson, randomString, type Rand } from './support/randomJson';

let dir: string;
let host: RuntimeHost;
let handlers: ApiHandlers;
let web: WebHost;
const committed = new Map<string, string[]>();

function ledgerHashes(runId: string): string[] {
  return [...host.store.iterateLedger(runId)].map((r) => r.record_hash);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-fuzz-'));
  mkdirSync(join(dir, 'static'));
  writeFileSync(join(dir, 'static', 'index.html'), '<!doctype html><title>x</title>');
  // No LLM endpoint must be reachable from a fuzzed request.
  host = await RuntimeHost.open({
    dbPath: join(dir, 'runs.db'),
    dataDir: join(dir, 'data'),
    settingsOverrides: { llm: { baseUrl: 'http://127.0.0.1:9/v1' } },
  });
  handlers = createApiHandlers(host, { transport: 'web' });
  web = await startWebHost({ handlers, events: host.events, port: 0, staticDir: join(dir, 'static') });
  for (const wf of ['examples.counter', 'examples.approval', 'examples.event']) {
    const run = await host.startRun(wf, {});
    await host.whenIdle();
    committed.set(run.run_id, ledgerHashes(run.run_id));
  }
}, 60_000);

afterAll(async () => {
  await web?.close();
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Plausible requests for every method, to be broken by mutatedRequest. */
function templates(runIds: string[]): Record<string, Record<string, unknown>> {
  const runId = runIds[0]!;
  return {
    startRun: { workflowId: 'examples.counter', vars: {} },
    listRuns: { limit: 10 },
    getRun: { runId },
    getLedger: { runId, afterSeq: -1, limit: 10 },
    getStateAt: { runId, seq: 0 },
    verifyRun: { runId },
    answer: { runId: runIds[1], text: 'approve' },
    resume: { runId: runIds[1], waitKey: 'k', payload: {} },
    decideToolCalls: { runId, waitKey: 'k', decisions: [{ call_id: 'c', approved: true }] },
    emitEvent: { name: 'fuzz-event', payload: {} },
    createSnapshot: { runId, name: 'snap' },
    searchSnapshots: { text: 'snap' },
    restoreSnapshot: { snapshotId: 'nope' },
    forkSnapshot: { snapshotId: 'nope' },
    exportRun: { runId },
    verifyBundle: { bundle: { format: 'x' } },
    importBundle: { bundle: {} },
    setSettings: { llm: { model: 'm' } },
    setBreakpoints: { runId, nodeIds: ['a'] },
  };
}

function randomPayload(rand: Rand, method: string, runIds: string[]): unknown {
  const base = templates(runIds)[method];
  if (base && rand() < 0.6) return mutatedRequest(rand, base);
  return randomJson(rand);
}

function expectTyped(result: { ok: boolean; error?: { code: string; message: string } }, what: string): void {
  if (result.ok) return;
  expect(typeof result.error?.code, what).toBe('string');
  expect(result.error?.code, `${what}: ${result.error?.message}`).not.toBe('INTERNAL_ERROR');
  expect((result.error?.message ?? '').length, what).toBeGreaterThan(0);
}

function expectNothingLost(): void {
  for (const [runId, hashes] of committed) {
    const now = ledgerHashes(runId);
    expect(now.slice(0, hashes.length), `run ${runId} lost committed records`).toEqual(hashes);
    expect(verifyRunLedger(host.store, runId).valid).toBe(true);
  }
}

describe('fuzzing the API boundary', () => {
  it('the IPC handler answers every random call with a typed result', async () => {
    // The real IPC code path (registerIpc → sender check → dispatch) on a stand-in ipcMain.
    let invoke!: (event: IpcInvokeEvent, request: unknown) => Promise<unknown>;
    const ipcMain: IpcMainLike = { handle: (_c, listener) => (invoke = listener), removeHandler: () => {} };
    const APP = 'file:///app/index.html';
    registerIpc(
      ipcMain,
      handlers,
      trustedSender(
        () => 1,
        (url) => url === APP,
      ),
    );
    const trusted: IpcInvokeEvent = { sender: { id: 1 }, senderFrame: { url: APP, parent: null } };
    const strangers: IpcInvokeEvent[] = [
      { sender: { id: 2 }, senderFrame: { url: APP, parent: null } },
      { sender: { id: 1 }, senderFrame: { url: 'https://evil.example/', parent: null } },
      { sender: { id: 1 }, senderFrame: { url: APP, parent: {} } },
      { sender: { id: 1 }, senderFrame: null },
    ];
    const call = async (event: IpcInvokeEvent, request: unknown) =>
      JSON.parse((await invoke(event, request)) as string) as ApiResult<unknown>;
    const dispatch = (method: unknown, payload: unknown) =>
      call(trusted, { method, payloadJson: payload === undefined ? undefined : JSON.stringify(payload) });
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const rand = seededRandom(seed);
    const runIds = [...committed.keys()];
    const methods: unknown[] = [...API_METHODS, 'nope', '', '__proto__', 'constructor', 'toString', 42, null, undefined, { m: 1 }];
    let errors = 0;
    const codes: Record<string, number> = {};
    for (let i = 0; i < 3000; i++) {
      const method = rand() < 0.85 ? pick(rand, API_METHODS) : pick(rand, methods);
      if (method === 'startRun' && rand() < 0.7) continue; // keep the database small
      const payload = rand() < 0.05 ? undefined : randomPayload(rand, String(method), runIds);
      const result = await dispatch(method, payload);
      if (!result.ok) errors++;
      const code = result.ok ? 'ok' : result.error.code;
      codes[code] = (codes[code] ?? 0) + 1;
      expectTyped(result as never, `seed ${seed}, call ${i}: ${String(method)}(${JSON.stringify(payload)?.slice(0, 300)})`);
    }
    for (const [i, stranger] of strangers.entries()) {
      const before = host.store.listRuns({}).total;
      const refused = await call(stranger, { method: 'startRun', payloadJson: '{"workflowId":"examples.counter"}' });
      expect(refused.ok ? 'ok' : refused.error.code, `stranger ${i}`).toBe('FORBIDDEN');
      expect(host.store.listRuns({}).total).toBe(before);
    }
    for (const envelope of [
      null,
      42,
      'getInfo',
      [],
      {},
      { method: 7 },
      { payloadJson: '{}' },
      { method: 'getRun', payloadJson: {} },
      { method: 'getRun', payloadJson: '{nope' },
    ]) {
      const r = await call(trusted, envelope);
      expect(r.ok ? 'ok' : r.error.code).toBe('VALIDATION_ERROR');
    }
    await host.whenIdle();
    console.info(`dispatch fuzz (seed ${seed}): ${JSON.stringify(codes)}`);
    expect(errors).toBeGreaterThan(100);
    expectNothingLost();
  }, 90_000);

  it('the web host refuses malformed HTTP requests with 4xx and keeps serving', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const rand = seededRandom(seed + 1);
    const runIds = [...committed.keys()];
    const post = (path: string, body: string | Buffer, type = 'application/json') =>
      fetch(new URL(path, web.url), {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${web.token}` },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
    const bodies: (() => string | Buffer)[] = [
      () => JSON.stringify(randomPayload(rand, pick(rand, API_METHODS), runIds)),
      () => randomString(rand),
      () => '{"runId": ',
      () => Buffer.from(Array.from({ length: 64 }, () => Math.floor(rand() * 256))),
      () => '[]',
      () => 'null',
      () => '"string"',
      () => JSON.stringify({ runId: 'x'.repeat(100_000) }),
    ];
    for (let i = 0; i < 300; i++) {
      const method = rand() < 0.9 ? pick(rand, API_METHODS) : randomString(rand);
      if (method === 'startRun') continue;
      const res = await post(`/api/${encodeURIComponent(method.toWellFormed())}`, pick(rand, bodies)());
      expect(res.status, `seed ${seed}, request ${i} to ${method}`).toBeLessThan(500);
      const json = (await res.json()) as { ok: boolean; error?: { code: string; message: string } };
      expectTyped(json, `seed ${seed}, request ${i}`);
    }

    for (const path of [
      '/api/%ZZ',
      '/api/%E0%A4%A',
      '/api/getInfo%00',
      '/api/',
      '/api//getInfo',
      '/api/getInfo?x=%',
      '/%ZZ',
      '/assets/%E0%A4%A',
    ]) {
      const res = await (path.startsWith('/api/') ? post(path, '{}') : fetch(new URL(path, web.url)));
      // Soft: every malformed path is reported, and the checks below still show the host survived.
      expect.soft(res.status, `${path.startsWith('/api/') ? 'POST' : 'GET'} ${path}`).toBeLessThan(500);
    }
    const wrongType = await post('/api/getInfo', '{}', 'text/plain');
    expect(wrongType.status).toBe(415);
    const viaGet = await fetch(new URL('/api/getInfo', web.url), { headers: { authorization: `Bearer ${web.token}` } });
    expect(viaGet.status).toBe(405);
    const huge = await post('/api/importBundle', Buffer.alloc(11 * 1024 * 1024, 0x20)).catch((e: Error) => e);
    if (!(huge instanceof Error)) expect(huge.status).toBe(413);
    const traversal = await fetch(new URL('/..%2f..%2f..%2fetc%2fpasswd', web.url));
    expect(await traversal.text()).not.toContain('root:');

    const info = await post('/api/getInfo', '{}');
    expect(info.status).toBe(200);
    expect(((await info.json()) as { ok: boolean }).ok).toBe(true);
    expectNothingLost();
  }, 90_000);
});

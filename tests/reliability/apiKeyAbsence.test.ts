/**
 * API keys stay in the settings file. With a key configured, examples.agent runs through
 * the real CLI against a scripted OpenAI-compatible server (which must receive the key),
 * including a provider error that echoes the key back; then the key must be absent from
 * the database files, the WAL, the export bundle, every other file in the data folder,
 * every CLI output, and every API answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../support/scriptedOpenAiServer';
import { runCli, type CliResult } from './support/processes';

const KEY = `sk-reliability-${randomBytes(16).toString('hex')}`;

let dir: string;
let data: string;
let db: string;
let llm: ScriptedOpenAiServer;
const outputs: { what: string; text: string }[] = [];

async function cli(args: string[]): Promise<CliResult> {
  const r = await runCli(['--db', db, ...args], { ABSTRACTRUNTIME_HOME: data });
  outputs.push({ what: `abstractruntime ${args.join(' ')}`, text: r.stdout + r.stderr });
  return r;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((n) => {
    const p = join(folder, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-keys-'));
  data = join(dir, 'data');
  db = join(dir, 'runs.db');
  llm = await startScriptedOpenAiServer([
    { toolCalls: [{ name: 'add', arguments: { a: 17, b: 25 }, id: 'call-1' }] },
    { content: 'The answer is 42.' },
    // A provider that echoes the key it was given in its error (some do).
    {
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${KEY}`, type: 'invalid_request_error' } },
      headers: { 'x-should-retry': 'false' },
    },
  ]);
  // The key goes where a user puts it: the settings, through the API (as the GUI does).
  const host = await RuntimeHost.open({ dbPath: db, dataDir: data });
  try {
    const settings = await createApiHandlers(host).setSettings({
      llm: { mode: 'local', baseUrl: llm.baseUrlV1, model: 'scripted-model', apiKey: KEY },
    });
    outputs.push({ what: 'setSettings answer', text: JSON.stringify(settings) });
  } finally {
    await host.close();
  }
}, 60_000);

afterAll(async () => {
  await llm?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('API keys never leave the settings', () => {
  it('are used for the provider but absent from records, exports, files and output', async () => {
    const ok = await cli(['--json', 'run', 'examples.agent']);
    expect(ok.code, ok.stderr).toBe(0);
    const run = JSON.parse(ok.stdout) as { run_id: string; status: string };
    expect(run.status).toBe('completed');
    expect(llm.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);

    const failing = await cli(['--json', 'run', 'examples.agent']);
    const failed = JSON.parse(failing.stdout) as { run_id: string; status: string };
    expect(failed.status).toBe('failed');

    for (const runId of [run.run_id, failed.run_id]) {
      await cli(['--json', 'ledger', runId]);
      await cli(['show', runId]);
      expect((await cli(['export', runId, '-o', join(dir, `${runId}.bundle.json`)])).code).toBe(0);
      expect((await cli(['verify', runId])).code).toBe(0);
    }
    await cli(['--json', 'runs']);

    const host = await RuntimeHost.open({ dbPath: db, dataDir: data });
    try {
      const api = createApiHandlers(host);
      outputs.push({ what: 'getSettings answer', text: JSON.stringify(await api.getSettings({})) });
      outputs.push({ what: 'getRun answer', text: JSON.stringify(await api.getRun({ runId: failed.run_id })) });
      outputs.push({ what: 'exportRun answer', text: JSON.stringify(await api.exportRun({ runId: failed.run_id })) });
    } finally {
      await host.close();
    }

    // The provider's error did reach the record (so the redaction was exercised, not skipped).
    const failedLedger = outputs.find((o) => o.what === `abstractruntime --json ledger ${failed.run_id}`)!.text;
    expect(failedLedger).toContain('Incorrect API key provided');

    const leaks: string[] = [];
    for (const o of outputs) if (o.text.includes(KEY)) leaks.push(o.what);
    const files = [db, `${db}-wal`, `${db}-shm`, ...filesUnder(dir).filter((f) => f.endsWith('.bundle.json')), ...filesUnder(data)];
    for (const f of files.filter(existsSync)) {
      if (f === join(data, 'settings.json')) continue; // where the key belongs
      if (readFileSync(f).includes(KEY)) leaks.push(f);
    }
    expect(leaks).toEqual([]);
    expect(readFileSync(join(data, 'settings.json'), 'utf8')).toContain(KEY);
  }, 90_000);
});

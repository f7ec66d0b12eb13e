/**
 * Cases 1–3 of issue #11, reproduced through the real host, the real agent workflow and a
 * scripted OpenAI-compatible server playing a malicious model:
 * 1. the model asks for settings.json, signing-key.pem, the database, its WAL and anchors
 *    in every way the built-in file tools allow (relative, absolute, `..`, symlinks, listing);
 * 2. it calls tools it was never offered (append_line on the anchor file);
 * 3. a symlink in an allowed folder points a write at a file outside it.
 * Nothing secret may reach vars, the ledger, the database files, the export, or the provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { anchorPathFor } from '../../src-main/ledger/index';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer, type ScriptedToolCall } from '../support/scriptedOpenAiServer';

const KEY = `sk-security-${randomBytes(16).toString('hex')}`;

let dir: string;
let data: string;
let db: string;
let outside: string;
let llm: ScriptedOpenAiServer;
let host: RuntimeHost;

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((n) => {
    const p = join(folder, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

beforeAll(async () => {
  // The data folder sits inside the system temp folder, which the file tools may use.
  dir = mkdtempSync(join(tmpdir(), 'ar-sec-tools-'));
  data = join(dir, 'data');
  db = join(data, 'runtime.db');
  outside = mkdtempSync(join(tmpdir(), 'ar-sec-outside-'));
  llm = await startScriptedOpenAiServer([]);
  host = await RuntimeHost.open({ dbPath: db, dataDir: data, env: {}, projectFile: null, toolFolders: [dir] });
  await createApiHandlers(host).setSettings({
    llm: { mode: 'local', baseUrl: llm.baseUrlV1, model: 'm', apiKey: KEY },
    signing: { enabled: true },
  });
}, 60_000);

afterAll(async () => {
  await host?.close();
  await llm?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** Runs examples.agent offering `offered`, the model replying once with `calls`, then answering. */
async function agentRun(offered: string[], calls: ScriptedToolCall[]) {
  llm.push({ toolCalls: calls }, { content: 'done' });
  const tools = offered.map((name) => ({ name, parameters: { type: 'object' } }));
  const run = await host.startRun('examples.agent', { task: 'steal', tools, maxTurns: 3 });
  expect(run.status).toBe('completed');
  const results = (run.vars.tools as { results: { name: string; success: boolean; error: string | null; output: unknown }[] }).results;
  return { run, results };
}

describe('tools never reach the runtime’s own files (case 1)', () => {
  it('every way of asking for the API key or the private key is refused, and nothing secret is stored or sent', async () => {
    const privateKeyPem = readFileSync(join(data, 'signing-key.pem'), 'utf8');
    const secretLine = privateKeyPem.split('\n')[1]!;
    symlinkSync(join(data, 'settings.json'), join(dir, 'innocent.txt'));
    symlinkSync(data, join(dir, 'innocent-folder'));
    const asks = [
      join(data, 'settings.json'),
      join(data, 'signing-key.pem'),
      'data/settings.json',
      'data/../data/signing-key.pem',
      'innocent.txt',
      'innocent-folder/signing-key.pem',
      db,
      `${db}-wal`,
      anchorPathFor(db),
    ];
    const calls: ScriptedToolCall[] = [
      ...asks.map((path, i) => ({ name: 'read_text_file', arguments: { path }, id: `r${i}` })),
      { name: 'list_folder', arguments: { path: data }, id: 'l1' },
      { name: 'list_folder', arguments: { path: 'innocent-folder' }, id: 'l2' },
    ];
    const { run, results } = await agentRun(['read_text_file', 'list_folder'], calls);
    expect(results).toHaveLength(calls.length);
    for (const r of results) {
      expect(r.success, JSON.stringify(r)).toBe(false);
      expect(r.error).toMatch(/runtime's own files|outside the allowed folders/);
    }
    // Nothing secret in what the provider received, the run, its ledger, its export or the DB files.
    const sentToProvider = JSON.stringify(llm.requests.map((r) => r.body));
    const ledger = JSON.stringify(await createApiHandlers(host).getLedger({ runId: run.run_id, limit: 1000 }));
    const bundle = JSON.stringify(await createApiHandlers(host).exportRun({ runId: run.run_id }));
    for (const text of [sentToProvider, JSON.stringify(run), ledger, bundle]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(secretLine);
    }
    for (const f of filesUnder(data).filter((f) => !f.endsWith('settings.json') && !f.endsWith('signing-key.pem'))) {
      const bytes = readFileSync(f);
      expect(bytes.includes(Buffer.from(KEY)), f).toBe(false);
      expect(bytes.includes(Buffer.from(secretLine)), f).toBe(false);
    }
  });

  it('files in the allowed folder outside the data folder stay readable', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const { results } = await agentRun(
      ['read_text_file'],
      [{ name: 'read_text_file', arguments: { path: join(dir, 'notes.txt') }, id: 'ok' }],
    );
    expect(results[0]).toMatchObject({ success: true, output: { content: 'hello' } });
  });
});

describe('only offered tools run (case 2)', () => {
  it('a tool the model was not offered is a denied call recorded in the ledger, and does not run', async () => {
    const anchors = anchorPathFor(db);
    const before = existsSync(anchors) ? readFileSync(anchors, 'utf8') : null;
    const target = join(dir, 'appended.txt');
    const { run, results } = await agentRun(
      ['add'],
      [
        { name: 'append_line', arguments: { path: anchors, line: 'garbage' }, id: 'a1' },
        { name: 'append_line', arguments: { path: target, line: 'garbage' }, id: 'a2' },
        { name: 'add', arguments: { a: 1, b: 2 }, id: 'a3' },
      ],
    );
    expect(results[0]).toMatchObject({ success: false, name: 'append_line', denied: 'not_offered' });
    expect(results[0]!.error).toMatch(/was not offered/);
    expect(results[1]).toMatchObject({ success: false, denied: 'not_offered' });
    expect(results[2]).toMatchObject({ success: true, output: { sum: 3 } });
    expect(existsSync(target)).toBe(false);
    expect(existsSync(anchors) ? readFileSync(anchors, 'utf8') : null).not.toContain('garbage');
    if (before !== null) expect(readFileSync(anchors, 'utf8')).toContain('abstractruntime-anchors');
    const ledger = JSON.stringify(await createApiHandlers(host).getLedger({ runId: run.run_id, limit: 1000 }));
    expect(ledger).toContain('was not offered');
    // The host still opens and verifies (the anchor file was not touched).
    expect((await createApiHandlers(host).verifyRun({ runId: run.run_id })).valid).toBe(true);
  });

  it('a tool_calls payload that names no allowed_tools runs nothing', async () => {
    const { createToolCallsEffectHandler, ToolRegistry, registerBuiltinTools } = await import('../../src-main/effects/tools/index');
    const registry = new ToolRegistry();
    registerBuiltinTools(registry);
    const handler = createToolCallsEffectHandler(registry);
    const out = await handler.execute(
      { type: 'tool_calls', payload: { tool_calls: [{ name: 'add', arguments: { a: 1, b: 2 }, call_id: 'x' }] } },
      { signal: new AbortController().signal, idempotencyKey: 'k', now: new Date(), run: { run_id: 'r' } } as never,
    );
    expect(out).toMatchObject({ kind: 'completed', result: { results: [{ success: false, denied: 'not_offered' }] } });
    expect(JSON.stringify(out)).toMatch(/names no `allowed_tools`/);
  });
});

describe('writes do not follow symlinks (case 3)', () => {
  it('append_line through a symlink in an allowed folder is refused and the outside file is unchanged', async () => {
    const victim = join(outside, 'victim.txt');
    writeFileSync(victim, 'original\n');
    symlinkSync(victim, join(dir, 'link.txt'));
    symlinkSync(outside, join(dir, 'link-folder'));
    const { results } = await agentRun(
      ['append_line'],
      [
        { name: 'append_line', arguments: { path: join(dir, 'link.txt'), line: 'pwned' }, id: 's1' },
        { name: 'append_line', arguments: { path: join(dir, 'link-folder', 'victim.txt'), line: 'pwned' }, id: 's2' },
        { name: 'append_line', arguments: { path: join(dir, 'link-folder', 'new.txt'), line: 'pwned' }, id: 's3' },
        { name: 'append_line', arguments: { path: join(data, 'settings.json'), line: 'pwned' }, id: 's4' },
      ],
    );
    for (const r of results) expect(r.success, JSON.stringify(r)).toBe(false);
    expect(results[0]!.error).toMatch(/symlink/);
    expect(results[1]!.error).toMatch(/outside the allowed folders/);
    expect(results[3]!.error).toMatch(/runtime's own files/);
    expect(readFileSync(victim, 'utf8')).toBe('original\n');
    expect(existsSync(join(outside, 'new.txt'))).toBe(false);
    expect(readFileSync(join(data, 'settings.json'), 'utf8')).not.toContain('pwned');
  });

  it('a plain file in an allowed folder is appended to', async () => {
    const { results } = await agentRun(
      ['append_line'],
      [{ name: 'append_line', arguments: { path: join(dir, 'plain.txt'), line: 'one' }, id: 'p' }],
    );
    expect(results[0]).toMatchObject({ success: true });
    expect(readFileSync(join(dir, 'plain.txt'), 'utf8')).toBe('one\n');
  });
});

describe('http_get keeps off internal addresses unless a host is listed by name', () => {
  it('classifies loopback, private, link-local, CGNAT, multicast and mapped addresses as internal', async () => {
    const { isInternalAddress, listedExactly } = await import('../../src-main/effects/tools/builtins/httpGet');
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
    ]) {
      expect(isInternalAddress(a), a).toBe(true);
    }
    for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect(isInternalAddress(a), a).toBe(false);
    // Only an exact entry opens an internal address; a wildcard never does.
    expect(listedExactly(new URL('http://intranet.corp/x'), ['*.corp'])).toBe(false);
    expect(listedExactly(new URL('http://intranet.corp/x'), ['intranet.corp'])).toBe(true);
  });
});

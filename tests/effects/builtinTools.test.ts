import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src-shared/json';
import { createToolCallsEffectHandler, registerBuiltinTools, ToolRegistry } from '../../src-main/effects/tools/index';
import { effectCtx } from './effectFixtures';

let root: string;
let allowed: string;
let outside: string;
let server: Server;
let host: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ar-tools-'));
  allowed = join(root, 'allowed');
  outside = join(root, 'outside');
  mkdirSync(join(allowed, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(allowed, 'notes.txt'), 'hello tools\n');
  writeFileSync(join(allowed, 'sub', 'deep.txt'), 'deep');
  writeFileSync(join(allowed, 'bin.dat'), Buffer.from([1, 0, 2]));
  writeFileSync(join(outside, 'secret.txt'), 'do not read');
  symlinkSync(join(outside, 'secret.txt'), join(allowed, 'link-out.txt'));
  symlinkSync(outside, join(allowed, 'dir-out'));
  server = createServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://example.invalid/' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`you asked for ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await new Promise<void>((r) => server.close(() => r()));
});

async function call(name: string, args: JsonValue, allowedHosts: string[] = []) {
  const r = new ToolRegistry();
  registerBuiltinTools(r, { allowedFolders: [allowed], allowedHosts });
  const out = await createToolCallsEffectHandler(r).execute(
    { type: 'tool_calls', payload: { tool_calls: [{ name, arguments: args, call_id: 'c' }], allowed_tools: [name] } },
    effectCtx(),
  );
  expect(out.kind).toBe('completed');
  return (out as unknown as { result: { results: any[] } }).result.results[0];
}

describe('built-in tools', () => {
  it('read_text_file reads inside the allowed folder (absolute or relative paths)', async () => {
    expect(await call('read_text_file', { path: join(allowed, 'notes.txt') })).toMatchObject({
      success: true,
      output: { content: 'hello tools\n', truncated: false },
    });
    expect((await call('read_text_file', { path: 'sub/deep.txt' })).output.content).toBe('deep');
    expect((await call('read_text_file', { path: 'notes.txt', max_bytes: 5 })).output).toMatchObject({
      content: 'hello',
      truncated: true,
      bytes: 12,
    });
  });

  it('read_text_file refuses .. escapes, symlinks out, missing files, folders and binary files', async () => {
    expect((await call('read_text_file', { path: '../outside/secret.txt' })).error).toMatch(/outside the allowed folders/);
    expect((await call('read_text_file', { path: join(outside, 'secret.txt') })).error).toMatch(/outside the allowed folders/);
    expect((await call('read_text_file', { path: 'link-out.txt' })).error).toMatch(/through a symlink/);
    expect((await call('read_text_file', { path: 'dir-out/secret.txt' })).error).toMatch(/through a symlink/);
    expect((await call('read_text_file', { path: 'missing.txt' })).error).toMatch(/does not exist/);
    expect((await call('read_text_file', { path: 'sub' })).error).toMatch(/is not a file/);
    expect((await call('read_text_file', { path: 'bin.dat' })).error).toMatch(/not a text file/);
  });

  it('list_folder lists names, types and sizes, and refuses the outside', async () => {
    const r = await call('list_folder', { path: allowed });
    expect(r.output.entries).toEqual(
      expect.arrayContaining([
        { name: 'notes.txt', type: 'file', size: 12 },
        { name: 'sub', type: 'folder', size: null },
        { name: 'link-out.txt', type: 'symlink', size: null },
      ]),
    );
    expect((await call('list_folder', { path: 'dir-out' })).error).toMatch(/through a symlink/);
    expect((await call('list_folder', { path: root })).error).toMatch(/outside the allowed folders/);
  });

  it('with no allowed folders, file tools refuse every path', async () => {
    const r = new ToolRegistry();
    registerBuiltinTools(r);
    const out = await createToolCallsEffectHandler(r).execute(
      { type: 'tool_calls', payload: { tool_calls: [{ name: 'list_folder', arguments: { path: '/' } }], allowed_tools: ['list_folder'] } },
      effectCtx(),
    );
    expect((out as any).result.results[0].error).toMatch(/no allowed folders/);
  });

  it('http_get fetches from an allow-listed host only, without following redirects', async () => {
    expect(await call('http_get', { url: `http://${host}/hello` }, [host])).toMatchObject({
      success: true,
      output: { status: 200, body: 'you asked for /hello', content_type: 'text/plain' },
    });
    expect((await call('http_get', { url: `http://${host}/redirect` }, [host])).output).toMatchObject({
      status: 302,
      location: 'http://example.invalid/',
    });
    expect((await call('http_get', { url: `http://${host}/x` }, ['example.com'])).error).toMatch(/not in the allow-list/);
    expect((await call('http_get', { url: 'file:///etc/passwd' }, [host])).error).toMatch(/only http\(s\)/);
  });

  it('current_time uses the runtime clock and an optional time zone', async () => {
    expect((await call('current_time', { timezone: 'Europe/Paris' })).output).toEqual({
      iso: '2026-03-04T05:06:07.000Z',
      epoch_ms: Date.parse('2026-03-04T05:06:07.000Z'),
      timezone: 'Europe/Paris',
      local: expect.stringContaining('06:06:07'),
    });
    expect((await call('current_time', { timezone: 'Mars/Olympus' })).error).toMatch(/unknown time zone/);
  });

  it('every built-in is trusted and idempotent (none writes anything)', () => {
    const r = new ToolRegistry();
    registerBuiltinTools(r);
    expect(r.list().map((t) => [t.name, t.trust, t.idempotent])).toEqual([
      ['read_text_file', 'trusted', true],
      ['list_folder', 'trusted', true],
      ['http_get', 'trusted', true],
      ['current_time', 'trusted', true],
      ['add', 'trusted', true],
    ]);
  });
});

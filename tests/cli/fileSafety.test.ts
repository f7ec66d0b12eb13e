import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliEnv, jsonOf, runCli } from './cliRunner';

// Each CLI call is a fresh Node process compiling TypeScript: slow on a busy 2-core machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let dir: string;
let db: string;
let env: NodeJS.ProcessEnv;
let runId: string;
const cli = (...args: string[]) => runCli(['--db', db, ...args], env);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-cli-files-'));
  db = join(dir, 'runtime.db');
  env = cliEnv(join(dir, 'home'));
  const r = await cli('--json', 'run', 'examples.counter', '--vars', '{"n":2}');
  expect(r.code, r.stderr).toBe(0);
  runId = jsonOf(r).run_id;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('commands that write a file never overwrite one without --force, and never a database', () => {
  it('export -o <the open database> is refused and the database still works', async () => {
    const r = await cli('export', runId, '-o', db);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error WOULD_OVERWRITE_DATABASE: .*runtime\.db is the database this command uses/);
    const again = await cli('export', runId, '-o', db, '--force');
    expect(again.stderr).toMatch(/^error WOULD_OVERWRITE_DATABASE: /);
    const show = await cli('--json', 'show', runId);
    expect(show.code, show.stderr).toBe(0);
    expect(jsonOf(show).state.status).toBe('completed');
  });

  it('any other SQLite file is refused even with --force', async () => {
    const other = join(dir, 'other.db');
    const made = await runCli(['--db', other, 'workflows'], env);
    expect(made.code, made.stderr).toBe(0);
    const before = readFileSync(other);
    const r = await cli('export', runId, '-o', other, '--force');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error WOULD_OVERWRITE_DATABASE: .*other\.db is a SQLite database/);
    expect(readFileSync(other).equals(before)).toBe(true);
  });

  it('an existing file is kept unless --force; with --force it is replaced by the bundle', async () => {
    const file = join(dir, 'keep.json');
    writeFileSync(file, 'precious');
    const r = await cli('export', runId, '-o', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error FILE_EXISTS: .*keep\.json already exists: pass --force to replace it/);
    expect(readFileSync(file, 'utf8')).toBe('precious');
    const forced = await cli('--json', 'export', runId, '-o', file, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'abstractruntime-bundle', run_id: runId });
  });
});

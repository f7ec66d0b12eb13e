import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliEnv, jsonOf, runCli } from './cliRunner';

// Each CLI call is a fresh Node process compiling TypeScript: slow on a busy 2-core machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let dir: string;
let env: NodeJS.ProcessEnv;
const cliOn = (db: string, ...args: string[]) => runCli(['--db', db, ...args], env);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-cli-artifacts-'));
  env = cliEnv(join(dir, 'home'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('artifacts from the command line', () => {
  it('a large var is stored by hash; `artifact` prints and saves it exactly; an export carries it to another database', async () => {
    const db = join(dir, 'runtime.db');
    const note = 'n'.repeat(70_000);
    const started = await cliOn(
      db,
      '--json',
      'run',
      'examples.toolapproval',
      '--vars',
      JSON.stringify({ path: join(dir, 'notes.txt'), notes: [note] }),
    );
    expect(started.code, started.stderr).toBe(0);
    const run = jsonOf(started);
    const ref = run.vars.notes[0];
    expect(ref).toMatchObject({ $artifact: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), mime: 'application/json' });

    const printed = await cliOn(db, 'artifact', ref.$artifact);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(`${JSON.stringify(note)}\n`);

    const file = join(dir, 'note.json');
    const saved = await cliOn(db, 'artifact', ref.$artifact, '-o', file);
    expect(saved.code, saved.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(note));
    const again = await cliOn(db, 'artifact', ref.$artifact, '-o', file);
    expect(again.stderr).toMatch(/^error FILE_EXISTS: /);

    const bundle = join(dir, 'run.bundle.json');
    expect((await cliOn(db, 'export', run.run_id, '-o', bundle)).code).toBe(0);
    const other = join(dir, 'other.db');
    const imported = await cliOn(other, 'import', bundle);
    expect(imported.code, imported.stderr).toBe(0);
    const there = await cliOn(other, 'artifact', ref.$artifact);
    expect(there.stdout).toBe(`${JSON.stringify(note)}\n`);
  });

  it('an unknown or malformed hash is a clear error', async () => {
    const db = join(dir, 'runtime.db');
    const missing = await cliOn(db, 'artifact', `sha256:${'0'.repeat(64)}`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error ARTIFACT_NOT_FOUND: /);
    const bad = await cliOn(db, 'artifact', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error VALIDATION_ERROR: .*sha256:<64 hex digits>/);
  });
});

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
const cli = (...args: string[]) => runCli(['--db', db, ...args], env);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-cli-numbers-'));
  db = join(dir, 'runtime.db');
  env = cliEnv(join(dir, 'home'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXACT = '[98765432109876543210,-0.0,1.0,1e-07,2.5e+20]';
/** The `notes` array as printed, whitespace aside (JSON.parse would round the very numbers under test). */
const notesIn = (text: string) => /"notes":(\[[^\]]*\])/.exec(text.replace(/\s+/g, ''))?.[1];

describe('--vars follows the one number policy: kept exactly, or refused naming the path', () => {
  it('98765432109876543210, -0.0, 1.0, 1e-07, 2.5e+20 stay as written: store, show --json, ledger --json, export, import', async () => {
    const r = await cli('--json', 'run', 'examples.toolapproval', '--vars', `{"notes":${EXACT}}`);
    expect(r.code, r.stderr).toBe(0);
    expect(notesIn(r.stdout)).toBe(EXACT);
    const runId = jsonOf(r).run_id as string;
    // Each command is a new process: what it prints was read back from SQLite.
    const shown = await cli('--json', 'show', runId);
    expect(notesIn(shown.stdout)).toBe(EXACT);
    const ledger = await cli('--json', 'ledger', runId);
    expect(notesIn(ledger.stdout)).toBe(EXACT);
    const human = await cli('show', runId);
    expect(human.stdout).toContain(`"notes":${EXACT}`);

    const bundle = join(dir, 'exact.bundle.json');
    expect((await cli('export', runId, '-o', bundle)).code).toBe(0);
    expect(notesIn(readFileSync(bundle, 'utf8'))).toBe(EXACT);
    const otherDb = join(dir, 'other.db');
    const imported = await runCli(['--db', otherDb, 'import', bundle], env);
    expect(imported.code, imported.stderr).toBe(0);
    const there = await runCli(['--db', otherDb, '--json', 'show', runId], env);
    expect(notesIn(there.stdout)).toBe(EXACT);
    const verified = await runCli(['--db', otherDb, '--json', 'verify', runId], env);
    expect(jsonOf(verified).valid).toBe(true);
  });

  it('what has no exact form (NaN, 1e400, more digits than a float holds) is refused naming the path, and nothing is stored', async () => {
    const before = jsonOf(await cli('--json', 'runs')).total as number;
    const nan = await cli('run', 'examples.toolapproval', '--vars', '{"notes":["a",NaN]}');
    expect(nan.code).toBe(1);
    expect(nan.stderr).toBe(
      'error NUMBER_NOT_EXACT: vars.notes[1]: the number NaN cannot be kept exactly (it is not a finite JSON number); send it as a string to keep it as written\n',
    );
    const huge = await cli('run', 'examples.toolapproval', '--vars', '{"notes":[1e400]}');
    expect(huge.stderr).toContain('vars.notes[0]: the number 1e400 cannot be kept exactly');
    const digits = await cli('run', 'examples.toolapproval', '--vars', '{"notes":[3.14159265358979323846]}');
    expect(digits.stderr).toContain(
      'vars.notes[0]: the number 3.14159265358979323846 cannot be kept exactly (it would become 3.141592653589793)',
    );
    expect(jsonOf(await cli('--json', 'runs')).total).toBe(before);
  });

  it('a bundle holding a number with no exact form is refused naming its path, and nothing is imported', async () => {
    const bad = join(dir, 'nan.bundle.json');
    writeFileSync(bad, '{"format":"abstractruntime-bundle","state":{"vars":{"x":NaN}}}');
    const r = await runCli(['--db', join(dir, 'third.db'), 'import', bad], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bundle.state.vars.x: the number NaN cannot be kept exactly');
    expect(jsonOf(await runCli(['--db', join(dir, 'third.db'), '--json', 'runs'], env)).total).toBe(0);
  });

  it('numbers a JS number keeps exactly go through to the store and back as ordinary numbers', async () => {
    const r = await cli('--json', 'run', 'examples.toolapproval', '--vars', '{"notes":[1e-07, 2.5e-05, 9007199254740991, 1.5]}');
    expect(r.code, r.stderr).toBe(0);
    const shown = await cli('--json', 'show', jsonOf(r).run_id);
    expect(jsonOf(shown).state.vars.notes).toEqual([1e-7, 2.5e-5, 9007199254740991, 1.5]);
  });
});

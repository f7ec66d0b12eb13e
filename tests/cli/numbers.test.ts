import { mkdtempSync, rmSync } from 'node:fs';
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

describe('--vars follows the one number policy: kept exactly, or refused naming the path', () => {
  it('98765432109876543210 and -0.0 are refused (never rounded), and nothing is stored', async () => {
    const big = await cli('run', 'examples.toolapproval', '--vars', '{"notes":[98765432109876543210]}');
    expect(big.code).toBe(1);
    expect(big.stderr).toBe(
      'error NUMBER_NOT_EXACT: vars.notes[0]: the number 98765432109876543210 cannot be kept exactly (it would become 98765432109876543488); send it as a string to keep it as written\n',
    );
    const negZero = await cli('run', 'examples.toolapproval', '--vars', '{"notes":[-0.0]}');
    expect(negZero.stderr).toContain('vars.notes[0]: the number -0.0 cannot be kept exactly (it would become 0)');
    const runs = await cli('--json', 'runs');
    expect(jsonOf(runs).total).toBe(0);
  });

  it('numbers a JS number keeps exactly go through to the store and back unchanged', async () => {
    const r = await cli('--json', 'run', 'examples.toolapproval', '--vars', '{"notes":[1e-07, 2.5e-05, 9007199254740991, 1.5]}');
    expect(r.code, r.stderr).toBe(0);
    const shown = await cli('--json', 'show', jsonOf(r).run_id);
    expect(jsonOf(shown).state.vars.notes).toEqual([1e-7, 2.5e-5, 9007199254740991, 1.5]);
  });
});

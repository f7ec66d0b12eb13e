/** `run` with a var the workflow's input schema does not declare but allows: it runs, and the CLI says so on stderr. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliEnv, jsonOf, runCli } from './cliRunner';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let dir: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-cli-warn-'));
  // A project workflow whose schema allows undeclared keys (every built-in example refuses them).
  writeFileSync(
    join(dir, 'open.mjs'),
    `export default {
  id: 'test.open_input',
  version: '1',
  entry: 'echo',
  inputSchema: { type: 'object', properties: { n: { type: 'number' } } },
  nodes: { echo: { handler: (run) => ({ complete: { n: run.vars.n ?? null } }) } },
};
`,
  );
  writeFileSync(join(dir, 'abstractruntime.project.json'), JSON.stringify({ workflows: ['./open.mjs'] }));
  env = cliEnv(join(dir, 'home'), { ABSTRACTRUNTIME_PROJECT: join(dir, 'abstractruntime.project.json') });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run warns about undeclared vars the schema allows', () => {
  it('prints each undeclared key as a warning on stderr; the run completes and stdout stays one JSON document', async () => {
    const r = await runCli(['--db', join(dir, 'runtime.db'), '--json', 'run', 'test.open_input', '--vars', '{"n": 2, "nn": 3}'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: vars.nn: is not declared by the input schema of test.open_input');
    expect(r.stderr).not.toContain('vars.n:');
    expect(jsonOf(r)).toMatchObject({ status: 'completed', output: { n: 2 } });
  });
});

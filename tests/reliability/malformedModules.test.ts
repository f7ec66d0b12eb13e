/**
 * Malformed workflow modules in a project file: syntax errors, throwing imports, missing or
 * invalid exports, undeclared edges, a throwing registerTools, a missing file. The host
 * still opens, names each broken file and why, loads the good module, and a workflow whose
 * handler throws at run time fails its run with a recorded error instead of crashing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { verifyRunLedger } from '../../src-main/ledger/index';

const runtimeIndex = join(process.cwd(), 'src-main/runtime/index.ts');

const MODULES: Record<string, string> = {
  'good.ts': `import { defineWorkflow } from ${JSON.stringify(runtimeIndex)};
    export const workflows = [defineWorkflow({ id: 'user.good', version: '1', entry: 'a',
      nodes: { a: { handler: () => ({ complete: { ok: true } }) } } })];`,
  // The form the loader documents first: a default export, in a folder with no package.json.
  'default-export.ts': `import { defineWorkflow } from ${JSON.stringify(runtimeIndex)};
    export default defineWorkflow({ id: 'user.default', version: '1', entry: 'a',
      nodes: { a: { handler: () => ({ complete: { ok: true } }) } } });`,
  'throws-at-run.ts': `export const workflows = [{ id: 'user.throws', version: '1', entry: 'a',
      nodes: { a: { handler: () => { throw new Error('boom inside the handler'); } } } }];`,
  'syntax.ts': `export default { id: 'user.syntax', nodes: { a: { handler: () => ( } } };`,
  'throws-at-import.ts': `throw new Error('module refuses to load');`,
  'no-exports.ts': `export const something = 42;`,
  'bad-entry.ts': `export default { id: 'user.badentry', version: '1', entry: 'missing', nodes: { a: { handler: () => ({ complete: 1 }) } } };`,
  'bad-edge.ts': `export default { id: 'user.badedge', version: '1', entry: 'a', nodes: { a: { next: ['nowhere'], handler: () => ({ next: 'nowhere' }) } } };`,
  'not-a-workflow.ts': `export default [1, 'two', null];`,
  'tools-throw.ts': `import { defineWorkflow } from ${JSON.stringify(runtimeIndex)};
    export default defineWorkflow({ id: 'user.toolsthrow', version: '1', entry: 'a', nodes: { a: { handler: () => ({ complete: 1 }) } } });
    export function registerTools() { throw new Error('registerTools exploded'); }`,
};

let dir: string;
let projectFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-modules-'));
  mkdirSync(join(dir, 'flows'));
  for (const [name, text] of Object.entries(MODULES)) writeFileSync(join(dir, 'flows', name), text);
  projectFile = join(dir, 'abstractruntime.project.json');
  writeFileSync(
    projectFile,
    JSON.stringify({ workflows: [...Object.keys(MODULES).map((n) => `./flows/${n}`), './flows/does-not-exist.ts'] }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('malformed workflow modules', () => {
  it('are reported by file while the host opens and runs the good ones', async () => {
    const host = await RuntimeHost.open({ dbPath: join(dir, 'runs.db'), dataDir: join(dir, 'data'), projectFile });
    try {
      const ids = host.listWorkflows().map((w) => w.id);
      expect(ids).toContain('user.good');
      expect(ids).toContain('examples.counter');
      const failedFiles = host.workflowErrors.map((e) => e.file.split('/').pop());
      for (const bad of [
        'syntax.ts',
        'throws-at-import.ts',
        'no-exports.ts',
        'bad-entry.ts',
        'bad-edge.ts',
        'not-a-workflow.ts',
        'does-not-exist.ts',
      ]) {
        expect(failedFiles, `${bad} should be reported`).toContain(bad);
      }
      for (const e of host.workflowErrors) expect(e.message.length).toBeGreaterThan(5);

      const good = await host.startRun('user.good', {});
      expect(good.status).toBe('completed');

      const bad = await host.startRun('user.throws', {});
      expect(bad.status).toBe('failed');
      expect(bad.error?.code).toBe('HANDLER_ERROR');
      expect(bad.error?.message).toContain('boom inside the handler');
      expect(verifyRunLedger(host.store, bad.run_id).valid).toBe(true);
      expect(verifyRunLedger(host.store, good.run_id).valid).toBe(true);
    } finally {
      await host.close();
    }
  });

  it('a module with `export default defineWorkflow(...)` loads', async () => {
    const host = await RuntimeHost.open({ dbPath: join(dir, 'runs3.db'), dataDir: join(dir, 'data3'), projectFile });
    try {
      expect(host.workflowErrors.map((e) => e.file.split('/').pop())).not.toContain('default-export.ts');
      expect(host.listWorkflows().map((w) => w.id)).toContain('user.default');
    } finally {
      await host.close();
    }
  });

  it('a project file that is not JSON is reported, not fatal', async () => {
    const broken = join(dir, 'broken.project.json');
    writeFileSync(broken, '{ "workflows": [ "./flows/good.ts", ');
    const host = await RuntimeHost.open({ dbPath: join(dir, 'runs2.db'), dataDir: join(dir, 'data2'), projectFile: broken });
    try {
      expect(host.workflowErrors.map((e) => e.file)).toContain(broken);
      expect(host.listWorkflows().map((w) => w.id)).toContain('examples.counter');
    } finally {
      await host.close();
    }
  });
});

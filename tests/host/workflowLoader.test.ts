import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { loadWorkflowModules } from '../../src-main/host/workflowLoader';
import { memoryHost, tempDir } from './hostFixture';

const fixtures = resolve(__dirname, 'fixtures');

describe('workflow loading from a project file', () => {
  const dirs: (() => void)[] = [];
  afterEach(() => dirs.splice(0).forEach((c) => c()));

  function projectFile(workflows: unknown): string {
    const t = tempDir('ar-project-');
    dirs.push(t.cleanup);
    const file = join(t.dir, 'abstractruntime.project.json');
    writeFileSync(file, JSON.stringify({ workflows }));
    return file;
  }

  it('loads .ts and .js modules; a broken module is reported with its file and cause, the rest still load', async () => {
    const file = projectFile([
      join(fixtures, 'goodFlow.ts'),
      join(fixtures, 'brokenFlow.ts'),
      join(fixtures, 'plainSpecFlow.mjs'),
      './missing.ts',
    ]);
    const loaded = await loadWorkflowModules(file);
    expect(loaded.workflows.map((w) => `${w.definition.id}@${w.definition.version}`).sort()).toEqual(['user.hello@1', 'user.plain@3']);
    expect(loaded.errors).toHaveLength(2);
    expect(loaded.errors[0]).toMatchObject({ file: join(fixtures, 'brokenFlow.ts') });
    expect(loaded.errors[0]!.message).toMatch(/entry node "missing" does not exist/);
    expect(loaded.errors[1]!.file).toMatch(/missing\.ts$/);
  });

  it('a host runs module workflows next to the built-ins, marked as module', async () => {
    const file = projectFile([join(fixtures, 'goodFlow.ts')]);
    const { host } = await memoryHost({ projectFile: file });
    const info = host.listWorkflows();
    expect(info.find((w) => w.id === 'user.hello')).toMatchObject({ source: 'module', label: 'Hello' });
    expect(info.find((w) => w.id === 'examples.counter')).toMatchObject({ source: 'builtin' });
    const run = await host.startRun('user.hello', { name: 'Ada' });
    expect(run.output).toEqual({ hello: 'Ada' });
  });

  it('a project file that is not JSON is reported, not thrown', async () => {
    const t = tempDir('ar-project-');
    dirs.push(t.cleanup);
    const file = join(t.dir, 'abstractruntime.project.json');
    writeFileSync(file, '{ nope');
    const { host } = await memoryHost({ projectFile: file });
    expect(host.workflowErrors[0]).toMatchObject({ file });
    expect(host.workflowErrors[0]!.message).toMatch(/not valid JSON/);
    expect(host.listWorkflows().length).toBeGreaterThanOrEqual(7);
    const info = await createApiHandlers(host).getInfo({});
    expect(info.workflowErrors).toEqual([{ file, message: expect.stringMatching(/not valid JSON/) }]);
  });

  it('"handlers" places module handlers in worker threads (the default) or the host\'s thread; any other value refuses the project, naming it', async () => {
    const t = tempDir('ar-project-');
    dirs.push(t.cleanup);
    // The handler says which thread it ran in (0: the host's main thread).
    writeFileSync(
      join(t.dir, 'where.mjs'),
      `import { threadId } from 'node:worker_threads';
       export const workflows = [{ id: 'user.where', version: '1', entry: 'w', nodes: { w: { handler: () => ({ complete: { threadId } }) } } }];`,
    );
    const threadOf = async (project: object) => {
      const file = join(t.dir, `p${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify({ workflows: ['./where.mjs'], ...project }));
      const { host } = await memoryHost({ projectFile: file });
      try {
        return {
          errors: host.workflowErrors,
          threadId: host.workflowFor({ workflow_id: 'user.where', workflow_version: '1' })
            ? ((await host.startRun('user.where')).output as { threadId: number }).threadId
            : null,
        };
      } finally {
        await host.close();
      }
    };
    const threaded = await threadOf({});
    expect(threaded.errors).toEqual([]);
    expect(threaded.threadId).toBeGreaterThan(0);
    expect((await threadOf({ handlers: 'threads' })).threadId).toBeGreaterThan(0);
    expect(await threadOf({ handlers: 'host' })).toEqual({ errors: [], threadId: 0 });
    const bad = await threadOf({ handlers: 'main' });
    expect(bad.threadId).toBeNull();
    expect(bad.errors).toEqual([
      { file: expect.stringMatching(/\.json$/), message: expect.stringMatching(/"handlers" must be "threads".*or "host".*not "main"/) },
    ]);
  });

  it('lists the seven built-in examples with their graphs', async () => {
    const { host } = await memoryHost();
    const ids = host.listWorkflows().map((w) => w.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'examples.approval',
        'examples.timer',
        'examples.event',
        'examples.counter',
        'examples.sideeffect',
        'examples.agent',
        'examples.parent',
        'examples.toolapproval',
      ]),
    );
    const counter = host.listWorkflows().find((w) => w.id === 'examples.counter')!;
    expect(counter.nodes).toEqual([
      {
        id: 'count',
        label: 'Count',
        kind: 'step',
        next: ['count', 'done'],
        edge_labels: [
          { target: 'count', label: 'again', condition: 'i < n' },
          { target: 'done', label: 'counted', condition: 'i has reached n' },
        ],
      },
      { id: 'done', label: 'Done', kind: 'end', next: [] },
    ]);
    expect(counter.default_vars).toEqual({ n: 10 });
  });
});

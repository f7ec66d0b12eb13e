/**
 * Node handlers of workflow modules loaded from a project file run in worker threads: one
 * that busy-loops synchronously (`for(;;){}`) cannot freeze the host. The API answers while
 * it spins, other runs complete, cancel answers, and past the time limit the run fails with
 * HANDLER_TIMEOUT. Values cross as exact JSON; a handler that throws or returns a value
 * that is not JSON fails its run with an error naming the node.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RawNumber } from '../../src-shared/canonicalJson';
import { stringifyExact } from '../../src-shared/exactJson';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import type { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { memoryHost, tempDir } from './hostFixture';

const MODULE = `
export const workflows = [
  { id: 'user.spin', version: '1', entry: 'spin', nodes: {
      spin: { next: ['done'], handler: () => { for (;;) {} } },
      done: { handler: () => ({ complete: 'unreachable' }) } } },
  { id: 'user.exact', version: '1', entry: 'echo', nodes: {
      echo: { handler: (run, ctx) => ({ complete: { big: run.vars.big, tenth: run.vars.tenth, node: ctx.nodeId, visit: ctx.visit } }) } } },
  { id: 'user.explode', version: '1', entry: 'explode', nodes: {
      explode: { handler: () => { throw new Error('boom in the module'); } } } },
  { id: 'user.nonjson', version: '1', entry: 'bad', nodes: {
      bad: { handler: () => ({ complete: { when: new Date(0), fn: () => 1 } }) } } },
];
`;

describe('handlers of project modules run in worker threads', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function moduleHost(handlerTimeoutMs: number): Promise<RuntimeHost> {
    const t = tempDir('ar-busy-');
    cleanups.push(t.cleanup);
    writeFileSync(join(t.dir, 'flows.mjs'), MODULE);
    const projectFile = join(t.dir, 'abstractruntime.project.json');
    writeFileSync(projectFile, JSON.stringify({ workflows: ['./flows.mjs'] }));
    const { host } = await memoryHost({ projectFile, handlerTimeoutMs });
    cleanups.push(() => host.close());
    expect(host.workflowErrors).toEqual([]);
    return host;
  }

  it('a busy-looping handler does not freeze the host: getInfo and other runs answer, cancel stops it', async () => {
    const host = await moduleHost(120_000);
    const api = createApiHandlers(host);
    const spin = await host.startRun('user.spin', {}, { detach: true });
    let settled = false;
    const spinning = host.advance(spin.run_id).finally(() => (settled = true));

    expect((await api.getInfo({})).dbPath).toBeDefined();
    const exact = await host.startRun('user.exact', { big: new RawNumber('98765432109876543210'), tenth: 0.1 });
    expect(exact.status).toBe('completed');
    // The values came back from the worker exactly (a RawNumber stays a RawNumber).
    expect(stringifyExact(exact.output)).toBe('{"big":98765432109876543210,"tenth":0.1,"node":"echo","visit":1}');
    expect(settled).toBe(false);
    expect(host.getRun(spin.run_id)).toMatchObject({ status: 'running', current_node: 'spin' });

    const cancelled = await host.cancelRun(spin.run_id, 'spins');
    expect(cancelled.status).toBe('cancelled');
    expect((await spinning).status).toBe('cancelled');
    // The spinning worker was terminated; the pool runs the next handler on a fresh one.
    expect((await host.startRun('user.exact', { big: 1, tenth: 2 })).output).toEqual({ big: 1, tenth: 2, node: 'echo', visit: 1 });
  });

  it('past the time limit a busy-looping handler fails its run with HANDLER_TIMEOUT; pause answers', async () => {
    const host = await moduleHost(700);
    const run = await host.startRun('user.spin', {}, { detach: true });
    const going = host.advance(run.run_id);
    await new Promise((r) => setImmediate(r));
    // The pause lands once the step in flight has ended (by the limit): on a failed run, refused.
    await expect(host.pauseRun(run.run_id)).rejects.toMatchObject({ code: 'RUN_TERMINAL' });
    const failed = await going;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'HANDLER_TIMEOUT', node_id: 'spin' });
  });

  it('a handler that throws in its worker fails the run with HANDLER_ERROR naming the node and the cause', async () => {
    const host = await moduleHost(60_000);
    const failed = await host.startRun('user.explode', {});
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'HANDLER_ERROR', node_id: 'explode' });
    expect(failed.error!.message).toMatch(/node "explode" handler threw: boom in the module/);
  });

  it('a handler that returns a value that is not JSON fails the run with NON_JSON_VALUE naming the node and the path', async () => {
    const host = await moduleHost(60_000);
    const failed = await host.startRun('user.nonjson', {});
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'NON_JSON_VALUE', node_id: 'bad' });
    expect(failed.error!.message).toMatch(/node "bad" of user\.nonjson@1 returned a value that is not plain JSON at plan\.complete\.when/);
  });
});

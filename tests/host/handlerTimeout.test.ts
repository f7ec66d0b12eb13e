/**
 * A node handler that never returns its plan cannot freeze the host: the API keeps
 * answering, other runs advance, cancel answers at once, and past the time limit the run
 * fails with a typed HANDLER_TIMEOUT.
 */
import { describe, expect, it } from 'vitest';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { defineWorkflow } from '../../src-main/runtime/index';
import { memoryHost } from './hostFixture';

const hangs = defineWorkflow({
  id: 'test.hangs',
  version: '1',
  entry: 'stuck',
  nodes: {
    stuck: { next: ['done'], handler: () => new Promise<never>(() => {}) },
    done: { handler: () => ({ complete: true }) },
  },
});

const quick = defineWorkflow({
  id: 'test.quick',
  version: '1',
  entry: 'a',
  nodes: { a: { handler: () => ({ complete: 'ok' }) } },
});

describe('node handler time limit', () => {
  it('a never-settling handler fails its run with HANDLER_TIMEOUT; meanwhile the API and other runs go on', async () => {
    const { host } = await memoryHost({ workflows: [hangs, quick], handlerTimeoutMs: 300 });
    const api = createApiHandlers(host);
    const stuck = host.startRun('test.hangs', {});
    // While the handler hangs: reads answer and another run completes.
    expect((await api.getInfo({})).dbPath).toBeTruthy();
    expect((await host.startRun('test.quick', {})).status).toBe('completed');
    const failed = await stuck;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'HANDLER_TIMEOUT', node_id: 'stuck' });
    await host.close();
  });

  it('pause answers (by the time limit at the latest) and cancel answers at once, even while a handler hangs', async () => {
    const { host } = await memoryHost({ workflows: [hangs], handlerTimeoutMs: 60_000 });
    const started = host.startRun('test.hangs', {}, { detach: true });
    const runId = (await started).run_id;
    const advancing = host.advance(runId);
    await new Promise((r) => setImmediate(r));
    const cancelled = await host.cancelRun(runId, 'stuck handler');
    expect(cancelled.status).toBe('cancelled');
    expect((await advancing).status).toBe('cancelled');

    const { host: second } = await memoryHost({ workflows: [hangs], handlerTimeoutMs: 300 });
    const run = await second.startRun('test.hangs', {}, { detach: true });
    const going = second.advance(run.run_id);
    await new Promise((r) => setImmediate(r));
    // The step in flight ends by the limit; the pause then lands (on a run that already failed: refused, not hung).
    await expect(second.pauseRun(run.run_id)).rejects.toMatchObject({ code: 'RUN_TERMINAL' });
    expect((await going).error?.code).toBe('HANDLER_TIMEOUT');
    await host.close();
    await second.close();
  });
});

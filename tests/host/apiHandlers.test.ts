import { afterEach, describe, expect, it } from 'vitest';
import { API_METHODS, requestSchemas, type ApiHandlers, type ApiMethod, type ApiRequest } from '../../src-shared/api';
import { RunNotFoundError, SnapshotNotFoundError, ValidationError } from '../../src-shared/errors';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { memoryHost, tempDir } from './hostFixture';

/** What a transport does: validate with the shared schema, then call the handler. */
async function call<M extends ApiMethod>(handlers: ApiHandlers, method: M, req: ApiRequest<M>) {
  const parsed = requestSchemas[method].parse(req) as ApiRequest<M>;
  return (handlers[method] as (r: ApiRequest<M>) => unknown)(parsed) as Awaited<ReturnType<ApiHandlers[M]>>;
}

describe('createApiHandlers', () => {
  const dirs: (() => void)[] = [];
  afterEach(() => dirs.splice(0).forEach((c) => c()));

  async function setup() {
    const t = tempDir();
    dirs.push(t.cleanup);
    const { host, clock } = await memoryHost({ dataDir: t.dir });
    return { host, clock, api: createApiHandlers(host, { transport: 'web' }) };
  }

  it('implements every method of the contract', async () => {
    const { api } = await setup();
    expect(Object.keys(api).sort()).toEqual([...API_METHODS].sort());
  });

  it('runs, lists, views and pages a run', async () => {
    const { api } = await setup();
    expect((await call(api, 'getInfo', {})).transport).toBe('web');
    expect((await call(api, 'listWorkflows', {})).length).toBeGreaterThanOrEqual(7);
    const run = await call(api, 'startRun', { workflowId: 'examples.counter', vars: { n: 4 } });
    expect(run.status).toBe('completed');
    const list = await call(api, 'listRuns', { status: 'completed', workflowId: 'examples.counter' });
    expect(list.runs.map((r) => r.run_id)).toEqual([run.run_id]);
    const view = await call(api, 'getRun', { runId: run.run_id });
    expect(view).toMatchObject({ resumable: true, notResumableReason: null, stepMode: false, breakpoints: [], children: [] });
    expect(view.workflow?.id).toBe('examples.counter');
    // The decision's edges carry the labels the workflow declares, in `next` order; other nodes none.
    expect(view.workflow?.nodes.find((n) => n.id === 'count')?.edge_labels).toEqual([
      { target: 'count', label: 'again', condition: 'i < n' },
      { target: 'done', label: 'counted', condition: 'i has reached n' },
    ]);
    expect(view.workflow?.nodes.find((n) => n.id === 'done')).not.toHaveProperty('edge_labels');
    const tail = await call(api, 'getLedger', { runId: run.run_id, fromEnd: true, limit: 2 });
    expect(tail.records.map((r) => r.seq)).toEqual([tail.total - 2, tail.total - 1]);
    const head = await call(api, 'getLedger', { runId: run.run_id, afterSeq: -1, limit: 3 });
    expect(head.records.map((r) => r.seq)).toEqual([0, 1, 2]);
    const at = await call(api, 'getStateAt', { runId: run.run_id, seq: 2 });
    expect(at).toMatchObject({ seq: 2, vars: { n: 4, i: 2 }, status: 'running' });
  });

  it('step mode, breakpoints, answer, events, cancel and pause through the API', async () => {
    const { api } = await setup();
    const stepping = await call(api, 'startRun', { workflowId: 'examples.counter', vars: { n: 2 }, stepMode: true });
    expect((await call(api, 'stepRun', { runId: stepping.run_id })).step_count).toBe(1);
    const view = await call(api, 'setBreakpoints', { runId: stepping.run_id, nodeIds: ['done'] });
    expect(view).toMatchObject({ breakpoints: ['done'], stepMode: true });
    expect((await call(api, 'continueRun', { runId: stepping.run_id })).current_node).toBe('done');
    expect((await call(api, 'setStepMode', { runId: stepping.run_id, enabled: true })).stepMode).toBe(true);

    const approval = await call(api, 'startRun', { workflowId: 'examples.approval' });
    await expect(call(api, 'answer', { runId: approval.run_id, text: 'approve', waitKey: 'wrong' })).rejects.toMatchObject({
      code: 'WRONG_WAIT_KEY',
    });
    expect((await call(api, 'answer', { runId: approval.run_id, text: 'approve' })).status).toBe('completed');

    const ev = await call(api, 'startRun', { workflowId: 'examples.event' });
    expect(await call(api, 'emitEvent', { name: 'approved', payload: { ok: 1 } })).toEqual({ delivered: [ev.run_id] });
    expect(await call(api, 'emitEvent', { name: 'approved' })).toEqual({ delivered: [] });

    const timer = await call(api, 'startRun', { workflowId: 'examples.timer', vars: { delayMs: 1000 } });
    expect((await call(api, 'pauseRun', { runId: timer.run_id })).paused).toBe(true);
    expect((await call(api, 'unpauseRun', { runId: timer.run_id })).paused).toBe(false);
    expect((await call(api, 'cancelRun', { runId: timer.run_id, reason: 'no' })).status).toBe('cancelled');
  });

  it('resume and decideToolCalls check the wait', async () => {
    const { api } = await setup();
    const ev = await call(api, 'startRun', { workflowId: 'examples.event', vars: { eventName: 'x' } });
    const done = await call(api, 'resume', { runId: ev.run_id, waitKey: ev.waiting!.wait_key, payload: { manual: true } });
    expect(done.output).toEqual({ event: { manual: true } });
    const other = await call(api, 'startRun', { workflowId: 'examples.event', vars: { eventName: 'y' } });
    await expect(
      call(api, 'decideToolCalls', {
        runId: other.run_id,
        waitKey: other.waiting!.wait_key,
        decisions: [{ call_id: 'c1', approved: true }],
      }),
    ).rejects.toMatchObject({ code: 'RUN_NOT_WAITING' });
  });

  it('snapshots: create, search, restore, fork', async () => {
    const { api } = await setup();
    const run = await call(api, 'startRun', { workflowId: 'examples.approval' });
    const snap = await call(api, 'createSnapshot', { runId: run.run_id, name: 'gate', tags: ['t1'] });
    expect(await call(api, 'searchSnapshots', { text: 't1' })).toEqual([snap]);
    await call(api, 'answer', { runId: run.run_id, text: 'reject' });
    expect((await call(api, 'restoreSnapshot', { snapshotId: snap.snapshot_id })).status).toBe('waiting');
    const fork = await call(api, 'forkSnapshot', { snapshotId: snap.snapshot_id, vars: { question: 'again?' } });
    expect(fork.origin).toMatchObject({ kind: 'fork', run_id: run.run_id });
    await expect(call(api, 'restoreSnapshot', { snapshotId: 'nope' })).rejects.toThrow(SnapshotNotFoundError);
    await expect(call(api, 'searchSnapshots', { from: 'yesterday' })).rejects.toThrow(ValidationError);
  });

  it('settings never return the key', async () => {
    const { api } = await setup();
    const s = await call(api, 'setSettings', { llm: { apiKey: 'sk-do-not-leak', model: 'm1' } });
    expect(s.llm).toMatchObject({ apiKeySet: true, model: 'm1' });
    expect(JSON.stringify(await call(api, 'getSettings', {}))).not.toContain('sk-do-not-leak');
  });

  it('unknown runs give RUN_NOT_FOUND', async () => {
    const { api } = await setup();
    await expect(call(api, 'getRun', { runId: 'missing' })).rejects.toThrow(RunNotFoundError);
    await expect(call(api, 'getLedger', { runId: 'missing' })).rejects.toThrow(RunNotFoundError);
    await expect(call(api, 'answer', { runId: 'missing', text: 'x' })).rejects.toThrow(RunNotFoundError);
  });
});

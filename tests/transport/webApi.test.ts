import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, type ApiMethod } from '../../src-shared/api';
import { httpRequest, postApi } from './httpClient';
import { startWebFixture, type WebFixture } from './webFixture';

let fx: WebFixture;
const covered = new Set<ApiMethod>();

async function call(method: ApiMethod, payload: unknown) {
  covered.add(method);
  const { status, result } = await postApi(fx.web.url, method, payload);
  if (!result.ok) throw new Error(`${method} failed with ${status}: ${result.error?.code} ${result.error?.message}`);
  expect(status).toBe(200);
  return result.value;
}

beforeAll(async () => {
  fx = await startWebFixture();
});
afterAll(async () => {
  await fx.close();
});

describe('every API call over real HTTP against a real host', () => {
  it('lists, starts, inspects and verifies runs', async () => {
    const info = await call('getInfo', {});
    expect(info.transport).toBe('web');
    const workflows = await call('listWorkflows', {});
    expect(workflows.map((w: { id: string }) => w.id)).toContain('examples.approval');

    const counter = await call('startRun', { workflowId: 'examples.counter', vars: { n: 3 } });
    expect(counter.status).toBe('completed');
    const list = await call('listRuns', { workflowId: 'examples.counter' });
    expect(list.total).toBe(1);
    const view = await call('getRun', { runId: counter.run_id });
    expect(view.state.vars.i).toBe(3);
    const page = await call('getLedger', { runId: counter.run_id, limit: 2 });
    expect(page.records).toHaveLength(2);
    expect(page.total).toBeGreaterThan(2);
    const at = await call('getStateAt', { runId: counter.run_id, seq: 1 });
    expect(at.seq).toBe(1);
    const report = await call('verifyRun', { runId: counter.run_id });
    expect(report.valid).toBe(true);
  });

  it('answers a person, emits an event, resumes, cancels, pauses', async () => {
    const approval = await call('startRun', { workflowId: 'examples.approval' });
    expect(approval.status).toBe('waiting');
    const answered = await call('answer', { runId: approval.run_id, text: 'reject' });
    expect(answered.status).toBe('completed');

    const ev = await call('startRun', { workflowId: 'examples.event', vars: { eventName: 'web-go' } });
    const delivered = await call('emitEvent', { name: 'web-go', payload: { ok: 1 } });
    expect(delivered.delivered).toEqual([ev.run_id]);

    const ev2 = await call('startRun', { workflowId: 'examples.event', vars: { eventName: 'never' } });
    const resumed = await call('resume', { runId: ev2.run_id, waitKey: ev2.waiting.wait_key, payload: { by: 'resume' } });
    expect(resumed.status).toBe('completed');

    const ev3 = await call('startRun', { workflowId: 'examples.event', vars: { eventName: 'never' } });
    expect((await call('pauseRun', { runId: ev3.run_id })).paused).toBe(true);
    expect((await call('unpauseRun', { runId: ev3.run_id })).paused).toBe(false);
    expect((await call('cancelRun', { runId: ev3.run_id, reason: 'test' })).status).toBe('cancelled');
  });

  it('steps, continues, sets step mode and breakpoints', async () => {
    const run = await call('startRun', { workflowId: 'examples.counter', vars: { n: 2 }, stepMode: true });
    expect(run.status).toBe('running');
    const stepped = await call('stepRun', { runId: run.run_id });
    expect(stepped.step_count).toBeGreaterThan(run.step_count);
    const bp = await call('setBreakpoints', { runId: run.run_id, nodeIds: ['done'] });
    expect(bp.breakpoints).toEqual(['done']);
    const sm = await call('setStepMode', { runId: run.run_id, enabled: false });
    expect(sm.stepMode).toBe(false);
    const cont = await call('continueRun', { runId: run.run_id });
    expect(['running', 'completed']).toContain(cont.status);
  });

  it('decides tool calls through the typed error path when nothing waits for them', async () => {
    covered.add('decideToolCalls');
    const run = await call('startRun', { workflowId: 'examples.approval' });
    const { status, result } = await postApi(fx.web.url, 'decideToolCalls', {
      runId: run.run_id,
      waitKey: run.waiting.wait_key,
      decisions: [{ call_id: 'x', approved: true }],
    });
    expect(status).toBe(409);
    expect(result.error?.code).toBe('RUN_NOT_WAITING');
  });

  it('snapshots, restores, forks, exports, verifies and imports', async () => {
    const run = await call('startRun', { workflowId: 'examples.approval' });
    const snap = await call('createSnapshot', { runId: run.run_id, name: 'before answer', tags: ['web'] });
    const found = await call('searchSnapshots', { text: 'before answer' });
    expect(found.map((s: { snapshot_id: string }) => s.snapshot_id)).toContain(snap.snapshot_id);
    await call('answer', { runId: run.run_id, text: 'reject' });
    const restored = await call('restoreSnapshot', { snapshotId: snap.snapshot_id });
    expect(restored.status).toBe('waiting');
    const forked = await call('forkSnapshot', { snapshotId: snap.snapshot_id, vars: { question: 'forked?' } });
    expect(forked.run_id).not.toBe(run.run_id);

    const exported = await call('exportRun', { runId: run.run_id });
    expect(exported.fileName).toMatch(/\.bundle\.json$/);
    const verified = await call('verifyBundle', { bundle: exported.bundle });
    expect(verified.valid).toBe(true);
    expect(verified.runId).toBe(run.run_id);
    const tampered = structuredClone(exported.bundle);
    tampered.records[1].body = tampered.records[1].body.replace('"status":"', '"status":"x');
    const bad = await call('verifyBundle', { bundle: tampered });
    expect(bad).toMatchObject({ valid: false, firstBadSeq: 1 });
    // Importing a run this database already holds is idempotent: same run, nothing duplicated.
    const imported = await call('importBundle', { bundle: exported.bundle });
    expect(imported.runId).toBe(run.run_id);
    const bogus = await postApi(fx.web.url, 'importBundle', { bundle: { format: 'nope' } });
    expect(bogus.status).toBe(400);
    expect(bogus.result.error?.code).toBe('BUNDLE_INVALID');
  });

  it('filters a ledger, searches every ledger, previews time travel, restores to and forks from a record', async () => {
    const run = await call('startRun', { workflowId: 'examples.event', vars: { eventName: 'web-travel' } });
    await call('emitEvent', { name: 'web-travel', payload: { note: 'wombat' } });
    const found = await call('findLedger', { runId: run.run_id, kind: 'resumed' });
    expect(found.seqs).toHaveLength(1);
    const hits = await call('searchLedgers', { text: 'wombat' });
    expect(hits.hits.some((h: { runId: string }) => h.runId === run.run_id)).toBe(true);
    const preview = await call('previewTimeTravel', { runId: run.run_id, seq: 0 });
    expect(preview.effectsAgain.map((e: { type: string }) => e.type)).toEqual(['wait_event']);
    const fork = await call('forkFromRecord', { runId: run.run_id, seq: 0, vars: { eventName: 'web-fork' } });
    expect(fork.waiting.event_name).toBe('web-fork');
    const restored = await call('restoreToRecord', { runId: run.run_id, seq: 0 });
    expect(restored.status).toBe('waiting');
  });

  it('reads and writes settings without ever returning the API key', async () => {
    const updated = await call('setSettings', { llm: { model: 'qwen-test', apiKey: 'sk-secret-123' } });
    expect(updated.llm.model).toBe('qwen-test');
    expect(updated.llm.apiKeySet).toBe(true);
    const settings = await call('getSettings', {});
    expect(JSON.stringify(settings)).not.toContain('sk-secret-123');
  });

  it('returns a stored artifact by hash, exactly as stored', async () => {
    const note = 'q'.repeat(70_000);
    const run = await call('startRun', { workflowId: 'examples.toolapproval', vars: { notes: [note] } });
    const ref = run.vars.notes[0].$artifact;
    const content = await call('getArtifact', { ref });
    expect(content).toEqual({ ref, mime: 'application/json', size: note.length + 2, encoding: 'utf8', data: JSON.stringify(note) });
  });

  it('keeps 98765432109876543210, -0.0, 1.0, 1e-07, 2.5e+20 exactly as sent: startRun, getRun, getStateAt, exportRun', async () => {
    const exact = '[98765432109876543210,-0.0,1.0,1e-07,2.5e+20]';
    const post = (method: string, body: string) =>
      httpRequest(fx.web.url, { method: 'POST', path: `/api/${method}`, headers: { 'Content-Type': 'application/json' }, body });
    const notesIn = (text: string) => /"notes":(\[[^\]]*\])/.exec(text)?.[1];
    const started = await post('startRun', `{"workflowId":"examples.toolapproval","vars":{"notes":${exact}}}`);
    expect(started.status, started.body).toBe(200);
    expect(notesIn(started.body)).toBe(exact);
    const runId = JSON.parse(started.body).value.run_id as string;
    expect(notesIn((await post('getRun', JSON.stringify({ runId }))).body)).toBe(exact);
    expect(notesIn((await post('getStateAt', JSON.stringify({ runId, seq: 0 }))).body)).toBe(exact);
    expect(notesIn((await post('exportRun', JSON.stringify({ runId }))).body)).toBe(exact);
    covered.add('getStateAt');
  });

  it('refuses a number with no exact form (NaN, 1e400), naming its path, with 400, and stores nothing', async () => {
    const before = (await call('listRuns', { workflowId: 'examples.counter' })).total;
    for (const lexeme of ['NaN', '1e400']) {
      const res = await httpRequest(fx.web.url, {
        method: 'POST',
        path: '/api/startRun',
        headers: { 'Content-Type': 'application/json' },
        body: `{"workflowId":"examples.counter","vars":{"n":2,"big":${lexeme}}}`,
      });
      expect(res.status).toBe(400);
      const body = JSON.parse(res.body);
      expect(body.error).toMatchObject({ code: 'NUMBER_NOT_EXACT', details: { path: 'vars.big', lexeme } });
    }
    expect((await call('listRuns', { workflowId: 'examples.counter' })).total).toBe(before);
  });

  it('opens a Python store folder to look at, without importing it', async () => {
    const folder = resolve(__dirname, '../fixtures/abstractruntime-py-0.4.28/pure');
    const opened = await call('openFolder', { path: folder });
    expect(opened.runs.map((r: { run_id: string }) => r.run_id)).toEqual(['f3e03579-a4b2-43ce-af45-9e008b0aabb3']);
    const folders = await call('listFolders', {});
    expect(folders.map((f: { path: string }) => f.path)).toEqual([folder]);
    const view = await call('getRun', { runId: 'f3e03579-a4b2-43ce-af45-9e008b0aabb3' });
    expect(view).toMatchObject({ resumable: false, foreign: { path: folder } });
    const missing = await postApi(fx.web.url, 'openFolder', { path: '/no/such/folder' });
    expect(missing.result.error?.code).toBe('IMPORT_FAILED');
  });

  it('covered every method of the API', () => {
    expect(API_METHODS.filter((m) => !covered.has(m))).toEqual([]);
  });
});

describe('bad requests get typed errors with the right status', () => {
  it('unknown method → 404 UNKNOWN_METHOD, also for prototype names', async () => {
    for (const name of ['noSuchMethod', 'constructor', '__proto__', 'toString']) {
      const { status, result } = await postApi(fx.web.url, name, {});
      expect(status).toBe(404);
      expect(result.error?.code).toBe('UNKNOWN_METHOD');
    }
  });

  it('a payload failing the schema names the bad fields', async () => {
    const { status, result } = await postApi(fx.web.url, 'getRun', { runId: 42 });
    expect(status).toBe(400);
    expect(result.error?.code).toBe('VALIDATION_ERROR');
    expect(result.error?.message).toContain('runId');
    const extra = await postApi(fx.web.url, 'getInfo', { sneaky: true });
    expect(extra.status).toBe(400);
    expect(extra.result.error?.message).toContain('sneaky');
  });

  it('a run that does not exist → 404 RUN_NOT_FOUND', async () => {
    const { status, result } = await postApi(fx.web.url, 'getRun', { runId: 'nope' });
    expect(status).toBe(404);
    expect(result.error?.code).toBe('RUN_NOT_FOUND');
  });
});

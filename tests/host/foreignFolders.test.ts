/** Python store folders opened in the host: looked at where they are, followed as Python appends. */
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { RawNumber } from '../../src-shared/canonicalJson';
import { stringifyExact } from '../../src-shared/exactJson';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { FakeClock } from '../../src-main/runtime/index';
import { START, memoryHost, recordEvents, tempDir } from './hostFixture';
import { PY_FIXTURES } from '../support/pythonFixtures';

const ASK_WAITING = '2f982b71-c70f-4e97-9c3f-c0a1bddc8459';

/** A record as HashChainedLedgerStore appends it (prev_hash = the last record_hash). */
export function pythonRecordAfter(ledgerPath: string, rec: Record<string, unknown>): string {
  const last = JSON.parse(readFileSync(ledgerPath, 'utf8').trim().split('\n').pop()!);
  const body = { ...rec, prev_hash: last.record_hash };
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(body).sort(([a], [b]) => (a < b ? -1 : 1))));
  return JSON.stringify({ ...body, record_hash: createHash('sha256').update(canonical).digest('hex'), signature: null }) + '\n';
}

describe('open Python store folders', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('shows a folder run read-only, with a graph from its visited nodes, and follows appended records', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const folder = join(t.dir, 'py');
    cpSync(join(PY_FIXTURES, 'ask_waiting'), folder, { recursive: true });
    const host = await RuntimeHost.open({
      dataDir: t.dir,
      dbPath: join(t.dir, 'runtime.db'),
      clock: new FakeClock(START),
      env: {},
      projectFile: null,
    });
    cleanups.push(() => host.close());
    const api = createApiHandlers(host);
    const events = recordEvents(host);
    cleanups.push(events.stop);

    const opened = await api.openFolder({ path: folder, watch: true });
    expect(opened).toMatchObject({ path: folder, watching: true, skipped: [] });
    expect(opened.runs.map((r) => [r.run_id, r.status])).toEqual([[ASK_WAITING, 'waiting']]);
    expect(host.store.listRuns({}).total).toBe(0);

    const view = await api.getRun({ runId: ASK_WAITING });
    expect(view).toMatchObject({ resumable: false, foreign: { path: folder }, workflow: { source: 'ledger', nodes: [{ id: 'ask' }] } });
    expect(view.notResumableReason).toMatch(/foreign run \(read-only\)/);
    expect(await api.verifyRun({ runId: ASK_WAITING })).toMatchObject({ valid: true, records: 2 });
    await expect(api.answer({ runId: ASK_WAITING, text: 'yes' })).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });

    const ledger = join(folder, `ledger_${ASK_WAITING}.jsonl`);
    appendFileSync(
      ledger,
      pythonRecordAfter(ledger, {
        run_id: ASK_WAITING,
        step_id: 'py-2',
        node_id: 'done',
        status: 'completed',
        effect: null,
        result: { ok: 1.0 },
        error: null,
        started_at: '2026-12-01T21:00:00.000001+00:00',
        ended_at: '2026-12-01T21:00:00.000002+00:00',
        actor_id: null,
        session_id: null,
        attempt: 1,
        idempotency_key: null,
      }),
    );
    for (let i = 0; i < 200 && events.seen.ledgerAppended.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(events.seen.ledgerAppended.map((e) => [e.runId, e.records.map((r) => [r.seq, r.node_id])])).toEqual([
      [ASK_WAITING, [[2, 'done']]],
    ]);
    expect((await api.getLedger({ runId: ASK_WAITING })).total).toBe(3);
    expect(await api.verifyRun({ runId: ASK_WAITING })).toMatchObject({ valid: true, records: 3 });
    expect((await api.getRun({ runId: ASK_WAITING })).workflow!.nodes.map((n) => [n.id, n.next])).toEqual([
      ['ask', ['done']],
      ['done', []],
    ]);
    expect(host.store.listRuns({}).total).toBe(0);
  });

  it("gives a Python run's vars with the numbers Python wrote", async () => {
    const { host } = await memoryHost();
    cleanups.push(() => host.close());
    const api = createApiHandlers(host);
    await api.openFolder({ path: join(PY_FIXTURES, 'stress') });
    const view = await api.getRun({ runId: '84e1da88-9ea9-49fb-8e76-ec9b08e5cdcb' });
    const text = stringifyExact(view.state.vars);
    expect(text).toContain('"int_2_53_plus1":9007199254740993');
    expect(text).toContain('"f_negzero":-0.0');
    expect(text).toContain('"f_one":1.0');
    expect((view.state.vars.stress as { int_2_53_plus1: unknown }).int_2_53_plus1).toEqual(new RawNumber('9007199254740993'));
  });

  it('does not take a record that breaks the chain', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const folder = join(t.dir, 'py');
    cpSync(join(PY_FIXTURES, 'ask_waiting'), folder, { recursive: true });
    const { host } = await memoryHost();
    cleanups.push(() => host.close());
    const api = createApiHandlers(host);
    await api.openFolder({ path: folder });
    const ledger = join(folder, `ledger_${ASK_WAITING}.jsonl`);
    const line = pythonRecordAfter(ledger, { run_id: ASK_WAITING, step_id: 'x', node_id: 'done', status: 'completed' });
    appendFileSync(ledger, line.replace('"node_id":"done"', '"node_id":"evil"'));
    const view = host.foreign.refresh(folder);
    // What was verified stays shown; the bad continuation is named, not taken.
    expect(view.runs.map((r) => [r.run_id, r.ledger_seq])).toEqual([[ASK_WAITING, 1]]);
    expect(view.skipped).toMatchObject([{ runId: ASK_WAITING, code: 'LEDGER_INVALID' }]);
    expect((await api.getLedger({ runId: ASK_WAITING })).total).toBe(2);
  });
});

describe('an event wait across a hop through the Python store format', () => {
  it('keeps its event name: emit wakes the run after export → import', async () => {
    const t = tempDir();
    const { writePythonStore, importPythonFolder } = await import('../../src-main/ledger/index');
    const a = await RuntimeHost.open({
      dataDir: join(t.dir, 'a'),
      dbPath: join(t.dir, 'a', 'runtime.db'),
      clock: new FakeClock(START),
      env: {},
      projectFile: null,
    });
    const b = await RuntimeHost.open({
      dataDir: join(t.dir, 'b'),
      dbPath: join(t.dir, 'b', 'runtime.db'),
      clock: new FakeClock(START),
      env: {},
      projectFile: null,
    });
    try {
      const run = await createApiHandlers(a).startRun({ workflowId: 'examples.event', vars: { eventName: 'deploy.done' } });
      expect(run.waiting).toMatchObject({ reason: 'event', event_name: 'deploy.done' });
      expect(run.waiting!.wait_key).not.toBe('deploy.done');
      writePythonStore(a.store, run.run_id, join(t.dir, 'py'));
      expect(JSON.parse(readFileSync(join(t.dir, 'py', `run_${run.run_id}.json`), 'utf8')).waiting.details).toEqual({
        abstractruntime_desktop: { event_name: 'deploy.done' },
      });
      importPythonFolder(b.store, join(t.dir, 'py'));
      const api = createApiHandlers(b);
      expect((await api.getRun({ runId: run.run_id })).state.waiting).toMatchObject({
        event_name: 'deploy.done',
        wait_key: run.waiting!.wait_key,
      });
      expect(await api.emitEvent({ name: 'deploy.done', payload: { ok: true } })).toMatchObject({ delivered: [run.run_id] });
      expect((await api.getRun({ runId: run.run_id })).state).toMatchObject({ status: 'completed', output: { event: { ok: true } } });
    } finally {
      await a.close();
      await b.close();
      t.cleanup();
    }
  });
});

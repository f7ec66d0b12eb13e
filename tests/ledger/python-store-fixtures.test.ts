/**
 * Every folder of runs written by the real Python AbstractRuntime 0.4.28
 * (tests/fixtures/abstractruntime-py-0.4.28, see its README): verify, import, show.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportError } from '../../src-shared/errors';
import { importPythonFolder, importPythonRun, verifyPythonRuns, verifyRunLedger } from '../../src-main/ledger/index';
import { readOnlyReason } from '../../src-main/runtime/readOnlyRun';
import { defineWorkflow, FakeClock } from '../../src-main/runtime/index';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { PY_CHAINED_FOLDERS, PY_FIXTURES } from '../support/pythonFixtures';

const UNCHAINED_DONE = 'd5c364b2-ecd2-4844-91bd-2ff6b6f1915f';
const UNCHAINED_WAITING = '64478f0d-1ce0-4587-b801-a4f425f2167d';
const NAN = '5dcc6b8d-5203-44b2-8e54-a6f709d33535';
const ASK = '2bcad403-90d3-4595-9195-317b483a94e7';
const EVENT_WAITING = 'd58a502a-e962-41a4-b6ef-0a6c0bb76761';

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-pyfx-'));
  store = SqliteStore.open(join(dir, 'runs.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runs written by the Python AbstractRuntime 0.4.28', () => {
  it.each(PY_CHAINED_FOLDERS)('%s: its chained ledger verifies, imports, and verifies again here', (folder) => {
    const [found] = verifyPythonRuns(join(PY_FIXTURES, folder));
    expect(found!.report).toMatchObject({ valid: true, reason: null });
    const { runs, skipped } = importPythonFolder(store, join(PY_FIXTURES, folder));
    expect(skipped).toEqual([]);
    expect(runs).toEqual([{ runId: found!.runId, imported: true }]);
    const py = readFileSync(join(PY_FIXTURES, folder, `run_${found!.runId}.json`), 'utf8');
    const run = store.getRun(found!.runId)!;
    expect(run.status).toBe(/"status": "(\w+)"/.exec(py)![1]);
    expect(verifyRunLedger(store, found!.runId)).toMatchObject({ valid: true, records: found!.report.records });
  });

  it('an unchained ledger is neither valid nor broken: "no hash chain", imported read-only', () => {
    const reports = verifyPythonRuns(join(PY_FIXTURES, 'unchained'));
    for (const r of reports)
      expect(r.report).toMatchObject({
        valid: false,
        reason: 'unchained',
        firstBadSeq: null,
        message: expect.stringMatching(/^no hash chain: integrity cannot be checked/),
      });
    const { runs } = importPythonFolder(store, join(PY_FIXTURES, 'unchained'));
    expect(runs.map((r) => r.imported)).toEqual([true, true]);
    expect(store.getRun(UNCHAINED_DONE)).toMatchObject({ status: 'completed', output: { approved: true, answer: 'yes' } });
    const waiting = store.getRun(UNCHAINED_WAITING)!;
    expect(waiting).toMatchObject({ status: 'waiting', waiting: { reason: 'user' }, origin: { kind: 'import', hash_chain: false } });
    expect(readOnlyReason(waiting)).toMatch(/no hash chain/);
    expect(verifyRunLedger(store, UNCHAINED_DONE)).toMatchObject({ valid: false, reason: 'unchained', records: 5 });
    expect(store.readLedger(UNCHAINED_DONE, { limit: 10 }).records.map((r) => r.node_id)).toEqual(['ask', 'ask', 'ask', 'done', 'done']);
  });

  it('a record with its hash removed from a chained ledger is malformed, not "unchained"', () => {
    const src = join(PY_FIXTURES, 'pure', 'ledger_f3e03579-a4b2-43ce-af45-9e008b0aabb3.jsonl');
    const lines = readFileSync(src, 'utf8').split('\n').filter(Boolean);
    lines[1] = lines[1]!
      .replace(/"record_hash": "[0-9a-f]+"/, '"record_hash": null')
      .replace(/"prev_hash": "[0-9a-f]+"/, '"prev_hash": null');
    writeFileSync(join(dir, 'ledger_x.jsonl'), lines.join('\n') + '\n');
    expect(verifyPythonRuns(join(dir, 'ledger_x.jsonl'))[0]!.report).toMatchObject({ valid: false, reason: 'malformed', firstBadSeq: 1 });
  });

  it('reads NaN and ±Infinity from a run file (Python json writes them) and shows them by name', () => {
    importPythonFolder(store, join(PY_FIXTURES, 'nan'));
    expect(store.getRun(NAN)!.vars).toMatchObject({ nan: 'NaN', inf: 'Infinity', ninf: '-Infinity', acc: 1 });
  });

  it('keeps session_id', () => {
    importPythonFolder(store, join(PY_FIXTURES, 'ask'));
    expect(store.getRun(ASK)!.session_id).toBe('sess-1');
  });

  it('an event wait Python created is woken by its wait key', () => {
    importPythonFolder(store, join(PY_FIXTURES, 'event_waiting'));
    expect(store.getRun(EVENT_WAITING)!.waiting).toMatchObject({ reason: 'event', wait_key: 'evt:deploy', event_name: 'evt:deploy' });
  });
});

describe('importing a folder of Python runs', () => {
  function mixedFolder(): string {
    const folder = join(dir, 'mixed');
    for (const f of ['pure', 'nan', 'stress']) cpSync(join(PY_FIXTURES, f), folder, { recursive: true });
    // Break stress: change a value inside a hashed record.
    const ledger = join(folder, 'ledger_84e1da88-9ea9-49fb-8e76-ec9b08e5cdcb.jsonl');
    const lines = readFileSync(ledger, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"node_id": "', '"node_id": "x');
    writeFileSync(ledger, lines.join('\n'));
    writeFileSync(join(folder, 'run_00000000-bad.json'), '{"run_id": ');
    writeFileSync(join(folder, 'ledger_00000000-bad.jsonl'), '');
    return folder;
  }

  it('imports nothing when one run fails, and names every failing run and why', () => {
    const folder = mixedFolder();
    let err: unknown;
    try {
      importPythonFolder(store, folder);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImportError);
    const failed = (err as ImportError).details!.failed as { runId: string; code: string; message: string }[];
    expect(failed.map((f) => [f.runId, f.code])).toEqual([
      ['00000000-bad', 'IMPORT_FAILED'],
      ['84e1da88-9ea9-49fb-8e76-ec9b08e5cdcb', 'LEDGER_INVALID'],
    ]);
    expect((err as Error).message).toMatch(/nothing imported/);
    expect(store.listRuns({}).total).toBe(0);
  });

  it('with skipInvalid imports the good runs and lists the others', () => {
    const { runs, skipped } = importPythonFolder(store, mixedFolder(), { skipInvalid: true });
    expect(runs.map((r) => r.runId)).toEqual([NAN, 'f3e03579-a4b2-43ce-af45-9e008b0aabb3']);
    expect(skipped.map((s) => s.runId)).toEqual(['00000000-bad', '84e1da88-9ea9-49fb-8e76-ec9b08e5cdcb']);
    expect(skipped[1]!.message).toMatch(/does not verify/);
    expect(store.listRuns({}).total).toBe(2);
  });

  it('re-importing a longer chain of the same run appends only the new verified records', () => {
    const id = 'c77227d1-213e-4bb9-9742-b964592de72e';
    const src = readFileSync(join(PY_FIXTURES, 'event', `ledger_${id}.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean);
    const folder = join(dir, 'growing');
    cpSync(join(PY_FIXTURES, 'event'), folder, { recursive: true });
    writeFileSync(join(folder, `ledger_${id}.jsonl`), src.slice(0, 2).join('\n') + '\n');
    expect(importPythonRun(store, folder)).toEqual({ runId: id, imported: true });
    expect(store.getRun(id)!.ledger_head!.seq).toBe(1);
    writeFileSync(join(folder, `ledger_${id}.jsonl`), src.join('\n') + '\n');
    expect(importPythonRun(store, folder)).toEqual({ runId: id, imported: true, appended: 3 });
    expect(store.getRun(id)).toMatchObject({ status: 'completed', ledger_head: { seq: 4 } });
    expect(verifyRunLedger(store, id)).toMatchObject({ valid: true, records: 5 });
    // The same again: nothing new. A shorter copy (a prefix): nothing new either.
    expect(importPythonRun(store, folder)).toEqual({ runId: id, imported: false });
    writeFileSync(join(folder, `ledger_${id}.jsonl`), src.slice(0, 3).join('\n') + '\n');
    expect(importPythonRun(store, folder)).toEqual({ runId: id, imported: false });
  });

  it('refuses another history of the same run id and changes nothing', () => {
    const id = 'c77227d1-213e-4bb9-9742-b964592de72e';
    importPythonFolder(store, join(PY_FIXTURES, 'event'));
    const other = join(dir, 'other');
    cpSync(join(PY_FIXTURES, 'event'), other, { recursive: true });
    // A different, self-consistent ledger under the same id: the first record of another run, renamed.
    const foreign = readFileSync(join(PY_FIXTURES, 'pure', 'ledger_f3e03579-a4b2-43ce-af45-9e008b0aabb3.jsonl'), 'utf8');
    writeFileSync(join(other, `ledger_${id}.jsonl`), foreign);
    expect(() => importPythonRun(store, other)).toThrow(/already exists here with a different ledger/);
    expect(store.getRun(id)!.ledger_head!.seq).toBe(4);
  });

  it('an unchained run cannot be continued here, even with its workflow registered', async () => {
    const hostDir = join(dir, 'host');
    const askUser = defineWorkflow({
      id: 'py.ask_user',
      version: '1',
      entry: 'ask',
      nodes: { ask: { handler: () => ({ effect: { type: 'ask_user', payload: { prompt: 'Approve?' } }, resultKey: 'answer' }) } },
    });
    const host = await RuntimeHost.open({
      dataDir: hostDir,
      dbPath: join(hostDir, 'runtime.db'),
      clock: new FakeClock('2026-12-01T21:00:00.000Z'),
      env: {},
      projectFile: null,
      workflows: [askUser],
    });
    try {
      importPythonFolder(host.store, join(PY_FIXTURES, 'unchained'));
      const api = createApiHandlers(host);
      const view = await api.getRun({ runId: UNCHAINED_WAITING });
      expect(view).toMatchObject({ resumable: false, notResumableReason: expect.stringMatching(/no hash chain/) });
      await expect(api.answer({ runId: UNCHAINED_WAITING, text: 'yes' })).rejects.toMatchObject({ code: 'RUN_NOT_RESUMABLE' });
      expect(host.store.getRun(UNCHAINED_WAITING)).toMatchObject({ status: 'waiting', ledger_head: { seq: 1 } });
      expect(await api.verifyRun({ runId: UNCHAINED_WAITING })).toMatchObject({ valid: false, reason: 'unchained' });
    } finally {
      await host.close();
    }
  });
});

/**
 * A Python run's numbers stay as Python wrote them in its state, not only in its records:
 * imported, continued here, across a restart, through `show --json`, our bundle and both
 * Python formats (issue #14/#15: 9007199254740993, 1.0, -0.0, 1e-07 were shown as doubles).
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringifyExact, readJsonExact } from '../../src-shared/exactJson';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { importPythonFolder, writePythonStore, writeRunHistory } from '../../src-main/ledger/index';
import { defineWorkflow, FakeClock } from '../../src-main/runtime/index';
import { cliEnv, jsonOf, runCli } from '../cli/cliRunner';
import { tempDir } from './hostFixture';
import { ASK_WAITING, EXACT_LINES, EXACT_TEXT, pythonFolderWithNumbers } from '../support/pythonNumbersFolder';
import { PY_FIXTURES } from '../support/pythonFixtures';

const PY = PY_FIXTURES;
const PY_LINES = EXACT_LINES;

/** Our workflow for the Python run's id: `ask` waits, `done` completes with what the run holds. */
const askUser = defineWorkflow({
  id: 'py.ask_user',
  version: '1',
  entry: 'ask',
  nodes: {
    ask: {
      next: ['done'],
      handler: () => ({ effect: { type: 'ask_user', payload: { prompt: 'Approve?' } }, resultKey: 'answer', next: 'done' }),
    },
    done: { handler: (run) => ({ complete: { exact: run.vars.exact ?? null, answer: run.vars.answer ?? null } }) },
  },
});

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('an imported Python run keeps its numbers in state', () => {
  it('import → show → answer here → restart → show --json, bundle, python-store and python-history: every number as written', async () => {
    const t = tempDir('ar-pyexact-');
    cleanups.push(t.cleanup);
    const dbPath = join(t.dir, 'runtime.db');
    const clock = new FakeClock('2026-12-01T21:00:00.000Z');
    const open = async (owner: string) => {
      const h = await RuntimeHost.open({
        dataDir: t.dir,
        dbPath,
        clock,
        leaseOwner: owner,
        env: {},
        projectFile: null,
        workflows: [askUser],
      });
      return h;
    };
    const folder = pythonFolderWithNumbers(t.dir);

    const first = await open('host-1');
    importPythonFolder(first.store, folder);
    const api = createApiHandlers(first);
    const imported = await api.getRun({ runId: ASK_WAITING });
    expect(stringifyExact(imported.state.vars.exact)).toBe(EXACT_TEXT);
    expect(imported.resumable).toBe(true);

    // The run moves here: the kernel carries the values it was given, exactly.
    const done = await api.answer({ runId: ASK_WAITING, text: 'yes' });
    expect(done.status).toBe('completed');
    expect(stringifyExact(done.output)).toBe(`{"exact":${EXACT_TEXT},"answer":{"text":"yes"}}`);
    await first.close();

    const second = await open('host-2');
    cleanups.push(() => second.close());
    const api2 = createApiHandlers(second);
    const after = await api2.getRun({ runId: ASK_WAITING });
    expect(stringifyExact(after.state.vars.exact)).toBe(EXACT_TEXT);
    expect(stringifyExact(after.state.output)).toBe(`{"exact":${EXACT_TEXT},"answer":{"text":"yes"}}`);
    // The state at a seq: from the imported state at the seq it was imported at (Python's
    // records carry no initial vars), then our records; at the head it is the stored state.
    const head = after.state.ledger_head!.seq;
    const atImport = await api2.getStateAt({ runId: ASK_WAITING, seq: 1 });
    expect(atImport).toMatchObject({ status: 'waiting' });
    expect(stringifyExact((atImport.vars as { exact: unknown }).exact)).toBe(EXACT_TEXT);
    const atHead = await api2.getStateAt({ runId: ASK_WAITING, seq: head });
    expect(stringifyExact(atHead.vars)).toBe(stringifyExact(after.state.vars));
    expect(atHead.status).toBe('completed');

    // Our bundle, as text, into another database.
    const bundleText = stringifyExact((await api2.exportRun({ runId: ASK_WAITING })).bundle);
    expect(bundleText).toContain(EXACT_TEXT);
    const otherDir = tempDir('ar-pyexact-b-');
    cleanups.push(otherDir.cleanup);
    const other = await RuntimeHost.open({
      dataDir: otherDir.dir,
      dbPath: join(otherDir.dir, 'runtime.db'),
      clock,
      env: {},
      projectFile: null,
    });
    cleanups.push(() => other.close());
    await createApiHandlers(other).importBundle({ bundle: readJsonExact(bundleText) });
    expect(stringifyExact(other.getRun(ASK_WAITING).output)).toBe(`{"exact":${EXACT_TEXT},"answer":{"text":"yes"}}`);

    // Python's formats: the run file (json.dump indent=2) and a RunHistoryBundle.
    const pyOut = join(t.dir, 'py-out');
    writePythonStore(second.store, ASK_WAITING, pyOut);
    const runFile = readFileSync(join(pyOut, `run_${ASK_WAITING}.json`), 'utf8');
    for (const line of PY_LINES) expect(runFile).toContain(line);
    const history = writeRunHistory(second.store, ASK_WAITING);
    for (const line of PY_LINES) expect(history).toContain(line);
    await second.close();
    cleanups.pop();

    // The CLI over the same database.
    const env = cliEnv(join(t.dir, 'home'));
    const shown = await runCli(['--db', dbPath, '--json', 'show', ASK_WAITING], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout.replace(/\s+/g, '')).toContain(`"exact":${EXACT_TEXT}`);
    expect(jsonOf(shown).state.status).toBe('completed');
    const human = await runCli(['--db', dbPath, 'show', ASK_WAITING], env);
    expect(human.stdout).toContain(`"exact":${EXACT_TEXT}`);
  });

  it("the records' values (the ledger view) carry Python's numbers too, not doubles", async () => {
    const t = tempDir('ar-pyrec-');
    cleanups.push(t.cleanup);
    const host = await RuntimeHost.open({ dataDir: t.dir, dbPath: join(t.dir, 'runtime.db'), env: {}, projectFile: null });
    cleanups.push(() => host.close());
    importPythonFolder(host.store, join(PY, 'stress'));
    const page = await createApiHandlers(host).getLedger({ runId: '84e1da88-9ea9-49fb-8e76-ec9b08e5cdcb', limit: 10 });
    const text = stringifyExact(page.records[0]!.effect);
    for (const kept of ['"f_one":1.0', '"f_small":1e-07', '"f_big":2.5e+20', '"f_negzero":-0.0', '"int_2_53_plus1":9007199254740993'])
      expect(text).toContain(kept);
  });

  it('a run file with a number no value here can keep is refused, naming run, file and path, and nothing is stored', async () => {
    const t = tempDir('ar-pybad-');
    cleanups.push(t.cleanup);
    const folder = join(t.dir, 'py');
    cpSync(join(PY, 'ask_waiting'), folder, { recursive: true });
    const runFile = join(folder, `run_${ASK_WAITING}.json`);
    writeFileSync(runFile, readFileSync(runFile, 'utf8').replace('"who": "Zoë",', '"who": "Zoë",\n    "pi": 3.14159265358979323846,'));
    const host = await RuntimeHost.open({ dataDir: t.dir, dbPath: join(t.dir, 'runtime.db'), env: {}, projectFile: null });
    cleanups.push(() => host.close());
    expect(() => importPythonFolder(host.store, folder)).toThrow(
      new RegExp(
        `${ASK_WAITING}: NUMBER_NOT_EXACT: run ${ASK_WAITING}: .*run_${ASK_WAITING}\\.json: \\$\\.vars\\.pi: the number 3\\.14159265358979323846 cannot be kept exactly`,
      ),
    );
    expect(host.store.getRun(ASK_WAITING)).toBeNull();
  });

  it("Python's NaN / Infinity are shown by name and the run is read-only, naming where they are", async () => {
    const t = tempDir('ar-pynan-');
    cleanups.push(t.cleanup);
    const host = await RuntimeHost.open({
      dataDir: t.dir,
      dbPath: join(t.dir, 'runtime.db'),
      clock: new FakeClock('2026-12-01T21:00:00.000Z'),
      env: {},
      projectFile: null,
    });
    cleanups.push(() => host.close());
    importPythonFolder(host.store, join(PY, 'nan'));
    const view = await createApiHandlers(host).getRun({ runId: '5dcc6b8d-5203-44b2-8e54-a6f709d33535' });
    expect(view.state.vars).toMatchObject({ nan: 'NaN', inf: 'Infinity', ninf: '-Infinity' });
    expect(stringifyExact(view.state.output)).toBe('{"acc":1,"ratio":1.0}');
    expect(view.resumable).toBe(false);
    expect(view.notResumableReason).toMatch(/NaN\/Infinity at vars\.nan, vars\.inf, vars\.ninf/);
  });

  it('a Python snapshot holding NaN cannot be restored or forked into a run here (strings would stand where numbers were)', async () => {
    const t = tempDir('ar-pynansnap-');
    cleanups.push(t.cleanup);
    const folder = join(t.dir, 'py');
    cpSync(join(PY, 'pure'), folder, { recursive: true });
    const runId = 'f3e03579-a4b2-43ce-af45-9e008b0aabb3';
    const runFile = readFileSync(join(folder, `run_${runId}.json`), 'utf8');
    const runState = runFile.replace(/"vars": \{/, '"vars": {\n    "ratio": NaN,');
    mkdirSync(join(folder, 'snapshots'));
    writeFileSync(
      join(folder, 'snapshots', 'snapshot_nan-1.json'),
      `{"snapshot_id": "nan-1", "run_id": "${runId}", "step_id": null, "name": "with NaN", "description": null, "tags": [], "created_at": "2030-01-01T00:00:00.000000+00:00", "updated_at": "2030-01-01T00:00:00.000000+00:00", "run_state": ${runState}}`,
    );
    // Its workflow registered, so only the NaN stands in the way.
    const counter = defineWorkflow({
      id: 'py.pure_counter',
      version: '1',
      entry: 'loop',
      nodes: { loop: { next: ['done'], handler: () => ({ next: 'done' }) }, done: { handler: () => ({ complete: {} }) } },
    });
    const host = await RuntimeHost.open({
      dataDir: t.dir,
      dbPath: join(t.dir, 'runtime.db'),
      env: {},
      projectFile: null,
      workflows: [counter],
    });
    cleanups.push(() => host.close());
    importPythonFolder(host.store, folder);
    expect(host.store.getSnapshot('nan-1')!.state.vars).toMatchObject({ ratio: 'NaN' });
    const headBefore = host.store.getRun(runId)!.ledger_head!.seq;
    // The run itself is clean (its run file has no NaN): restoring the snapshot into it is refused by the kernel.
    await expect(createApiHandlers(host).restoreSnapshot({ snapshotId: 'nan-1' })).rejects.toMatchObject({
      code: 'RUN_NOT_RESUMABLE',
      message: expect.stringMatching(/snapshot nan-1 cannot be restored or forked: .*NaN\/Infinity at run_state\.vars\.ratio/),
    });
    expect(host.store.getRun(runId)!.ledger_head!.seq).toBe(headBefore);
    const api = createApiHandlers(host);
    await expect(api.forkSnapshot({ snapshotId: 'nan-1' })).rejects.toMatchObject({
      code: 'RUN_NOT_RESUMABLE',
      message: expect.stringMatching(/NaN\/Infinity at run_state\.vars\.ratio/),
    });
    expect(host.store.listRuns({}).total).toBe(1);
  });
});

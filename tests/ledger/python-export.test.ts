/**
 * Writing what Python reads: every fixture folder goes Python → here → Python store folder
 * → here with every record's hashed bytes unchanged; the Python store and RunHistoryBundle
 * exports load under the Python rules (restated in support/python_store_check.py).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fromPythonWait,
  importPythonFolder,
  importRunHistory,
  parsePythonLedger,
  readRunHistory,
  resolveArtifact,
  toPythonWait,
  verifyPythonLedgerFile,
  verifyRunLedger,
  writePythonStore,
  writeRunHistory,
} from '../../src-main/ledger/index';
import { ledgerRows } from '../../src-main/ledger/verifyRunLedger';
import { sha256Hex } from '../../src-main/runtime/sha256';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import type { WaitState } from '../../src-shared/types';
import { RawNumber } from '../../src-shared/canonicalJson';
import { PY_FIXTURES, PY_STORE_FOLDERS } from '../support/pythonFixtures';

const CHECK = join(__dirname, 'support/python_store_check.py');
const OFFLOAD = 'fef14bee-8c87-4243-93b7-817f92f95f2b';
const python = spawnSync('python3', ['--version']).status === 0;

let dir: string;
const stores: SqliteStore[] = [];
const open = (name: string) => {
  const s = SqliteStore.open(join(dir, `${name}.db`));
  stores.push(s);
  return s;
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-pyexp-'));
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const rowsOf = (store: SqliteStore, runId: string) => [...ledgerRows(store, runId)].map((r) => [r.seq, r.record_hash, r.body]);

describe('Python → here → Python store folder → here', () => {
  it.each(PY_STORE_FOLDERS)('%s: every record keeps its hashed bytes, and the state its fields', (folder) => {
    const first = open('first');
    const { runs } = importPythonFolder(first, join(PY_FIXTURES, folder));
    for (const { runId } of runs) {
      const original = parsePythonLedger(readFileSync(join(PY_FIXTURES, folder, `ledger_${runId}.jsonl`), 'utf8')).rows;
      expect(rowsOf(first, runId)).toEqual(original.map((r) => [r.seq, r.record_hash, r.body]));
      const out = join(dir, 'out', folder);
      writePythonStore(first, runId, out);
      const again = verifyPythonLedgerFile(join(out, `ledger_${runId}.jsonl`));
      expect(again.reason ?? 'valid').toBe(folder === 'unchained' ? 'unchained' : 'valid');
      const second = open(`second-${runId}`);
      importPythonFolder(second, out);
      expect(rowsOf(second, runId)).toEqual(rowsOf(first, runId));
      const { origin: _a, ...a } = first.getRun(runId)!;
      const { origin: _b, ...b } = second.getRun(runId)!;
      // Times come back in Python's microsecond form; everything else is the same.
      expect({ ...b, created_at: a.created_at, updated_at: a.updated_at }).toEqual(a);
      // And as a RunHistoryBundle: the same records again.
      const hist = join(dir, 'out', `${folder}-${runId}.history.json`);
      writeFileSync(hist, writeRunHistory(first, runId));
      expect(readRunHistory(hist)[0]!.rows.map((r) => [r.seq, r.record_hash, r.body])).toEqual(rowsOf(first, runId));
    }
  });

  it.skipIf(!python)('the folder loads under the Python store rules, and Python continues the chain; the longer chain comes back', () => {
    const store = open('a');
    importPythonFolder(store, join(PY_FIXTURES, 'event'));
    const runId = 'c77227d1-213e-4bb9-9742-b964592de72e';
    const out = join(dir, 'py-store');
    writePythonStore(store, runId, out);
    const check = spawnSync('python3', [CHECK, out, runId, '--append'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.stdout.trim()).toBe('ok 6 0');
    expect(importPythonFolder(store, out).runs).toEqual([{ runId, imported: true, appended: 1 }]);
    expect(verifyRunLedger(store, runId)).toMatchObject({ valid: true, records: 6 });
    expect(store.readLedger(runId, { fromEnd: true, limit: 1 }).records[0]).toMatchObject({
      seq: 5,
      node_id: 'python_continued',
      // Python wrote the float 1.0: shown as written, not as the integer 1.
      result: { continued_by: 'python', x: new RawNumber('1.0') },
    });
  });
});

describe('exact numbers of a Python run file', () => {
  it('an imported run that has not moved exports its run file byte for byte (1.0, -0.0, 2^53+1, NaN kept)', () => {
    const store = open('a');
    for (const [folder, runId] of [
      ['stress', '84e1da88-9ea9-49fb-8e76-ec9b08e5cdcb'],
      ['nan', '5dcc6b8d-5203-44b2-8e54-a6f709d33535'],
    ] as const) {
      importPythonFolder(store, join(PY_FIXTURES, folder));
      const out = join(dir, 'out', folder);
      writePythonStore(store, runId, out);
      const original = readFileSync(join(PY_FIXTURES, folder, `run_${runId}.json`));
      expect(readFileSync(join(out, `run_${runId}.json`))).toEqual(original);
    }
    expect(readFileSync(join(dir, 'out', 'stress', 'run_84e1da88-9ea9-49fb-8e76-ec9b08e5cdcb.json'), 'utf8')).toContain('9007199254740993');
  });
});

describe('Python artifacts and snapshots', () => {
  it('imports blobs + refs and resolves every {"$artifact": id} of vars and records to bytes matching their blob id', () => {
    const store = open('a');
    importPythonFolder(store, join(PY_FIXTURES, 'offload'));
    const run = store.getRun(OFFLOAD)!;
    const text = [JSON.stringify(run.vars), ...[...ledgerRows(store, OFFLOAD)].map((r) => r.body)].join('\n');
    const named = [...new Set([...text.matchAll(/"\$artifact":"([0-9a-f]{32})"/g)].map((m) => m[1]!))].sort();
    expect(named).toHaveLength(3);
    // The store keeps five for this run (two no longer referenced): all come along.
    const kept = readdirSync(join(PY_FIXTURES, 'offload', 'artifacts', 'refs'))
      .map((f) => f.replace('.meta', ''))
      .sort();
    expect(Object.keys(run.origin?.kind === 'import' ? run.origin.artifacts! : {}).sort()).toEqual(kept);
    for (const id of kept) {
      const meta = JSON.parse(readFileSync(join(PY_FIXTURES, 'offload', 'artifacts', 'refs', `${id}.meta`), 'utf8'));
      const got = resolveArtifact(store, run, id);
      expect(sha256Hex(got.bytes)).toBe(meta.blob_id);
      expect(got.mime).toBe(meta.content_type);
      expect(Buffer.from(got.bytes)).toEqual(readFileSync(join(PY_FIXTURES, 'offload', 'artifacts', 'blobs', `${meta.blob_id}.bin`)));
    }
  });

  it('refuses a run whose artifact blob was changed, naming it, and stores nothing', async () => {
    const { cpSync } = await import('node:fs');
    const folder = join(dir, 'offload');
    cpSync(join(PY_FIXTURES, 'offload'), folder, { recursive: true });
    const blobs = join(folder, 'artifacts', 'blobs');
    const victim = readdirSync(blobs)[0]!;
    writeFileSync(join(blobs, victim), 'changed');
    const store = open('a');
    expect(() => importPythonFolder(store, folder)).toThrow(/does not match its blob_id/);
    expect(store.getRun(OFFLOAD)).toBeNull();
  });

  it('imports the Python snapshot as a snapshot of its run', () => {
    const store = open('a');
    importPythonFolder(store, join(PY_FIXTURES, 'offload'));
    const [summary] = store.searchSnapshots({ runId: OFFLOAD });
    expect(summary).toMatchObject({ snapshot_id: 'f917d3d7-17eb-4c5f-bcd6-a5e7afe4ed68', name: 'after resume', run_id: OFFLOAD });
    const snap = store.getSnapshot(summary!.snapshot_id)!;
    expect(snap.state).toMatchObject({ run_id: OFFLOAD, workflow_id: 'py.stress', status: 'completed' });
    expect(snap.ledger_seq).toBeGreaterThanOrEqual(0);
    expect(snap.state.ledger_head?.seq).toBe(snap.ledger_seq);
  });

  it.skipIf(!python)("an exported run with imported artifacts carries them in Python's layout", () => {
    const store = open('a');
    importPythonFolder(store, join(PY_FIXTURES, 'offload'));
    const out = join(dir, 'py-store');
    expect(writePythonStore(store, OFFLOAD, out)).toMatchObject({ artifacts: 5 });
    const check = spawnSync('python3', [CHECK, out, OFFLOAD], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.stdout.trim()).toBe('ok 7 3');
  });
});

describe("Python's RunHistoryBundle v1", () => {
  it('imports a chained bundle: root run, its ledger verified, its input vars', () => {
    const store = open('a');
    const file = join(PY_FIXTURES, 'history', 'history_chained_61f70b07-3d99-4966-9feb-a7eaa172d48a.json');
    const { runs } = importRunHistory(store, file);
    expect(runs).toEqual([{ runId: '61f70b07-3d99-4966-9feb-a7eaa172d48a', imported: true }]);
    expect(store.getRun(runs[0]!.runId)).toMatchObject({
      workflow_id: 'py.stress',
      status: 'completed',
      vars: { answer: { response: 'ok' } },
    });
    expect(verifyRunLedger(store, runs[0]!.runId)).toMatchObject({ valid: true, records: 7 });
    // The same records as the Python store folder of that run.
    const folder = open('b');
    importPythonFolder(folder, join(PY_FIXTURES, 'stress2'));
    expect(rowsOf(store, runs[0]!.runId)).toEqual(rowsOf(folder, runs[0]!.runId));
  });

  it('imports an unchained bundle read-only', () => {
    const store = open('a');
    const { runs } = importRunHistory(store, join(PY_FIXTURES, 'history', 'history_unchained_d5c364b2-ecd2-4844-91bd-2ff6b6f1915f.json'));
    expect(store.getRun(runs[0]!.runId)!.origin).toMatchObject({ kind: 'import', hash_chain: false });
    expect(verifyRunLedger(store, runs[0]!.runId)).toMatchObject({ valid: false, reason: 'unchained' });
  });

  it('refuses a bundle with a changed record, naming the run and seq, and stores nothing', () => {
    const file = join(dir, 'h.json');
    const text = readFileSync(join(PY_FIXTURES, 'history', 'history_chained_61f70b07-3d99-4966-9feb-a7eaa172d48a.json'), 'utf8');
    writeFileSync(file, text.replace('"node_id": "seed"', '"node_id": "seeD"'));
    const store = open('a');
    expect(() => importRunHistory(store, file)).toThrow(/61f70b07-3d99-4966-9feb-a7eaa172d48a does not verify: record 0/);
    expect(store.listRuns({}).total).toBe(0);
  });

  it('is written for a run: the same records byte for byte, read back the same', () => {
    const store = open('a');
    importPythonFolder(store, join(PY_FIXTURES, 'stress'));
    const runId = '84e1da88-9ea9-49fb-8e76-ec9b08e5cdcb';
    const file = join(dir, 'history.json');
    writeFileSync(file, writeRunHistory(store, runId, new Date('2026-12-01T00:00:00Z')));
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc).toMatchObject({ version: 1, root_run_id: runId, run: { run_id: runId, status: 'completed' }, session: null });
    expect(doc.timeline).toHaveLength(7);
    expect(doc.ledgers[runId]).toMatchObject({ total: 7, cursor_start: 1, cursor_end: 7 });
    const [back] = readRunHistory(file);
    expect(back!.rows.map((r) => [r.seq, r.record_hash, r.body])).toEqual(rowsOf(store, runId));
    const fresh = open('b');
    importRunHistory(fresh, file);
    expect(rowsOf(fresh, runId)).toEqual(rowsOf(store, runId));
  });
});

describe('waits across the hop to Python', () => {
  const base: WaitState = {
    reason: 'event',
    wait_key: 'evt:r1:wait:1',
    result_key: 'event',
    resume_to_node: 'done',
    until: null,
    prompt: null,
    choices: null,
    allow_free_text: true,
    event_name: 'deploy.done',
    tool_calls: null,
    child_run_id: null,
    details: null,
  };
  it.each([
    base,
    {
      ...base,
      reason: 'tool_calls' as const,
      event_name: null,
      tool_calls: [{ name: 'search', arguments: { q: 'x' }, call_id: 'c1' }],
      details: { mode: 'approve' },
    },
    { ...base, reason: 'subworkflow' as const, event_name: null, child_run_id: 'r1.child-1' },
    { ...base, reason: 'recovery' as const, event_name: null, details: { effect: 'llm_call' } },
  ])('a $reason wait comes back as it left, in a form Python loads', (w) => {
    const py = JSON.parse(JSON.stringify(toPythonWait(w, (s) => s)));
    expect(['user', 'event', 'until', 'job', 'subworkflow']).toContain(py.reason);
    expect(fromPythonWait(py)).toEqual(w);
  });
});

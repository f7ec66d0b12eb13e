/**
 * Python files carrying what cannot be stored exactly — a lone surrogate, a `__proto__` key,
 * nesting past the limit — are refused on import with NON_JSON_VALUE naming the run, the
 * file and the JSON path, and nothing is written. Crafted from copies of the Python 0.4.28
 * fixtures (the unchained store, which would otherwise import, so only the crafted value
 * can be what stops it).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NonJsonValueError, RuntimeError } from '../../src-shared/errors';
import { MAX_JSON_DEPTH } from '../../src-shared/storableJson';
import { importPythonFolder, importPythonRun, importRunHistory } from '../../src-main/ledger/index';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { PY_FIXTURES } from '../support/pythonFixtures';

const RUN = 'd5c364b2-ecd2-4844-91bd-2ff6b6f1915f';

let dir: string;
let folder: string;
let store: SqliteStore;
const runFile = () => join(folder, `run_${RUN}.json`);
const ledgerFile = () => join(folder, `ledger_${RUN}.jsonl`);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-py-unstorable-'));
  folder = join(dir, 'store');
  cpSync(join(PY_FIXTURES, 'unchained'), folder, { recursive: true });
  store = SqliteStore.open(join(dir, 'runs.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function edit(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

function refusal(fn: () => unknown): NonJsonValueError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(NonJsonValueError);
    return err as NonJsonValueError;
  }
  throw new Error('the import was not refused');
}

describe('Python imports refuse values that cannot be stored exactly', () => {
  it('the untouched copy imports (so what stops the others is the crafted value)', () => {
    expect(importPythonRun(store, folder, { runId: RUN })).toMatchObject({ runId: RUN, imported: true });
  });

  it('a lone surrogate in a run file, naming the run, the file and the path', () => {
    edit(runFile(), '"who": "Zoë"', '"who": "Zo\\ud800"');
    const err = refusal(() => importPythonRun(store, folder, { runId: RUN }));
    expect(err.code).toBe('NON_JSON_VALUE');
    expect(err.message).toContain(`run ${RUN}`);
    expect(err.message).toContain(runFile());
    expect(err.message).toContain('$.vars.who holds a lone UTF-16 surrogate');
    expect(store.getRun(RUN)).toBeNull();
  });

  it('a lone surrogate in a ledger record, naming its line', () => {
    edit(ledgerFile(), '"Approve deploy? \u2705"', '"Approve deploy? \\udc00"');
    const err = refusal(() => importPythonRun(store, folder, { runId: RUN }));
    expect(err.message).toContain(ledgerFile());
    expect(err.message).toContain('line 1: $.effect.payload.prompt holds a lone UTF-16 surrogate');
    expect(store.getRun(RUN)).toBeNull();
  });

  it('a __proto__ key, kept by neither store nor spreads, is refused rather than dropped', () => {
    edit(runFile(), '"who": "Zoë"', '"__proto__": {"admin": true}, "who": "Zoë"');
    const err = refusal(() => importPythonRun(store, folder, { runId: RUN }));
    expect(err.message).toContain('$.vars.__proto__');
    expect(err.details).toMatchObject({ runId: RUN, file: runFile(), problem: 'proto_key' });
    expect(store.getRun(RUN)).toBeNull();
  });

  it('nesting past the limit, measured before parsing', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 5) + ']'.repeat(MAX_JSON_DEPTH + 5);
    edit(runFile(), '"who": "Zoë"', `"who": ${deep}`);
    const err = refusal(() => importPythonRun(store, folder, { runId: RUN }));
    expect(err.message).toContain(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(err.details).toMatchObject({ runId: RUN, file: runFile(), problem: 'too_deep' });
    expect(store.getRun(RUN)).toBeNull();
  });

  it('a folder import names the run and writes nothing of the folder', () => {
    edit(ledgerFile(), '"Approve deploy? \u2705"', '"Approve deploy? \\ud800"');
    expect(() => importPythonFolder(store, folder)).toThrow(
      new RegExp(`${RUN}: NON_JSON_VALUE: run ${RUN}: .*line 1: \\$\\.effect\\.payload\\.prompt`),
    );
    expect(store.listRuns({ limit: 10 }).runs).toEqual([]);
    const { runs, skipped } = importPythonFolder(store, folder, { skipInvalid: true });
    expect(skipped).toEqual([expect.objectContaining({ runId: RUN, code: 'NON_JSON_VALUE' })]);
    expect(runs.map((r) => r.runId)).not.toContain(RUN);
  });

  it('a RunHistoryBundle with a lone surrogate in a record names the root run, the file and the ledger path', () => {
    const history = join(dir, 'history.json');
    cpSync(join(PY_FIXTURES, 'history', `history_unchained_${RUN}.json`), history);
    const text = readFileSync(history, 'utf8');
    const crafted = text.replace('"Approve deploy? \u2705"', '"Approve deploy? \\udbff"');
    expect(crafted).not.toBe(text);
    writeFileSync(history, crafted);
    const err = refusal(() => importRunHistory(store, history));
    expect(err.message).toContain(`run ${RUN}: ${history}:`);
    expect(err.message).toContain(`$.ledgers.${RUN}.items[0].record.effect.payload.prompt holds a lone UTF-16 surrogate`);
    expect(store.getRun(RUN)).toBeNull();
  });

  it('a RunHistoryBundle nested past the limit is refused, not a stack overflow', () => {
    const history = join(dir, 'deep.json');
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    writeFileSync(
      history,
      readFileSync(join(PY_FIXTURES, 'history', `history_unchained_${RUN}.json`), 'utf8').replace('"session": null', `"session": ${deep}`),
    );
    const err = refusal(() => importRunHistory(store, history));
    expect(err).toBeInstanceOf(RuntimeError);
    expect(err.message).toContain(`${history} is nested deeper than ${MAX_JSON_DEPTH} levels`);
  });
});

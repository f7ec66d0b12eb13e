import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, type CanonicalInput } from '../../src-shared/canonicalJson';
import { ImportError, LedgerInvalidError } from '../../src-shared/errors';
import { sha256Hex } from '../../src-main/runtime/sha256';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import {
  createExportBundle,
  importPythonFolder,
  importPythonRun,
  parseJsonLossless,
  parsePythonLedger,
  toPythonLedgerJsonl,
  verifyBundle,
  verifyPythonLedgerFile,
  verifyPythonLedgerText,
  verifyPythonRuns,
  verifyRunLedger,
} from '../../src-main/ledger/index';
import { writeRun } from './support/runFactory';

const repoRoot = resolve(__dirname, '../..');
const PY_FIXTURES = resolve(repoRoot, 'tests/fixtures/abstractruntime-py');
const NUMBERS = resolve(repoRoot, 'tests/fixtures/python-numbers');
const COMPLETED = '81db30e2-6a8a-4a4c-bf88-508603b56a9e';
const WAITING = '5f39ee0b-054c-4d05-b56e-e4134e2cdcf7';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-py-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('ledgers written by AbstractRuntime (Python)', () => {
  it('verify exactly as Python computes the chain', () => {
    expect(verifyPythonLedgerFile(join(PY_FIXTURES, `ledger_${COMPLETED}.jsonl`))).toMatchObject({ valid: true, records: 9 });
    expect(verifyPythonLedgerFile(join(PY_FIXTURES, `ledger_${WAITING}.jsonl`))).toMatchObject({ valid: true, records: 8 });
    expect(verifyPythonRuns(PY_FIXTURES).map((r) => [r.runId, r.report.valid, r.report.records])).toEqual([
      [WAITING, true, 8],
      [COMPLETED, true, 9],
    ]);
  });

  it('re-canonicalize every number and string form to the bytes Python hashed', () => {
    const expected = JSON.parse(readFileSync(join(NUMBERS, 'expected_numbers-utf8.json'), 'utf8')) as {
      record_hash: string;
      canonical: string;
    }[];
    const { rows } = parsePythonLedger(readFileSync(join(NUMBERS, 'ledger_numbers-utf8.jsonl'), 'utf8'));
    expect(rows.map((r) => r.body)).toEqual(expected.map((e) => e.canonical));
    expect(rows.map((r) => sha256Hex(r.body))).toEqual(expected.map((e) => e.record_hash));
    // Spot checks of the forms a double-based parser would lose.
    const body = expected.map((e) => e.canonical).join('\n');
    for (const lexeme of [
      '"float_int":1.0',
      '"neg_zero":-0.0',
      '"tiny":1e-07',
      '"big_float":1e+21',
      '"big_int":12345678901234567890123',
      '"nan":NaN',
      '"neg_inf":-Infinity',
      '\u2028',
    ])
      expect(body).toContain(lexeme);
  });

  it('verify whether Python wrote them with or without ASCII escapes', () => {
    expect(verifyPythonLedgerFile(join(NUMBERS, 'ledger_numbers-utf8.jsonl'))).toMatchObject({ valid: true, records: 5 });
    expect(verifyPythonLedgerFile(join(NUMBERS, 'ledger_numbers-ascii.jsonl'))).toMatchObject({ valid: true, records: 5 });
  });

  it('split lines on \\n only (a raw U+2028 inside a record is not a line break) and accept CRLF', () => {
    const text = readFileSync(join(NUMBERS, 'ledger_numbers-utf8.jsonl'), 'utf8');
    expect(text).toContain('\u2028');
    expect(verifyPythonLedgerText(text.replaceAll('\n', '\r\n'))).toMatchObject({ valid: true, records: 5 });
  });

  it('detect a number rewritten in another form, a deleted line, swapped lines and a broken line', () => {
    const src = lines(join(NUMBERS, 'ledger_numbers-utf8.jsonl'));
    const join_ = (ls: string[]) => ls.join('\n') + '\n';
    const rewritten = [...src];
    rewritten[0] = rewritten[0]!.replace('"float_int": 1.0', '"float_int": 1');
    expect(verifyPythonLedgerText(join_(rewritten))).toMatchObject({ valid: false, firstBadSeq: 0, reason: 'hash_mismatch' });
    expect(verifyPythonLedgerText(join_([src[0]!, src[1]!, src[3]!, src[4]!]))).toMatchObject({
      valid: false,
      firstBadSeq: 2,
      reason: 'broken_link',
    });
    expect(verifyPythonLedgerText(join_([src[0]!, src[2]!, src[1]!, src[3]!]))).toMatchObject({
      valid: false,
      firstBadSeq: 1,
      reason: 'broken_link',
    });
    expect(verifyPythonLedgerText(join_([src[0]!, src[1]!, '{"run_id": "x", oops', src[2]!]))).toMatchObject({
      valid: false,
      firstBadSeq: 2,
      reason: 'malformed',
    });
  });
});

describe('importing Python runs', () => {
  it('imports a folder of runs, shown like ours and marked with their origin', () => {
    const store = SqliteStore.open(join(dir, 'runs.db'));
    try {
      const results = importPythonFolder(store, PY_FIXTURES, { now: new Date('2026-12-01T00:00:00Z') });
      expect(results.runs.map((r) => r.imported)).toEqual([true, true]);
      const waiting = store.getRun(WAITING)!;
      expect(waiting).toMatchObject({
        workflow_id: 'py.agent_demo',
        status: 'waiting',
        current_node: 'wait',
        waiting: { reason: 'event', wait_key: 'evt:deploy', event_name: 'evt:deploy', resume_to_node: 'done', result_key: 'event' },
        ledger_head: { seq: 7 },
        origin: { kind: 'import', source: 'abstractruntime-py', imported_at: '2026-12-01T00:00:00.000Z' },
      });
      expect(store.getRun(COMPLETED)).toMatchObject({ status: 'completed', output: { sum: 5 }, ledger_head: { seq: 8 } });
      expect(store.listRuns({ status: 'waiting' }).runs[0]).toMatchObject({
        run_id: WAITING,
        origin_kind: 'import',
        waiting_reason: 'event',
      });
      const page = store.readLedger(COMPLETED, { fromEnd: true, limit: 2 });
      expect(page.total).toBe(9);
      expect(page.records.map((r) => [r.seq, r.kind, r.node_id])).toEqual([
        [7, 'effect', 'wait'],
        [8, 'completed', 'done'],
      ]);
      expect(verifyRunLedger(store, COMPLETED)).toMatchObject({ valid: true, records: 9 });
      expect(store.findCompletedEffect(COMPLETED, '6b79e15d2745bacfec74e9181e2f7388')?.node_id).toBe('plan');
    } finally {
      store.close();
    }
  });

  it('is idempotent, and asks which run when a folder holds several', () => {
    const store = SqliteStore.open(join(dir, 'runs.db'));
    try {
      expect(() => importPythonRun(store, PY_FIXTURES)).toThrow(ImportError);
      expect(() => importPythonRun(store, PY_FIXTURES)).toThrow(new RegExp(COMPLETED));
      expect(importPythonRun(store, PY_FIXTURES, { runId: COMPLETED })).toEqual({ runId: COMPLETED, imported: true });
      expect(importPythonRun(store, join(PY_FIXTURES, `ledger_${COMPLETED}.jsonl`))).toEqual({ runId: COMPLETED, imported: false });
      expect(store.readLedger(COMPLETED, { limit: 100 }).total).toBe(9);
    } finally {
      store.close();
    }
  });

  it('refuses a ledger that does not verify, naming the seq and reason, and stores nothing', () => {
    const src = lines(join(PY_FIXTURES, `ledger_${COMPLETED}.jsonl`));
    src[3] = src[3]!.replace('"sum": 5', '"sum": 6');
    const file = join(dir, `ledger_${COMPLETED}.jsonl`);
    writeFileSync(file, src.join('\n') + '\n');
    copyFileSync(join(PY_FIXTURES, `run_${COMPLETED}.json`), join(dir, `run_${COMPLETED}.json`));
    const store = SqliteStore.open(join(dir, 'runs.db'));
    try {
      let err: unknown;
      try {
        importPythonRun(store, file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LedgerInvalidError);
      expect((err as LedgerInvalidError).details).toMatchObject({ seq: 3, reason: 'hash_mismatch' });
      expect(store.getRun(COMPLETED)).toBeNull();
    } finally {
      store.close();
    }
  });

  it('exports an imported run as a bundle that verifies, Python number forms included', () => {
    const store = SqliteStore.open(join(dir, 'runs.db'));
    try {
      importPythonFolder(store, NUMBERS);
      const bundle = createExportBundle(store, 'numbers-utf8');
      expect(verifyBundle(JSON.parse(JSON.stringify(bundle)))).toMatchObject({ valid: true, records: 5 });
      expect(bundle.origin).toMatchObject({ kind: 'import', source: 'abstractruntime-py' });
      // Exported back to a Python ledger file, it still verifies byte for byte.
      expect(verifyPythonLedgerText(toPythonLedgerJsonl(store, 'numbers-utf8'))).toMatchObject({ valid: true, records: 5 });
    } finally {
      store.close();
    }
  });
});

describe('ledgers written here, checked by the Python rule', () => {
  it('re-canonicalize from their JSON text to the same hashes (pure TypeScript)', () => {
    const store = SqliteStore.open(join(dir, 'runs.db'));
    try {
      writeRun(store, 'ours', 6);
      const jsonl = toPythonLedgerJsonl(store, 'ours');
      for (const line of jsonl.split('\n').filter(Boolean)) {
        const { record_hash, signature: _s, ...body } = parseJsonLossless(line) as Record<string, CanonicalInput>;
        expect(sha256Hex(canonicalJson(body))).toBe(record_hash);
      }
      expect(verifyPythonLedgerText(jsonl)).toMatchObject({ valid: true, records: 6 });
    } finally {
      store.close();
    }
  });

  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)('verify with python3 running the Python runtime rule (skipped when python3 is absent)', () => {
    const store = SqliteStore.open(join(dir, 'runs.db'));
    const file = join(dir, 'ledger_ours.jsonl');
    try {
      writeRun(store, 'ours', 6);
      writeFileSync(file, toPythonLedgerJsonl(store, 'ours'));
    } finally {
      store.close();
    }
    const out = spawnSync('python3', [join(__dirname, 'support/verify_ledger_chain.py'), file], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe('valid 6');
  });
});

/**
 * A ledger written by the real kernel on SQLite, signed: it verifies here, as a bundle
 * offline, and under the Python runtime's rule; every record names its actor by fingerprint.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Runtime, createWorkflowRegistry, defineWorkflow, makeActor, hashCanonical } from '../../src-main/runtime/index';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import {
  SigningKeyStore,
  anchorPathFor,
  anchorRun,
  createExportBundle,
  toPythonLedgerJsonl,
  verifyBundle,
  verifyPythonLedgerText,
  verifyRunLedger,
} from '../../src-main/ledger/index';

const workflows = createWorkflowRegistry([
  defineWorkflow({
    id: 'ledger.demo',
    version: '1',
    entry: 'measure',
    nodes: {
      measure: {
        next: ['ask'],
        handler: () => ({ effect: { type: 'measure', payload: { what: 'température ☕' } }, resultKey: 'm', next: 'ask' }),
      },
      ask: {
        next: ['done'],
        handler: () => ({
          effect: { type: 'ask_user', payload: { prompt: 'Ship it?', choices: ['yes', 'no'] } },
          resultKey: 'answer',
          next: 'done',
        }),
      },
      done: { handler: (run) => ({ complete: { m: run.vars.m ?? null, answer: run.vars.answer ?? null } }) },
    },
  }),
]);

const measure = {
  isIdempotent: () => true,
  hasSideEffects: () => true,
  async execute() {
    return {
      kind: 'completed' as const,
      result: { value: 0.1 + 0.2, big: 1e21, tiny: 1e-7, unit: '°C \u2028' },
      actor: makeActor('tool', 'thermometer', { model: 'T-1' }),
    };
  },
};

let dir: string;
let store: SqliteStore;
let keys: SigningKeyStore;
let runId: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-kernel-ledger-'));
  store = SqliteStore.open(join(dir, 'runs.db'));
  keys = new SigningKeyStore(join(dir, 'data'));
  const runtime = new Runtime({ store, workflows, effects: { measure }, signer: keys.signer() });
  const started = await runtime.start('ledger.demo', {});
  runId = started.run_id;
  const waiting = await runtime.tick(runId);
  expect(waiting.status).toBe('waiting');
  await runtime.resume(runId, { waitKey: waiting.waiting!.wait_key, payload: { text: 'yes' }, actor: makeActor('user', 'alice') });
  const done = await runtime.tick(runId);
  expect(done.status).toBe('completed');
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a ledger written by the kernel', () => {
  it('verifies with its signatures and signed head, here and as an offline bundle', () => {
    anchorRun(store, runId, keys, anchorPathFor(store.path));
    const report = verifyRunLedger(store, runId, { anchorPath: anchorPathFor(store.path) });
    expect(report).toMatchObject({ valid: true, signed: { keyId: keys.keyId() } });
    expect(report.records).toBeGreaterThan(4);
    const bundle = JSON.parse(JSON.stringify(createExportBundle(store, runId)));
    expect(verifyBundle(bundle)).toMatchObject({ valid: true, records: report.records, signed: { keyId: keys.keyId() } });
  });

  it('names an actor fingerprint on every record, recomputable from the identity, with no secret', () => {
    const records = [...store.iterateLedger(runId)];
    for (const r of records) expect(r.actor?.fingerprint, `record ${r.seq}`).toMatch(/^[0-9a-f]{64}$/);
    const tool = records.find((r) => r.actor?.kind === 'tool');
    expect(tool?.actor).toEqual(makeActor('tool', 'thermometer', { model: 'T-1' }));
    expect(tool!.actor!.fingerprint).toBe(hashCanonical({ model: 'T-1', kind: 'tool', id: 'thermometer' }));
    expect(records.some((r) => r.actor?.kind === 'user' && r.actor.id === 'alice')).toBe(true);
  });

  it('verifies under the Python rule (TypeScript restatement, and python3 when present)', () => {
    const jsonl = toPythonLedgerJsonl(store, runId);
    expect(verifyPythonLedgerText(jsonl)).toMatchObject({ valid: true });
    if (spawnSync('python3', ['--version']).status !== 0) {
      console.log('python3 not found: skipped the python3 half of this check');
      return;
    }
    const file = join(dir, `ledger_${runId}.jsonl`);
    writeFileSync(file, jsonl);
    const out = spawnSync('python3', [join(__dirname, 'support/verify_ledger_chain.py'), file], { encoding: 'utf8' });
    expect(out.stdout.trim()).toBe(`valid ${jsonl.split('\n').filter(Boolean).length}`);
  });
});

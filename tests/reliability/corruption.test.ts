/**
 * Random byte flips in a database file: opening, listing, reading and verifying a damaged
 * copy either works or fails with a typed error naming the problem (never a raw SQLite,
 * JSON or type error, never a crash), and a changed ledger record is never reported valid.
 * The original file stays intact: nothing committed is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeError } from '../../src-shared/errors';
import { createWorkflowRegistry, defineWorkflow, Runtime } from '../../src-main/runtime/index';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { verifyRunLedger } from '../../src-main/ledger/index';
import { seededRandom } from './support/processes';

const FLIPS = 150;

const wf = defineWorkflow({
  id: 'rel.counter',
  version: '1',
  entry: 'a',
  nodes: {
    a: { next: ['b'], handler: (run) => ({ next: 'b', set: { n: (run.vars.n as number) + 1, text: 'x'.repeat(40) } }) },
    b: { next: ['a', 'end'], handler: (run) => ((run.vars.n as number) < 30 ? { next: 'a' } : { next: 'end' }) },
    end: { handler: (run) => ({ complete: { n: run.vars.n ?? null } }) },
  },
});

let dir: string;
let pristine: string;
let expected: Map<string, Map<number, string>>;

/** Every record's stored body + hash, per run: what "unchanged" means for the chain. */
function snapshotLedgers(store: SqliteStore): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  for (const run of store.listRuns({ limit: 1000 }).runs) {
    const m = new Map<number, string>();
    for (const row of store.iterateLedgerRows(run.run_id)) m.set(row.seq, `${row.record_hash}|${row.body}`);
    out.set(run.run_id, m);
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-corrupt-'));
  pristine = join(dir, 'pristine.db');
  const store = SqliteStore.open(pristine);
  const rt = new Runtime({ store, workflows: createWorkflowRegistry([wf]) });
  for (let i = 0; i < 8; i++) {
    const run = await rt.start(wf.id, { n: 0 });
    await rt.tick(run.run_id, { maxSteps: 200 });
  }
  expected = snapshotLedgers(store);
  store.close(); // checkpoints the WAL into the main file
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Outcome = 'ok' | 'typed-error' | 'detected';

class FalseValid extends Error {}

function exercise(file: string): Outcome {
  let store: SqliteStore;
  try {
    store = SqliteStore.open(file, { readonly: true });
  } catch (e) {
    if (e instanceof RuntimeError) return 'typed-error';
    throw e;
  }
  try {
    let outcome: Outcome = 'ok';
    for (const [runId, want] of expected) {
      const got = new Map<number, string>();
      for (const row of store.iterateLedgerRows(runId)) got.set(row.seq, `${row.record_hash}|${row.body}`);
      const changed = got.size !== want.size || [...want].some(([seq, v]) => got.get(seq) !== v);
      const report = verifyRunLedger(store, runId);
      if (changed) {
        const diff = [...want].filter(([seq, v]) => got.get(seq) !== v).map(([seq]) => seq);
        const how = `${got.size} of ${want.size} records read back; differing seqs ${diff.slice(0, 5).join(',')}`;
        if (report.valid) throw new FalseValid(`a damaged ledger was reported valid (${how})`);
        outcome = 'detected';
      }
      store.getRun(runId);
      store.readLedger(runId, { fromEnd: true, limit: 50 });
    }
    store.listRuns({ limit: 100 });
    return outcome;
  } catch (e) {
    if (e instanceof RuntimeError) return 'typed-error';
    throw e;
  } finally {
    store.close();
  }
}

describe('byte flips in the database file', () => {
  it('give typed errors or detected damage, never a crash or a false "valid"', () => {
    const seed = Number(process.env.FLIP_SEED ?? Date.now() % 1_000_000);
    const rand = seededRandom(seed);
    const original = readFileSync(pristine);
    const tally: Record<Outcome, number> = { ok: 0, 'typed-error': 0, detected: 0 };
    const failures: string[] = [];
    for (let i = 0; i < FLIPS; i++) {
      const bytes = Buffer.from(original);
      const flips = 1 + Math.floor(rand() * 4);
      for (let f = 0; f < flips; f++) {
        const at = Math.floor(rand() * bytes.length);
        bytes[at] = bytes[at]! ^ (1 + Math.floor(rand() * 255));
      }
      const file = join(dir, `flip-${i}.db`);
      writeFileSync(file, bytes);
      try {
        tally[exercise(file)]++;
      } catch (e) {
        const kind = e instanceof FalseValid ? 'false valid' : `untyped ${(e as Error).constructor.name}`;
        const where = ((e as Error).stack ?? '').split('\n').find((l) => l.includes('/src-main/')) ?? '';
        failures.push(`flip #${i}: ${kind}: ${(e as Error).message.slice(0, 160)} ${where.trim()}`);
      }
      rmSync(file, { force: true });
    }
    console.info(`byte flips (seed ${seed}): ${JSON.stringify(tally)}, ${failures.length} failures`);
    expect(failures, `seed ${seed}`).toEqual([]);

    // The original was only ever copied: every committed record is still there.
    const store = SqliteStore.open(pristine, { readonly: true });
    try {
      expect(snapshotLedgers(store)).toEqual(expected);
    } finally {
      store.close();
    }
  });

  it('a file that is not a database is refused with NOT_A_DATABASE', () => {
    const file = join(dir, 'garbage.db');
    writeFileSync(file, Buffer.from('this is not a sqlite file at all, just text'.repeat(100)));
    expect(() => SqliteStore.open(file)).toThrowError(expect.objectContaining({ code: 'NOT_A_DATABASE' }));
    copyFileSync(pristine, join(dir, 'copy.db'));
    const copy = SqliteStore.open(join(dir, 'copy.db'), { readonly: true });
    try {
      expect(copy.listRuns().total).toBe(expected.size);
    } finally {
      copy.close();
    }
  });
});

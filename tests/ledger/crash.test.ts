/**
 * Crash recovery on a real SQLite file. A child process runs a workflow whose effect appends
 * a line to a file (not idempotent); the test SIGKILLs it at random moments, over and over.
 * After every kill it reopens the file and checks:
 * - the hash chain verifies;
 * - every record seen committed before is still there, unchanged (no committed step lost);
 * - no step's line was written twice unless a person chose "retry" for it.
 * When the kernel parks the run in `waiting` (reason `recovery`), the test acts as the
 * person: it looks at the file and chooses skip (the line is there) or retry (it is not).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src-shared/json';
import type { RunState } from '../../src-shared/types';
import { Runtime } from '../../src-main/runtime/index';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { verifyRunLedger } from '../../src-main/ledger/index';
import { LEASE_OWNER, appendLineHandler, crashRegistry } from './support/crashWorkflow';

const STEPS = 100;
const KILLS = 25;
const CHILD = resolve(__dirname, 'support/crashChild.ts');

let dir: string;
let db: string;
let lines: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-crash-'));
  db = join(dir, 'runs.db');
  lines = join(dir, 'lines.txt');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic sequence of kill delays (ms after the child is ready). */
function delays(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % 50;
  };
}

interface ChildResult {
  code: number | null;
  killed: boolean;
  stderr: string;
}

/** Runs the child; kills it `killAfterMs` after it reports ready (never, when null). */
function runChild(killAfterMs: number | null): Promise<ChildResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, lines, String(STEPS)], {
      cwd: resolve(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      if (killAfterMs !== null && d.toString().includes('ready'))
        setTimeout(() => {
          killed = child.kill('SIGKILL');
        }, killAfterMs);
    });
    child.on('exit', (code) => done({ code, killed, stderr }));
  });
}

function lineCounts(): Map<number, number> {
  const counts = new Map<number, number>();
  if (!existsSync(lines)) return counts;
  for (const l of readFileSync(lines, 'utf8').split('\n').filter(Boolean)) {
    const step = Number(/^step (\d+) /.exec(l)![1]);
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  return counts;
}

const seen = new Map<number, string>();
const retries = new Map<number, number>();
let recoveries = 0;

/** The checks after every life of the child. */
function checkInvariants(): RunState | null {
  const store = SqliteStore.open(db);
  try {
    const summary = store.listRuns({ limit: 1 }).runs[0];
    if (!summary) return null;
    const report = verifyRunLedger(store, summary.run_id);
    expect(report, report.message).toMatchObject({ valid: true });
    const now = new Map<number, string>();
    for (const row of store.iterateLedgerRows(summary.run_id)) now.set(row.seq, row.record_hash);
    for (const [seq, hash] of seen) expect(now.get(seq), `record ${seq} was committed, then lost`).toBe(hash);
    for (const [seq, hash] of now) seen.set(seq, hash);
    for (const [step, count] of lineCounts())
      expect(count, `step ${step} ran ${count} times with ${retries.get(step) ?? 0} retries chosen`).toBeLessThanOrEqual(
        1 + (retries.get(step) ?? 0),
      );
    return store.getRun(summary.run_id);
  } finally {
    store.close();
  }
}

/** The person: skip with a result when the line is already there, else retry. */
async function decideRecovery(state: RunState): Promise<void> {
  const step = (state.waiting!.details!.effect as { payload: { step: number } }).payload.step;
  const store = SqliteStore.open(db);
  try {
    const runtime = new Runtime({
      store,
      workflows: crashRegistry(),
      effects: { append_line: appendLineHandler(lines) },
      leaseOwner: LEASE_OWNER,
    });
    const done = (lineCounts().get(step) ?? 0) > 0;
    if (!done) retries.set(step, (retries.get(step) ?? 0) + 1);
    const payload: JsonValue = done ? { action: 'skip', result: { wrote: step } } : { action: 'retry' };
    await runtime.resume(state.run_id, { waitKey: state.waiting!.wait_key, payload });
    recoveries++;
  } finally {
    store.close();
  }
}

describe('crash recovery on SQLite (SIGKILL mid-step)', () => {
  it('keeps every committed step, a valid chain, and never repeats the side effect on its own', async () => {
    const next = delays(20261129);
    let kills = 0;
    let state: RunState | null = null;
    for (let i = 0; i < KILLS + 40 && kills < KILLS; i++) {
      const r = await runChild(next());
      expect(r.code === null || r.code === 0 || r.code === 3, r.stderr).toBe(true);
      if (r.killed) kills++;
      state = checkInvariants();
      if (state?.status === 'completed') break;
      if (state?.status === 'waiting' && state.waiting?.reason === 'recovery') await decideRecovery(state);
    }
    // Then let it finish undisturbed, answering any last recovery.
    for (let i = 0; i < 5 && state?.status !== 'completed'; i++) {
      const r = await runChild(null);
      expect(r.code === 0 || r.code === 3, r.stderr).toBe(true);
      state = checkInvariants();
      if (state?.status === 'waiting') await decideRecovery(state);
    }
    expect(state).toMatchObject({ status: 'completed', output: { steps: STEPS } });
    const counts = lineCounts();
    for (let step = 0; step < STEPS; step++) expect(counts.get(step), `step ${step}`).toBe(1);
    expect(kills).toBeGreaterThan(0);
    expect(recoveries, 'no kill landed inside an effect').toBeGreaterThan(0);
    console.log(`crash test: ${kills} kills, ${recoveries} recovery decisions, ${seen.size} records`);
  }, 120_000);
});

/**
 * Crash loop: a real host process running examples.sideeffect (a NON-idempotent file append
 * per step) is SIGKILLed at random moments, again and again. After every kill:
 * - the run's chain verifies;
 * - every record seen committed before is still there, byte for byte (nothing lost);
 * - each line `step <i>` is in the file at most once, plus once per retry a person chose
 *   for that step (a recovery decision): nothing non-idempotent ran twice on its own.
 * Finally the run is driven to completion and every step's line is there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { verifyRunLedger } from '../../src-main/ledger/index';
import type { RunState } from '../../src-shared/types';
import { runCli, runDriver, seededRandom, sleep, spawnDriver } from './support/processes';

const STEPS = 30;
const KILLS = 12;
const LEASE_TTL_MS = 400;

let dir: string;
let db: string;
let data: string;
let linesFile: string;

beforeAll(() => {
  // append_line may only write inside the OS temp folder: the workload lives there.
  dir = mkdtempSync(join(tmpdir(), 'ar-crash-'));
  db = join(dir, 'runs.db');
  data = join(dir, 'data');
  linesFile = join(dir, 'lines.txt');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Observed {
  state: RunState | null;
  records: Map<number, string>;
  valid: boolean;
  message: string;
}

function observe(): Observed {
  const store = SqliteStore.open(db, { readonly: true });
  try {
    const run = store.listRuns({ limit: 10 }).runs[0];
    if (!run) return { state: null, records: new Map(), valid: true, message: 'no run yet' };
    const records = new Map<number, string>();
    for (const r of store.iterateLedger(run.run_id)) records.set(r.seq, r.record_hash);
    const report = verifyRunLedger(store, run.run_id);
    return { state: store.getRun(run.run_id), records, valid: report.valid, message: report.message };
  } finally {
    store.close();
  }
}

function lineCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(linesFile)) return counts;
  for (const l of readFileSync(linesFile, 'utf8').split('\n').filter(Boolean)) counts.set(l, (counts.get(l) ?? 0) + 1);
  return counts;
}

function interruptedLine(state: RunState): string {
  const effect = (state.waiting?.details as { effect?: { payload?: { tool_calls?: { arguments?: { line?: string } }[] } } })?.effect;
  return effect?.payload?.tool_calls?.[0]?.arguments?.line ?? '?';
}

describe('crash loop: SIGKILL the host during side effects', () => {
  it('loses no committed record and never repeats a non-idempotent effect without a person', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const rand = seededRandom(seed);
    const common = ['--db', db, '--data', data, '--ttl', String(LEASE_TTL_MS)];
    const retriesPerLine = new Map<string, number>();
    let committed = new Map<number, string>();
    let kills = 0;
    let recoveries = 0;

    const checkInvariants = (why: string) => {
      const seen = observe();
      expect(seen.valid, `${why} (seed ${seed}): ${seen.message}`).toBe(true);
      for (const [seq, hash] of committed) expect(seen.records.get(seq), `${why}: record ${seq} lost or changed (seed ${seed})`).toBe(hash);
      committed = seen.records;
      for (const [line, n] of lineCounts()) {
        expect(n, `${why}: "${line}" appended ${n} times with ${retriesPerLine.get(line) ?? 0} retries decided (seed ${seed})`).toBeLessThanOrEqual(
          1 + (retriesPerLine.get(line) ?? 0),
        );
      }
      return seen.state;
    };

    const actOn = (state: RunState | null): { mode: string; json: object } => {
      if (!state) return { mode: 'start', json: { n: STEPS, path: linesFile } };
      if (state.status === 'waiting' && state.waiting?.reason === 'recovery') {
        const line = interruptedLine(state);
        recoveries++;
        // The person chooses retry: the only decision that may append a line a second time.
        retriesPerLine.set(line, (retriesPerLine.get(line) ?? 0) + 1);
        return { mode: 'decide', json: { runId: state.run_id, waitKey: state.waiting.wait_key, action: 'retry' } };
      }
      return { mode: 'tick', json: {} };
    };

    let state: RunState | null = null;
    for (let i = 0; i < KILLS && state?.status !== 'completed'; i++) {
      const { mode, json } = actOn(state);
      const d = spawnDriver(mode, [...common, '--json', JSON.stringify(json)]);
      await d.waitFor('ready');
      await sleep(Math.floor(rand() * 40));
      if (d.child.exitCode === null) {
        d.child.kill('SIGKILL');
        kills++;
      }
      await d.exited;
      state = checkInvariants(`after ${mode} #${i}`);
      // A killed host leaves its lease behind: the next host may claim the run once it expires.
      await sleep(LEASE_TTL_MS + 50);
    }

    for (let guard = 0; guard < 2 * STEPS && state?.status !== 'completed'; guard++) {
      const { mode, json } = actOn(state);
      await runDriver(mode, [...common, '--json', JSON.stringify(json)]);
      state = checkInvariants(`after unkilled ${mode}`);
    }

    expect(state?.status).toBe('completed');
    const counts = lineCounts();
    for (let s = 1; s <= STEPS; s++) expect(counts.get(`step ${s}`) ?? 0, `step ${s} missing (seed ${seed})`).toBeGreaterThanOrEqual(1);

    // The user's own tools agree: the CLI verifies the run and the bundle it exports.
    const env = { ABSTRACTRUNTIME_HOME: data };
    const verified = await runCli(['--db', db, 'verify', state!.run_id], env);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    const bundleFile = join(dir, 'run.bundle.json');
    expect((await runCli(['--db', db, 'export', state!.run_id, '-o', bundleFile], env)).code).toBe(0);
    const bundleCheck = await runCli(['--db', db, 'verify', bundleFile], env);
    expect(bundleCheck.code, bundleCheck.stdout + bundleCheck.stderr).toBe(0);
    console.info(`crash loop: seed ${seed}, ${kills} kills, ${recoveries} recovery decisions, ${committed.size} records`);
  }, 110_000);
});

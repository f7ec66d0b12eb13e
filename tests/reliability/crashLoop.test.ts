/**
 * Crash loop: a real host process running examples.sideeffect (a NON-idempotent file append
 * per step) is SIGKILLed at random moments, again and again. After every kill:
 * - every run's chain verifies;
 * - every record seen committed before is still there, hash for hash (nothing lost);
 * - each line `step <i>` is in its file at most once, plus once per retry a person chose
 *   for that step (a recovery decision): nothing non-idempotent ran twice on its own.
 * When a run completes before the kills are used up, a new one starts. Finally every run is
 * driven to completion, every step's line is there, and the real CLI verifies and exports.
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

beforeAll(() => {
  // append_line may only write inside the OS temp folder: the workload lives there.
  dir = mkdtempSync(join(tmpdir(), 'ar-crash-'));
  db = join(dir, 'runs.db');
  data = join(dir, 'data');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Observed {
  runs: RunState[];
  records: Map<string, Map<number, string>>;
  invalid: string[];
}

function observe(): Observed {
  const out: Observed = { runs: [], records: new Map(), invalid: [] };
  if (!existsSync(db)) return out;
  const store = SqliteStore.open(db, { readonly: true });
  try {
    for (const summary of store.listRuns({ limit: 1000 }).runs) {
      const runId = summary.run_id;
      out.runs.push(store.getRun(runId)!);
      const recs = new Map<number, string>();
      for (const r of store.iterateLedger(runId)) recs.set(r.seq, r.record_hash);
      out.records.set(runId, recs);
      const report = verifyRunLedger(store, runId);
      if (!report.valid) out.invalid.push(`${runId}: ${report.message}`);
    }
    return out;
  } finally {
    store.close();
  }
}

function lineCounts(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(file)) return counts;
  for (const l of readFileSync(file, 'utf8').split('\n').filter(Boolean)) counts.set(l, (counts.get(l) ?? 0) + 1);
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
    const retries = new Map<string, number>(); // "<file>|<line>" → retries a person chose
    const files = new Set<string>();
    let committed = new Map<string, Map<number, string>>();
    let kills = 0;
    let recoveries = 0;
    let started = 0;

    const checkInvariants = (why: string): RunState[] => {
      const seen = observe();
      expect(seen.invalid, `${why} (seed ${seed})`).toEqual([]);
      for (const [runId, recs] of committed) {
        for (const [seq, hash] of recs)
          expect(seen.records.get(runId)?.get(seq), `${why}: run ${runId} record ${seq} lost (seed ${seed})`).toBe(hash);
      }
      committed = seen.records;
      for (const file of files) {
        for (const [line, n] of lineCounts(file)) {
          const allowed = 1 + (retries.get(`${file}|${line}`) ?? 0);
          expect(n, `${why}: "${line}" appended ${n} times, ${allowed - 1} retries decided (seed ${seed})`).toBeLessThanOrEqual(allowed);
        }
      }
      return seen.runs;
    };

    /** What the next host process does: recover, answer a recovery wait, or start a run. */
    const nextAction = (runs: RunState[], mayStart: boolean): { mode: string; json: object } | null => {
      const waiting = runs.find((r) => r.status === 'waiting' && r.waiting?.reason === 'recovery');
      if (waiting) {
        const file = String(waiting.vars.path);
        const key = `${file}|${interruptedLine(waiting)}`;
        recoveries++;
        // The person chooses retry: the only decision that may append a line a second time.
        retries.set(key, (retries.get(key) ?? 0) + 1);
        return { mode: 'decide', json: { runId: waiting.run_id, waitKey: waiting.waiting!.wait_key, action: 'retry' } };
      }
      if (runs.some((r) => r.status === 'running')) return { mode: 'tick', json: {} };
      if (!mayStart) return null;
      const path = join(dir, `lines-${started++}.txt`);
      files.add(path);
      return { mode: 'start', json: { n: STEPS, path } };
    };

    let runs: RunState[] = [];
    for (let i = 0; kills < KILLS && i < 3 * KILLS; i++) {
      const { mode, json } = nextAction(runs, true)!;
      const d = spawnDriver(mode, [...common, '--json', JSON.stringify(json)]);
      await d.waitFor('ready');
      await sleep(Math.floor(rand() * 40));
      if (d.child.exitCode === null) {
        d.child.kill('SIGKILL');
        kills++;
      }
      await d.exited;
      runs = checkInvariants(`after ${mode} #${i}`);
      // A killed host leaves its lease behind: the next host may claim the run once it expires.
      await sleep(LEASE_TTL_MS + 50);
    }
    expect(kills).toBe(KILLS);

    for (let guard = 0; guard < 2 * STEPS; guard++) {
      const action = nextAction(runs, false);
      if (!action) break;
      await runDriver(action.mode, [...common, '--json', JSON.stringify(action.json)]);
      runs = checkInvariants(`after unkilled ${action.mode}`);
    }

    for (const run of runs) {
      expect(run.status, `run ${run.run_id}`).toBe('completed');
      const counts = lineCounts(String(run.vars.path));
      for (let s = 1; s <= STEPS; s++)
        expect(counts.get(`step ${s}`) ?? 0, `${run.vars.path}: step ${s} missing (seed ${seed})`).toBeGreaterThanOrEqual(1);
    }

    // The user's own tools agree: the CLI verifies a run and the bundle it exports.
    const env = { ABSTRACTRUNTIME_HOME: data };
    const runId = runs[0]!.run_id;
    const verified = await runCli(['--db', db, 'verify', runId], env);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    const bundleFile = join(dir, 'run.bundle.json');
    expect((await runCli(['--db', db, 'export', runId, '-o', bundleFile], env)).code).toBe(0);
    const bundleCheck = await runCli(['--db', db, 'verify', bundleFile], env);
    expect(bundleCheck.code, bundleCheck.stdout + bundleCheck.stderr).toBe(0);
    const records = [...committed.values()].reduce((n, m) => n + m.size, 0);
    console.info(`crash loop: seed ${seed}, ${kills} kills, ${recoveries} recovery decisions, ${runs.length} runs, ${records} records`);
  }, 110_000);
});

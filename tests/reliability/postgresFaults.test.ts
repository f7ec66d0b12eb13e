/**
 * Faults on a PostgreSQL database with a fleet of real `abstractruntime worker` processes and
 * hundreds of runs of examples.sideeffect (each step a NON-idempotent append to its run's own
 * file, outside the runtime):
 * - workers SIGKILLed at random moments under load, replacements started;
 * - the PostgreSQL server restarted mid-run (the workers stay up and reconnect).
 * After each fault: every chain verifies; every record seen committed before is still there,
 * hash for hash; each line is in its file at most once plus once per `retry` a person chose
 * for it (the recovery rule, docs/reliability.md); and, once settled, every run completes
 * with all its lines. A real throw-away server (tests/support/pgCluster.ts), never a mock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
import { ROOT, runDriver, seededRandom, sleep } from './support/processes';
import type { Observation } from './support/observeChild';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const RUNS = 200;
const LINES_PER_RUN = 3;
const WORKERS = 3;
const KILLS = 6;

const unavailable = pgUnavailableReason();
if (unavailable) console.warn(`postgresFaults: skipped: ${unavailable}`);

let server: PgServer;
let dir: string;
let data: string;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  if (unavailable) return;
  // append_line may only write inside the OS temp folder: the workload lives there.
  dir = mkdtempSync(join(tmpdir(), 'ar-pgfaults-'));
  data = join(dir, 'data');
  server = await startPgServer();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => stop(w, 'SIGKILL')));
});
afterAll(() => {
  server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** `abstractruntime worker --db URL`, resolved once it says it is working. */
async function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/abstractruntime.mjs'), '--db', url, '--json', 'worker', '--concurrency', '8'], {
    cwd: ROOT,
    env: { ...process.env, ABSTRACTRUNTIME_HOME: data },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  workers.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('"workerId"')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`worker exited ${code ?? signal} before it was ready: ${err.slice(-2000)}`)));
  });
  child.stdout!.resume();
  return child;
}

/** The database as an inspector sees it, from its own process. */
function observe(url: string, retryRecoveries = false): Promise<Observation> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'tests/reliability/support/observeChild.ts'),
        '--db',
        url,
        '--data',
        data,
        ...(retryRecoveries ? ['--retry-recoveries', '1'] : []),
      ],
      { cwd: ROOT, env: { ...process.env, ABSTRACTRUNTIME_HOME: data }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += String(d)));
    child.stderr!.on('data', (d) => (err += String(d)));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as Observation) : reject(new Error(`observer exited ${code}: ${err.slice(-2000)}`)),
    );
  });
}

function lineCounts(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(file)) return counts;
  for (const l of readFileSync(file, 'utf8').split('\n').filter(Boolean)) counts.set(l, (counts.get(l) ?? 0) + 1);
  return counts;
}

/** What one fault scenario tracks between observations. */
class Ledgerkeeper {
  private committed: Record<string, string[]> = {};
  /** "<file>|<line>" → retries a person chose. */
  readonly retries = new Map<string, number>();
  recoveries = 0;

  constructor(
    private readonly url: string,
    private readonly files: string[],
  ) {}

  /** Observes (optionally answering recovery waits first) and checks the invariants. */
  async check(why: string, retryRecoveries = false): Promise<Observation> {
    const seen = await observe(this.url, retryRecoveries);
    for (const r of seen.retried) {
      const key = `${r.path}|${r.line}`;
      this.retries.set(key, (this.retries.get(key) ?? 0) + 1);
      this.recoveries++;
    }
    expect(seen.invalid, why).toEqual([]);
    for (const [runId, hashes] of Object.entries(this.committed)) {
      // Nothing committed is lost or rewritten: the earlier records are a prefix of today's.
      expect(seen.records[runId]?.slice(0, hashes.length), `${why}: run ${runId} lost or rewrote committed records`).toEqual(hashes);
    }
    this.committed = seen.records;
    for (const file of this.files) {
      for (const [line, n] of lineCounts(file)) {
        const allowed = 1 + (this.retries.get(`${file}|${line}`) ?? 0);
        expect(n, `${why}: "${line}" appended to ${file} ${n} times, ${allowed - 1} retries decided`).toBeLessThanOrEqual(allowed);
      }
    }
    return seen;
  }

  /** Until every run has completed, playing the person for recovery waits (guarded, not timed). */
  async settle(why: string): Promise<Observation> {
    for (let i = 0; i < 240; i++) {
      const seen = await this.check(`${why} (settling)`, true);
      const open = seen.runs.filter((r) => r.status !== 'completed');
      expect(
        open
          .filter((r) => r.status === 'failed' || r.status === 'cancelled')
          .map((r) => `${r.run_id} ${r.status} ${JSON.stringify(r.error)}`),
      ).toEqual([]);
      if (open.length === 0 && seen.runs.length === RUNS) return seen;
      await sleep(500);
    }
    throw new Error(`${why}: the runs never all completed`);
  }
}

/**
 * Creates the runs while the fleet, already up, is frozen (idle: no run existed, so none is in
 * a transaction), then lets every worker go at once. Work starts with the whole fleet there: a
 * first worker alone, or the fleet while the runs were being created, finished every run
 * before the first fault in CI. Returns the files the runs append their lines to.
 */
async function createRunsFor(fleet: ChildProcess[], url: string, sub: string): Promise<string[]> {
  for (const w of fleet) w.kill('SIGSTOP');
  try {
    await createRuns(url, sub);
  } finally {
    for (const w of fleet) w.kill('SIGCONT');
  }
  return Array.from({ length: RUNS }, (_, i) => join(dir, sub, `lines-${i}.txt`));
}

async function createRuns(url: string, sub: string): Promise<void> {
  const lines = await runDriver('create', [
    '--db',
    url,
    '--data',
    data,
    '--json',
    JSON.stringify({ count: RUNS, n: LINES_PER_RUN, dir: join(dir, sub) }),
  ]);
  const created = lines.find((l) => l.event === 'created');
  expect(created).toBeDefined();
}

const appended = (files: string[]) => files.reduce((n, f) => n + [...lineCounts(f).values()].reduce((a, b) => a + b, 0), 0);

function expectAllLines(seen: Observation, files: string[]): void {
  expect(seen.runs).toHaveLength(RUNS);
  for (const run of seen.runs) expect(run.status, `run ${run.run_id}`).toBe('completed');
  for (const file of files) {
    const counts = lineCounts(file);
    for (let s = 1; s <= LINES_PER_RUN; s++) expect(counts.get(`step ${s}`) ?? 0, `${file}: step ${s} missing`).toBeGreaterThanOrEqual(1);
  }
}

describe.skipIf(unavailable)('PostgreSQL faults: a fleet of worker processes on one server', () => {
  it('workers SIGKILLed at random points under load, replacements started: nothing lost, no unsanctioned repeat, every run completes', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const rand = seededRandom(seed);
    const url = server.createDatabase('kills');
    const fleet: ChildProcess[] = [];
    for (let i = 0; i < WORKERS; i++) fleet.push(await startWorker(url));
    const files = await createRunsFor(fleet, url, 'kills');
    const keeper = new Ledgerkeeper(url, files);
    let killedMidRun = 0;
    for (let k = 0; k < KILLS; k++) {
      if (k === 0) {
        // At a random point of the work done, not after a time, so that it lands mid-run.
        const at = 30 + Math.floor(rand() * ((RUNS * LINES_PER_RUN) / 2 - 30));
        for (let i = 0; i < 2_000 && appended(files) < at; i++) await sleep(10);
      } else await sleep(150 + Math.floor(rand() * 700));
      const victim = fleet.splice(Math.floor(rand() * fleet.length), 1)[0]!;
      const before = appended(files);
      await stop(victim, 'SIGKILL');
      if (before < RUNS * LINES_PER_RUN) killedMidRun++;
      fleet.push(await startWorker(url));
      await keeper.check(`after kill ${k + 1} (seed ${seed})`);
    }
    // The kills landed under load: at least the first found work left to do.
    expect(killedMidRun, `seed ${seed}`).toBeGreaterThan(0);
    const seen = await keeper.settle(`after ${KILLS} kills (seed ${seed})`);
    expectAllLines(seen, files);
    console.info(
      `postgresFaults kills: seed ${seed}, ${KILLS} kills (${killedMidRun} mid-run), ${keeper.recoveries} recovery decisions, ${RUNS} runs, ${Object.values(seen.records).reduce((n, r) => n + r.length, 0)} records`,
    );
  });

  it('PostgreSQL restarted mid-run: the workers reconnect, nothing lost, no unsanctioned repeat, every run completes', async () => {
    const url = server.createDatabase('restart');
    const fleet: ChildProcess[] = [];
    for (let i = 0; i < WORKERS; i++) fleet.push(await startWorker(url));
    const files = await createRunsFor(fleet, url, 'restart');
    const keeper = new Ledgerkeeper(url, files);
    for (let i = 0; i < 2_000 && appended(files) < 30; i++) await sleep(10);
    // The workers are frozen while the keeper reads: they finish 200 runs faster than it checks them.
    for (const w of fleet) w.kill('SIGSTOP');
    const before = await keeper.check('before the restart');
    const doneBefore = before.runs.filter((r) => r.status === 'completed').length;
    for (const w of fleet) w.kill('SIGCONT');
    server.restart();
    // The restart came mid-run: runs were left to finish.
    expect(doneBefore).toBeLessThan(RUNS);
    const seen = await keeper.settle('after the restart');
    expectAllLines(seen, files);
    // Nobody restarted the workers: they outlived the lost connections.
    for (const w of fleet) expect(w.exitCode, 'a worker exited after the server restart').toBeNull();
    console.info(`postgresFaults restart: ${doneBefore} of ${RUNS} runs done before the restart, ${keeper.recoveries} recovery decisions`);
  });
});

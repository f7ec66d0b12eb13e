/**
 * Several real processes on one database: the database is the work queue. Whatever one
 * process leaves runnable, any live worker (`abstractruntime worker`, `serve`) advances; a
 * worker killed mid-run is taken over; a runnable run that no worker takes is shown stalled.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyRunLedger } from '../../src-main/ledger/index';
import type { OpenedRuntimeStore } from '../../src-main/store/openRuntimeStore';
import { cliEnv, jsonOf, runCli } from '../cli/cliRunner';
import { stopProcess, WorkerFleet } from './support/workerFleet';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 });

let dir: string;
let db: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli(['--db', db, ...args], env);
const cliJson = async (...args: string[]) => {
  const r = await cli('--json', ...args);
  expect(r.code, r.stderr).toBe(0);
  return jsonOf(r);
};

beforeAll(() => {
  // append_line may only write inside the OS temp folder: the workload lives there.
  dir = mkdtempSync(join(tmpdir(), 'ar-workers-'));
  db = join(dir, 'runtime.db');
  env = cliEnv(join(dir, 'home'));
});
afterEach(async () => {
  await fleet.stopAll('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fleet = new WorkerFleet(
  () => db,
  () => env,
);
const startWorker = async (concurrency?: number) => (await fleet.start(concurrency)).child;
const read = <T>(fn: (store: OpenedRuntimeStore) => T): T => fleet.read(fn);
const until = (...a: Parameters<WorkerFleet['until']>) => fleet.until(...a);
const stop = stopProcess;

describe('workers on one database', () => {
  it('`run examples.parent` from the CLI while a worker runs: the parent completes with no further command', async () => {
    await startWorker();
    const started = await cliJson('run', 'examples.parent');
    const parent = await until(started.run_id, (s) => s.status === 'completed', 'completed');
    expect(parent.output).toMatchObject({ child: { count: 3 } });
    const child = read((st) => st.listRuns({ parentRunId: parent.run_id }).runs);
    expect(child.map((c) => c.status)).toEqual(['completed']);
    expect(read((st) => verifyRunLedger(st, parent.run_id)).valid).toBe(true);
  });

  it('`run --detach` only creates the run; with no worker alive it is shown stalled with the reason, and a worker started later completes it', async () => {
    const run = await cliJson('run', 'examples.counter', '--detach', '--vars', '{"n":2}');
    expect(run.status).toBe('running');
    expect(run.ledger_head.seq).toBe(0);
    // Stalled means runnable for a while with nobody holding it: give it that while.
    await new Promise((r) => setTimeout(r, 5_500));
    const view = await cliJson('show', run.run_id);
    expect(view.stalled?.reason).toMatch(/no worker is running on this database/);
    const human = await cli('show', run.run_id);
    expect(human.stdout).toMatch(/^stalled +since .*no worker is running/m);
    const list = await cli('runs');
    expect(list.stdout).toMatch(new RegExp(`${run.run_id} .*running \\(stalled\\)`));

    await startWorker();
    const done = await until(run.run_id, (s) => s.status === 'completed', 'completed');
    expect(done.output).toEqual({ count: 2 });
    expect((await cliJson('show', run.run_id)).stalled).toBeNull();
  });

  it('a worker killed with SIGKILL mid-run: another takes its runs over; nothing lost, no append run twice unseen', async () => {
    const n = 40;
    const runs: { id: string; path: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const path = join(dir, `lines-${i}.txt`);
      const r = await cliJson('run', 'examples.sideeffect', '--detach', '--vars', JSON.stringify({ n, path }));
      runs.push({ id: r.run_id, path });
    }
    const first = await startWorker(4);
    const lines = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean) : []);
    for (let i = 0; i < 1200 && !runs.every((r) => lines(r.path).length >= 3); i++) await new Promise((r) => setTimeout(r, 25));
    await stop(first, 'SIGKILL');
    const before = read((st) =>
      runs.map((r) => ({
        id: r.id,
        seq: st.getRun(r.id)!.ledger_head!.seq,
        hashes: [...st.iterateLedger(r.id)].map((x) => x.record_hash),
      })),
    );
    expect(before.some((b, i) => b.seq > 0 && lines(runs[i]!.path).length < n)).toBe(true); // killed mid-run

    await startWorker(4);
    for (const r of runs) {
      const end = await until(
        r.id,
        (s) => s.status === 'completed' || (s.status === 'waiting' && s.waiting?.reason === 'recovery'),
        'completed or waiting for a recovery decision',
      );
      const got = lines(r.path);
      // Each append at most once, in order; a run interrupted inside an append waits for a person instead of appending again.
      expect(new Set(got).size).toBe(got.length);
      expect(got).toEqual(got.map((_, i) => `step ${i + 1}`));
      if (end.status === 'completed') expect(got).toHaveLength(n);
    }
    read((st) => {
      for (const b of before) {
        expect(verifyRunLedger(st, b.id).valid).toBe(true);
        // Nothing committed before the kill was lost or rewritten.
        expect([...st.iterateLedger(b.id)].slice(0, b.hashes.length).map((x) => x.record_hash)).toEqual(b.hashes);
      }
    });
  });

  it('two processes answering the same wait at once: exactly one wins, the other is refused, nothing written twice', async () => {
    const run = await cliJson('run', 'examples.approval');
    expect(run.status).toBe('waiting');
    const key = run.waiting.wait_key;
    const [a, b] = await Promise.all([
      cli('--json', 'answer', run.run_id, 'approve', '--wait-key', key),
      cli('--json', 'answer', run.run_id, 'reject', '--wait-key', key),
    ]);
    const results = [a, b];
    const winners = results.filter((r) => r.code === 0);
    const losers = results.filter((r) => r.code !== 0);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]!.stderr).toMatch(/^error (RUN_NOT_WAITING|WRONG_WAIT_KEY): /);
    const resumed = read((st) => [...st.iterateLedger(run.run_id)].filter((r) => r.kind === 'resumed'));
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.result).toEqual({ text: winners[0] === a ? 'approve' : 'reject' });
  });
});

/**
 * Real processes on one PostgreSQL database (a fleet in miniature): `run` in one process,
 * `worker`s in others. The parent a CLI run leaves waiting completes through a worker; two
 * workers never advance the same run at once (every side effect ran exactly once, in
 * order); a due timer fires once; an event emitted by two processes at the same moment
 * resumes each waiting run exactly once.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyRunLedger } from '../../src-main/ledger/index';
import type { OpenedRuntimeStore } from '../../src-main/store/openRuntimeStore';
import { cliEnv, jsonOf, runCli } from '../cli/cliRunner';
import { WorkerFleet } from './support/workerFleet';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const reason = pgUnavailableReason();
if (reason) console.warn(`[postgres tests skipped] ${reason}`);

describe.skipIf(reason)('workers on one PostgreSQL database', () => {
  let server: PgServer;
  let dir: string;
  let db: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(['--db', db, ...args], env);
  const cliJson = async (...args: string[]) => {
    const r = await cli('--json', ...args);
    expect(r.code, r.stderr).toBe(0);
    return jsonOf(r);
  };

  beforeAll(async () => {
    server = await startPgServer();
    // append_line may only write inside the OS temp folder: the workload lives there.
    dir = mkdtempSync(join(tmpdir(), 'ar-pg-workers-'));
    env = cliEnv(join(dir, 'home'));
  });
  afterEach(async () => {
    await fleet.stopAll('SIGTERM');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    server?.stop();
  }, 180_000);

  const fleet = new WorkerFleet(
    () => db,
    () => env,
  );
  async function startWorker(concurrency?: number) {
    const { child, output } = await fleet.start(concurrency);
    expect(output).not.toContain('secret');
    return child;
  }
  const read = <T>(fn: (store: OpenedRuntimeStore) => T): T => fleet.read(fn);
  const until = (...a: Parameters<WorkerFleet['until']>) => fleet.until(...a);

  it('`run examples.parent` from the CLI while a worker runs: the parent completes with no further command', async () => {
    db = server.createDatabase('parent');
    await startWorker();
    const started = await cliJson('run', 'examples.parent');
    const parent = await until(started.run_id, (s) => s.status === 'completed', 'completed');
    expect(parent.output).toMatchObject({ child: { count: 3 } });
    const child = read((st) => st.listRuns({ parentRunId: parent.run_id }).runs);
    expect(child.map((c) => c.status)).toEqual(['completed']);
    expect(read((st) => verifyRunLedger(st, parent.run_id)).valid).toBe(true);
  });

  it('two workers on one database never advance the same run at once: every append ran once, in order; timers fired once', async () => {
    db = server.createDatabase('two');
    const n = 8;
    const runs: { id: string; path: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const path = join(dir, `two-${i}.txt`);
      const r = await cliJson('run', 'examples.sideeffect', '--detach', '--vars', JSON.stringify({ n, path }));
      runs.push({ id: r.run_id, path });
    }
    await Promise.all([startWorker(3), startWorker(3)]);
    // Each `run` advances its timer until it waits, then exits: the fleet must fire it.
    const timers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const t = await cliJson('run', 'examples.timer', '--vars', '{"delayMs":1500}');
      expect(t.status).toBe('waiting');
      timers.push(t.run_id);
    }
    const lines = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean) : []);
    for (const r of runs) {
      await until(r.id, (s) => s.status === 'completed', 'completed');
      expect(lines(r.path)).toEqual(Array.from({ length: n }, (_, i) => `step ${i + 1}`));
      expect(read((st) => verifyRunLedger(st, r.id)).valid).toBe(true);
    }
    for (const id of timers) {
      await until(id, (s) => s.status === 'completed', 'completed');
      const kinds = read((st) => [...st.iterateLedger(id)].map((x) => x.kind));
      // Fired once: one wait, one resume, whichever worker got there.
      expect(kinds.filter((k) => k === 'resumed')).toHaveLength(1);
    }
  });

  it('one event emitted by two processes at the same moment resumes each waiting run exactly once', async () => {
    db = server.createDatabase('event');
    const waiting: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await cliJson('run', 'examples.event', '--vars', '{"eventName":"go"}');
      expect(r.status).toBe('waiting');
      waiting.push(r.run_id);
    }
    const [a, b] = await Promise.all([cli('--json', 'emit', 'go', '--payload', '1'), cli('--json', 'emit', 'go', '--payload', '2')]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    for (const id of waiting) {
      const done = await until(id, (s) => s.status === 'completed', 'completed');
      const resumed = read((st) => [...st.iterateLedger(id)].filter((x) => x.kind === 'resumed'));
      expect(resumed).toHaveLength(1);
      expect([1, 2]).toContain((done.output as { event?: unknown }).event ?? resumed[0]!.result);
    }
  });
});

/**
 * Two host processes on one database, advancing the same runs at the same moment:
 * no run is advanced twice (every non-idempotent append happens exactly once, one intent
 * record per effect key), every chain verifies, and each due timer fires exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { verifyRunLedger } from '../../src-main/ledger/index';
import type { LedgerRecord } from '../../src-shared/types';
import { runDriver, spawnDriver, sleep } from './support/processes';

let dir: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-twohosts-'));
  db = join(dir, 'runs.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ledgerOf(store: SqliteStore, runId: string): LedgerRecord[] {
  return [...store.iterateLedger(runId)];
}

/** Starts both hosts, lets them open, and makes them act at the same instant. */
async function race(mode: string, extra: string[] = []): Promise<void> {
  const at = Date.now() + 4000;
  const hosts = ['A', 'B'].map((owner) =>
    spawnDriver(mode, ['--db', db, '--data', join(dir, `data-${owner}`), '--owner', `host-${owner}`, '--at', String(at), ...extra]),
  );
  const ends = await Promise.all(hosts.map((h) => h.exited));
  for (const [i, e] of ends.entries()) {
    expect(e.code, `host ${i ? 'B' : 'A'} failed: ${hosts[i]!.stderr.join('').slice(-1500)} ${JSON.stringify(hosts[i]!.lines)}`).toBe(0);
  }
}

describe('two hosts on one database', () => {
  it('never advance one run twice', async () => {
    const RUNS = 6;
    const STEPS = 15;
    const lines = await runDriver('create', [
      '--db',
      db,
      '--data',
      join(dir, 'data-0'),
      '--json',
      JSON.stringify({ count: RUNS, n: STEPS, dir }),
    ]);
    const runIds = lines.find((l) => l.event === 'created')!.runIds as string[];
    expect(runIds).toHaveLength(RUNS);

    await race('tick');
    // Whatever one host left half-way (it lost a lease race and stopped), a later pass finishes.
    await runDriver('tick', ['--db', db, '--data', join(dir, 'data-0')]);

    const store = SqliteStore.open(db, { readonly: true });
    try {
      for (const [i, runId] of runIds.entries()) {
        const state = store.getRun(runId)!;
        expect(state.status, `run ${runId}`).toBe('completed');
        const appended = readFileSync(join(dir, `lines-${i}.txt`), 'utf8')
          .split('\n')
          .filter(Boolean);
        expect(appended).toEqual(Array.from({ length: STEPS }, (_, s) => `step ${s + 1}`));
        const intents = ledgerOf(store, runId).filter((r) => r.kind === 'effect' && r.status === 'started');
        expect(new Set(intents.map((r) => r.idempotency_key)).size).toBe(intents.length);
        expect(intents).toHaveLength(STEPS);
        expect(verifyRunLedger(store, runId).valid).toBe(true);
      }
    } finally {
      store.close();
    }
  }, 90_000);

  it('fire each due timer once', async () => {
    const TIMERS = 8;
    const lines = await runDriver('timers', [
      '--db',
      db,
      '--data',
      join(dir, 'data-0'),
      '--json',
      JSON.stringify({ count: TIMERS, delayMs: 1000 }),
    ]);
    const runIds = lines.find((l) => l.event === 'timers')!.runIds as string[];
    await sleep(1100);

    await race('tick');

    const store = SqliteStore.open(db, { readonly: true });
    try {
      for (const runId of runIds) {
        expect(store.getRun(runId)!.status, `timer run ${runId}`).toBe('completed');
        const resumed = ledgerOf(store, runId).filter((r) => r.kind === 'resumed');
        expect(resumed, `timer run ${runId} fired ${resumed.length} times`).toHaveLength(1);
        expect(verifyRunLedger(store, runId).valid).toBe(true);
      }
    } finally {
      store.close();
    }
  }, 60_000);
});

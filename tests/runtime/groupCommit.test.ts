/**
 * Group commit at durability 'full': the runs in flight share fsyncs, yet an effect's intent
 * is on disk before the effect runs and every operation returns only once its commits are.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EffectHandler } from '../../src-main/runtime/contracts';
import { Runtime, createWorkflowRegistry, defineWorkflow } from '../../src-main/runtime/index';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';

const dir = mkdtempSync(join(tmpdir(), 'ar-group-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seen: { unsynced: number; intentStored: boolean }[] = [];
let store: SqliteStore;

const poke: EffectHandler = {
  isIdempotent: () => false,
  execute: async (_effect, ctx) => {
    const stored = store.getRun(ctx.run.run_id);
    seen.push({ unsynced: store.groupFsync!.unsynced, intentStored: stored?.pending_effect?.step_id === ctx.stepId });
    return { kind: 'completed', result: 'poked' };
  },
};

const wf = defineWorkflow({
  id: 'test.poke',
  version: '1',
  entry: 'a',
  nodes: {
    a: { next: ['b'], handler: () => ({ effect: { type: 'poke', payload: {} }, next: 'b' }) },
    b: { next: ['c'], handler: () => ({ next: 'c' }) },
    c: { handler: () => ({ complete: true }) },
  },
});

describe('group commit', () => {
  it('an intent is committed and on disk before its effect runs; many runs in flight share fsyncs', async () => {
    store = SqliteStore.open(join(dir, 'g.db'));
    try {
      const runtime = new Runtime({ store, workflows: createWorkflowRegistry([wf]), effects: { poke } });
      const syncs0 = store.groupFsync!.syncs;
      const covered0 = store.groupFsync!.covered;
      const turns0 = store.groupFsync!.turns;
      const runs = await Promise.all(Array.from({ length: 40 }, () => runtime.start('test.poke', {}, { advance: {} })));
      expect(runs.every((r) => r.status === 'completed')).toBe(true);
      expect(seen).toHaveLength(40);
      expect(seen.every((s) => s.intentStored && s.unsynced === 0)).toBe(true);
      // Each operation returned with nothing left unsynced.
      expect(store.groupFsync!.unsynced).toBe(0);
      const syncs = store.groupFsync!.syncs - syncs0;
      const commits = store.groupFsync!.covered - covered0;
      expect(commits).toBeGreaterThanOrEqual(80); // intent + outcome per run
      expect(syncs).toBeLessThan(commits / 4);
      // ...and transactions: the commits of a turn after its first share one (the turn transaction).
      const turns = store.groupFsync!.turns - turns0;
      expect(turns).toBeGreaterThan(0);
      expect(turns).toBeLessThanOrEqual(syncs);
    } finally {
      store.close();
    }
  });
});

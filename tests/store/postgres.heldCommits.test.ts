/**
 * Commits held for the turn (CommitBatch.deferrable) on a real PostgreSQL server: the shared
 * conformance suite with every commit held; the commits of many runs in one turn go to the
 * server in one call; reads see what is held; a refusal reaches only its own run, the other
 * commits of the same send landing (none sent twice); what is held survives a lost
 * connection and close().
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrentUpdateError, RunLeasedError } from '../../src-shared/errors';
import type { RunState } from '../../src-shared/types';
import { verifyRunLedger } from '../../src-main/ledger/verifyRunLedger';
import type { CommitBatch } from '../../src-main/runtime/storeContract';
import { PostgresStore } from '../../src-main/store/postgres/PostgresStore';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
import { countCalls, createRun } from './pgStoreCalls';
import { chain, runStoreConformance } from './conformance';

const reason = pgUnavailableReason();
if (reason) console.warn(`[postgres tests skipped] ${reason}`);

/** Every commit held, then sent at once with its refusal thrown: the contract's answers must not change. */
function holdingEveryCommit(store: PostgresStore): PostgresStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'commit')
        return (batch: CommitBatch) => {
          target.commit({ ...batch, deferrable: true });
          target.sendHeld(batch.state.run_id);
        };
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function corrupt(url: string, ref: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query("UPDATE artifacts SET bytes = overlay(bytes placing '\\x00'::bytea from 1 for 1) WHERE ref = $1", [ref]);
  await c.end();
}

/**
 * Another process's view of the change notifications: the payloads received so far, and a
 * barrier that returns once every notification committed before it has arrived (they are
 * delivered in commit order, so a sentinel sent after them comes last).
 */
async function listen(url: string): Promise<{ payloads: string[]; barrier(): Promise<void>; end(): Promise<void> }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const payloads: string[] = [];
  let sentinelSeen: (() => void) | null = null;
  c.on('notification', (n) => {
    if (n.payload === 'sentinel') sentinelSeen?.();
    else payloads.push(n.payload ?? '');
  });
  await c.query('LISTEN art_changes');
  return {
    payloads,
    async barrier() {
      const seen = new Promise<void>((res) => (sentinelSeen = res));
      const s = new pg.Client({ connectionString: url });
      await s.connect();
      await s.query("SELECT pg_notify('art_changes', 'sentinel')");
      await s.end();
      await seen;
    },
    end: () => c.end(),
  };
}

/** The commit moving a run one record on, to `node` (and whatever else `patch` changes of its state). */
function next(
  state: RunState,
  node: string,
  extra: Partial<CommitBatch> = {},
  patch: Partial<RunState> = {},
): CommitBatch & { state: RunState } {
  return { ...chain(state, state.run_id, [{ step_id: node, node_id: node }], { current_node: node, ...patch }), ...extra };
}

describe.skipIf(reason)('PostgresStore, commits held for the turn', () => {
  let server: PgServer | null = null;
  const urls = new Map<PostgresStore, string>();
  beforeAll(async () => {
    server ??= await startPgServer();
  }, 120_000);
  afterAll(() => server?.stop(), 180_000);

  /** A fresh database with two stores on it (`other` stands for another process), both closed after `fn`. */
  async function withStores(name: string, fn: (s: { url: string; store: PostgresStore; other: PostgresStore }) => Promise<void>) {
    const url = server!.createDatabase(name);
    const store = PostgresStore.open(url);
    const other = PostgresStore.open(url);
    try {
      await fn({ url, store, other });
    } finally {
      store.close();
      other.close();
    }
  }

  runStoreConformance(
    'PostgresStore, every commit held',
    async () => {
      server ??= await startPgServer();
      const url = server.createDatabase('held');
      const store = PostgresStore.open(url);
      const held = holdingEveryCommit(store);
      urls.set(held, url);
      return held;
    },
    {
      corruptArtifact: (store, ref) => corrupt(urls.get(store as PostgresStore)!, ref),
      dispose: (store) => {
        (store as PostgresStore).close();
        urls.delete(store as PostgresStore);
      },
    },
  );

  it('the commits of twenty runs in one turn are one call to the server and one notification, and all are stored and durable', async () => {
    const url = server!.createDatabase('oneTrip');
    const store = PostgresStore.open(url);
    const other = PostgresStore.open(url);
    const listener = await listen(url);
    try {
      const states = Array.from({ length: 20 }, (_, i) => createRun(store, `r${i}`));
      await listener.barrier();
      listener.payloads.length = 0;
      const calls = countCalls();
      for (const s of states) store.commit(next(s, 'b', { deferrable: true }));
      expect(calls()).toBe(0);
      await Promise.all(states.map((s) => store.whenDurable(s.run_id)));
      expect(calls()).toBe(1);
      await listener.barrier();
      // Each run is left runnable by a commit without a lease: the one notification says so.
      expect(listener.payloads).toEqual(['work']);
      for (const s of states) {
        expect(other.getRun(s.run_id)).toMatchObject({ current_node: 'b', ledger_head: { seq: 1 } });
        expect([...other.iterateLedger(s.run_id)].map((r) => r.step_id)).toEqual(['s0', 'b']);
      }
    } finally {
      store.close();
      other.close();
      await listener.end();
    }
  });

  it('reads see a held commit: its completed effect without a call, its state and lists once it is sent first', async () => {
    const url = server!.createDatabase('reads');
    const store = PostgresStore.open(url);
    try {
      const s0 = createRun(store, 'r1');
      const done = chain(s0, 'r1', [{ step_id: 'e', kind: 'effect', status: 'completed', idempotency_key: 'k1', result: { ok: 1 } }]);
      store.commit({ ...done, deferrable: true });
      const calls = countCalls();
      expect(store.findCompletedEffect('r1', 'k1')).toMatchObject({ idempotency_key: 'k1', result: { ok: 1 } });
      expect(calls()).toBe(0);
      expect(store.getRun('r1')).toEqual(done.state);
      expect(store.listRuns({}).runs.map((r) => r.run_id)).toEqual(['r1']);
      await store.whenDurable('r1');
      expect(store.findCompletedEffect('r1', 'k1')).toMatchObject({ seq: 1 });
    } finally {
      store.close();
    }
  });

  it('a refused held commit rejects only its own run; the commits before and after it in the same send land, none twice, and are notified', async () => {
    const url = server!.createDatabase('refused');
    const store = PostgresStore.open(url);
    const other = PostgresStore.open(url);
    const listener = await listen(url);
    try {
      const [a, b, c] = ['a', 'b', 'c'].map((id) => createRun(store, id)) as [RunState, RunState, RunState];
      // Another process moves b first: our commits of b start from a head that is gone.
      other.commit(next(b, 'theirs'));
      await listener.barrier();
      listener.payloads.length = 0;
      const b1 = next(b, 'ours', { deferrable: true });
      store.commit(next(a, 'a1', { deferrable: true }));
      store.commit(b1);
      store.commit(next(b1.state, 'ours2', { deferrable: true }));
      store.commit(next(c, 'c1', { deferrable: true }));
      const [ra, rb, rc] = await Promise.allSettled([store.whenDurable('a'), store.whenDurable('b'), store.whenDurable('c')]);
      expect(ra.status).toBe('fulfilled');
      expect(rc.status).toBe('fulfilled');
      expect(rb.status).toBe('rejected');
      expect((rb as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrentUpdateError);
      // Reported once, to the run's writer.
      await expect(store.whenDurable('b')).resolves.toBeUndefined();
      expect([...other.iterateLedger('a')].map((r) => r.step_id)).toEqual(['s0', 'a1']);
      expect([...other.iterateLedger('b')].map((r) => r.step_id)).toEqual(['s0', 'theirs']);
      expect([...other.iterateLedger('c')].map((r) => r.step_id)).toEqual(['s0', 'c1']);
      expect(other.getRun('b')).toMatchObject({ current_node: 'theirs' });
      // a1 landed in the send that stopped at b; c1 went again on its own, with its own.
      await listener.barrier();
      expect(listener.payloads).toEqual(['work', 'work']);
    } finally {
      store.close();
      other.close();
      await listener.end();
    }
  });

  it("a commit continuing its run's held commit joins it: one transaction storing what the two would, refused together", async () => {
    const url = server!.createDatabase('joined');
    const store = PostgresStore.open(url);
    const other = PostgresStore.open(url);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    /** The server transactions that wrote the run's records, one per record (rows written together share one). */
    const writers = async (runId: string) =>
      (await c.query<{ x: string }>('SELECT xmin::text AS x FROM ledger WHERE run_id = $1 AND seq > 0 ORDER BY seq', [runId])).rows.map(
        (r) => r.x,
      );
    try {
      const lease = { owner: 'me', ttlMs: 30_000, now: new Date() };
      const j = createRun(store, 'j');
      const j1 = next(j, 'outcome', { deferrable: true, lease });
      const j2 = next(j1.state, 'intent', { deferrable: true, lease });
      store.commit(j1);
      store.commit(j2);
      await Promise.all([store.whenDurable('j'), store.whenDurable('j')]);
      const [w1, w2] = await writers('j');
      expect(w1).toBe(w2);
      expect(other.getRun('j')).toEqual(j2.state);
      expect([...other.iterateLedger('j')].map((r) => r.step_id)).toEqual(['s0', 'outcome', 'intent']);
      expect(verifyRunLedger(other, 'j')).toMatchObject({ valid: true, records: 3 });
      expect(other.workState('j')?.lease?.owner).toBe('me');

      // Another lease's commit does not join it: the first lands, the second is refused by the first's lease.
      const k = createRun(store, 'k');
      const k1 = next(k, 'mine', { deferrable: true, lease });
      store.commit(k1);
      store.commit(next(k1.state, 'theirs', { deferrable: true, lease: { ...lease, owner: 'someone-else' } }));
      await expect(store.whenDurable('k')).rejects.toBeInstanceOf(RunLeasedError);
      expect([...other.iterateLedger('k')].map((r) => r.step_id)).toEqual(['s0', 'mine']);

      // Refused together: another process moved the run first, and neither part is stored.
      const m = createRun(store, 'm');
      other.commit(next(m, 'elsewhere'));
      const m1 = next(m, 'outcome', { deferrable: true });
      store.commit(m1);
      store.commit(next(m1.state, 'intent', { deferrable: true }));
      await expect(store.whenDurable('m')).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect([...other.iterateLedger('m')].map((r) => r.step_id)).toEqual(['s0', 'elsewhere']);
    } finally {
      store.close();
      other.close();
      await c.end();
    }
  });

  it("a held commit of a run another owner holds is refused with RunLeasedError through whenDurable, the others' land", async () => {
    const url = server!.createDatabase('leased');
    const store = PostgresStore.open(url);
    try {
      const d = createRun(store, 'd');
      const e = createRun(store, 'e');
      const now = new Date();
      store.acquireLease('d', 'someone-else', 60_000, now);
      const lease = { owner: 'me', ttlMs: 30_000, now };
      store.commit(next(d, 'd1', { deferrable: true, lease }));
      store.commit(next(e, 'e1', { deferrable: true, lease, releaseLease: true }));
      await expect(store.whenDurable('d')).rejects.toBeInstanceOf(RunLeasedError);
      await store.whenDurable('e');
      expect(store.getRun('d')).toMatchObject({ current_node: 'start', ledger_head: { seq: 0 } });
      expect(store.getRun('e')).toMatchObject({ current_node: 'e1' });
      expect(store.workState('d')?.lease?.owner).toBe('someone-else');
      expect(store.workState('e')?.lease ?? null).toBeNull();
    } finally {
      store.close();
    }
  });

  it("a send's held commits land in ONE server transaction, over 1,000 runs (statements of 1,000 rows), each run's change numbered apart in commit order", async () => {
    await withStores('merged', async ({ url, store, other }) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const ids = Array.from({ length: 1100 }, (_, i) => `m${String(i).padStart(4, '0')}`);
      /** The server transactions that last wrote the runs' rows, and their records after the first. */
      const writers = async () => ({
        runs: (await c.query<{ n: number }>('SELECT count(DISTINCT xmin::text)::int AS n FROM runs WHERE run_id = ANY($1)', [ids])).rows[0]!
          .n,
        records: (
          await c.query<{ n: number }>('SELECT count(DISTINCT xmin::text)::int AS n FROM ledger WHERE run_id = ANY($1) AND seq = 1', [ids])
        ).rows[0]!.n,
      });
      try {
        // New runs held in one turn: one transaction creates them all.
        const created = ids.map((id) => chain(null, id, [{ step_id: 's0' }]));
        for (const b of created) store.commit({ ...b, isNew: true, deferrable: true });
        await Promise.all(ids.map((id) => store.whenDurable(id)));
        expect((await writers()).runs).toBe(1);
        const token = other.lastChangeSeq();
        const calls = countCalls();
        for (const b of created) store.commit(next(b.state, 'b', { deferrable: true }));
        await Promise.all(ids.map((id) => store.whenDurable(id)));
        expect(calls()).toBe(1);
        expect(await writers()).toEqual({ runs: 1, records: 1 });
        for (const id of [ids[0]!, ids[999]!, ids[1000]!, ids[1099]!]) {
          expect(other.getRun(id)).toMatchObject({ current_node: 'b', ledger_head: { seq: 1 } });
          expect(verifyRunLedger(other, id)).toMatchObject({ valid: true, records: 2 });
        }
        // The change feed has each run once, numbered in the order the runs committed.
        const changes = other.changesSince(token, 5000);
        expect(changes.map((ch) => ch.runId)).toEqual(ids);
        expect(new Set(changes.map((ch) => ch.changeSeq)).size).toBe(ids.length);
      } finally {
        await c.end();
      }
    });
  });

  it('a merged send stores every value byte for byte: quotes, backslashes, braces, commas, the word NULL, non-ASCII', async () => {
    await withStores('mergedExact', async ({ store, other }) => {
      const tricky = [`it's "quoted"`, 'back\\slash \\" and \\\\', '{a,b}', 'NULL', '', 'é \u2028 🚀', '\t\n'];
      const runs = tricky.map((_, i) => createRun(store, `x${i}`));
      const moved = runs.map((s, i) => {
        const c = chain(s, s.run_id, [{ step_id: tricky[i], result: { text: tricky[i] } as never }], { vars: { text: tricky[i]! } });
        return { ...c, deferrable: true };
      });
      for (const m of moved) store.commit(m);
      await store.whenDurable();
      for (const [i, m] of moved.entries()) {
        expect(other.getRun(m.state.run_id)).toEqual(m.state);
        const stored = [...other.iterateLedger(m.state.run_id)];
        expect(stored[1]).toEqual(m.records[0]);
        expect(stored[1]!.step_id).toBe(tricky[i]);
      }
    });
  });

  it('the totals per status stay exact through merged sends that create runs and move them between statuses', async () => {
    await withStores('mergedTotals', async ({ store, other }) => {
      const totals = () =>
        Object.fromEntries((['running', 'waiting', 'completed'] as const).map((s) => [s, other.listRuns({ status: s }).total]));
      const created = Array.from({ length: 50 }, (_, i) => chain(null, `t${i}`, [{ step_id: 's0' }]));
      for (const b of created) store.commit({ ...b, isNew: true, deferrable: true });
      await store.whenDurable();
      expect(totals()).toEqual({ running: 50, waiting: 0, completed: 0 });
      const moved = created.map((b, i) =>
        next(b.state, 'b', { deferrable: true }, { status: i < 30 ? 'completed' : i < 45 ? 'waiting' : 'running' }),
      );
      for (const m of moved) store.commit(m);
      await store.whenDurable();
      expect(totals()).toEqual({ running: 5, waiting: 15, completed: 30 });
      // Back the other way, in one send: the waiting ones run again, five running ones wait.
      const back = moved
        .slice(30)
        .map((m) => next(m.state, 'c', { deferrable: true }, { status: m.state.status === 'waiting' ? 'running' : 'waiting' }));
      for (const b of back) store.commit(b);
      await store.whenDurable();
      expect(totals()).toEqual({ running: 15, waiting: 5, completed: 30 });
      expect(other.listRuns({}).total).toBe(50);
    });
  });

  it('a refusal in a merged send: every other commit lands, once, and only the refused run hears of it', async () => {
    await withStores('mergedRefused', async ({ store, other }) => {
      const runs = ['p', 'q', 'r', 's', 't'].map((id) => createRun(store, id));
      other.commit(next(runs[2]!, 'theirs'));
      for (const s of runs) store.commit(next(s, `${s.run_id}1`, { deferrable: true }));
      const settled = await Promise.allSettled(runs.map((s) => store.whenDurable(s.run_id)));
      expect(settled.map((x) => x.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrentUpdateError);
      for (const s of runs) {
        const steps = [...other.iterateLedger(s.run_id)].map((r) => r.step_id);
        expect(steps).toEqual(['s0', s.run_id === 'r' ? 'theirs' : `${s.run_id}1`]);
      }
      expect(other.getRun('r')).toMatchObject({ current_node: 'theirs' });
    });
  });

  it('held commits survive the connection being cut, and are sent by close()', async () => {
    const url = server!.createDatabase('cut');
    const store = PostgresStore.open(url);
    const other = PostgresStore.open(url);
    try {
      const [x, y] = ['x', 'y'].map((id) => createRun(store, id)) as [RunState, RunState];
      store.commit(next(x, 'x1', { deferrable: true }));
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      // Every connection of the stores' synchronous clients on this database is cut.
      await c.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'abstractruntime'",
      );
      await c.end();
      await store.whenDurable('x');
      store.commit(next(y, 'y1', { deferrable: true }));
      store.close();
      expect([...other.iterateLedger('x')].map((r) => r.step_id)).toEqual(['s0', 'x1']);
      expect([...other.iterateLedger('y')].map((r) => r.step_id)).toEqual(['s0', 'y1']);
    } finally {
      store.close();
      other.close();
    }
  });
});

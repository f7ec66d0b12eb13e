/**
 * The replay look-up before an effect (findCompletedEffect with the asker's head) on a real
 * PostgreSQL server: answered "none" without a call for a run this store read or wrote at
 * that head; found on the server when the key is there; and never trusted past the head it
 * was taken at: another process's record is found at the new head, and a commit against the
 * old head is refused, so a stale "none" cannot let an effect run twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrentUpdateError } from '../../src-shared/errors';
import type { RunState } from '../../src-shared/types';
import type { CommitBatch } from '../../src-main/runtime/storeContract';
import { PostgresStore } from '../../src-main/store/postgres/PostgresStore';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
import { countCalls, createRun } from './pgStoreCalls';
import { chain } from './conformance';

const reason = pgUnavailableReason();
if (reason) console.warn(`[postgres tests skipped] ${reason}`);

/** The commit completing an effect with `key` on top of `state`. */
function completed(state: RunState, key: string, extra: Partial<CommitBatch> = {}): CommitBatch & { state: RunState } {
  return {
    ...chain(state, state.run_id, [{ step_id: `e-${key}`, kind: 'effect', status: 'completed', idempotency_key: key, result: { key } }]),
    ...extra,
  };
}

describe.skipIf(reason)('PostgresStore, the replay look-up at a known head', () => {
  let server: PgServer;
  let url: string;
  let ours: PostgresStore;
  let theirs: PostgresStore;
  beforeAll(async () => {
    server = await startPgServer();
  }, 120_000);
  afterAll(() => server?.stop(), 180_000);
  const open = (name: string) => {
    url = server.createDatabase(name);
    ours = PostgresStore.open(url);
    theirs = PostgresStore.open(url);
  };
  const close = () => {
    ours.close();
    theirs.close();
  };

  it('costs no call at the head this store read or wrote; a key completed there is found, with its record', () => {
    open('known');
    try {
      createRun(theirs, 'r1');
      const read = ours.getRun('r1')!;
      const calls = countCalls();
      expect(ours.findCompletedEffect('r1', 'k1', read.ledger_head!.seq)).toBeNull();
      expect(calls()).toBe(0);
      const done = completed(read, 'k1');
      ours.commit(done);
      const before = calls();
      expect(ours.findCompletedEffect('r1', 'k2', done.state.ledger_head!.seq)).toBeNull();
      expect(calls()).toBe(before);
      expect(ours.findCompletedEffect('r1', 'k1', done.state.ledger_head!.seq)).toMatchObject({
        idempotency_key: 'k1',
        result: { key: 'k1' },
      });
      expect(calls()).toBe(before + 1);
      // Without a head the look-up always asks the server.
      expect(ours.findCompletedEffect('r1', 'k1')).toMatchObject({ seq: 1 });
    } finally {
      close();
    }
  });

  it('a claim teaches what a read would: the claimed state and its completed keys, no call to look up', () => {
    open('claimed');
    try {
      const s0 = createRun(theirs, 'r1');
      theirs.commit(completed(s0, 'k1'));
      const [claimed, ...more] = ours.claimRunnable({
        owner: 'w',
        now: new Date(),
        ttlMs: 10_000,
        limit: 5,
        accepts: () => true,
        busy: () => false,
      });
      expect(more).toEqual([]);
      expect(claimed).toEqual({ runId: 'r1', state: theirs.getRun('r1') });
      const head = claimed!.state!.ledger_head!.seq;
      const calls = countCalls();
      expect(ours.findCompletedEffect('r1', 'k2', head)).toBeNull();
      expect(calls()).toBe(0);
      expect(ours.findCompletedEffect('r1', 'k1', head)).toMatchObject({ idempotency_key: 'k1', result: { key: 'k1' } });
    } finally {
      close();
    }
  });

  it("another process's completed record is found at the new head, and a commit against the old head is refused", () => {
    open('moved');
    try {
      const s0 = createRun(theirs, 'r1');
      ours.getRun('r1');
      theirs.commit(completed(s0, 'k1'));
      // At the new head the answer comes from the server.
      expect(ours.findCompletedEffect('r1', 'k1', 1)).toMatchObject({ idempotency_key: 'k1' });
      // Whatever is said at the old head, nothing can be committed on it.
      expect(() => ours.commit(completed(s0, 'k2'))).toThrow(ConcurrentUpdateError);
      expect([...theirs.iterateLedger('r1')].map((r) => r.idempotency_key)).toEqual([null, 'k1']);
      // The refusal made the store forget the run: asked again at the old head, it asks the server.
      expect(ours.findCompletedEffect('r1', 'k1', 0)).toMatchObject({ idempotency_key: 'k1' });
    } finally {
      close();
    }
  });

  it('a held commit that is refused leaves nothing of what it would have taught', async () => {
    open('heldRefused');
    try {
      const s0 = createRun(theirs, 'r1');
      ours.getRun('r1');
      theirs.commit(completed(s0, 'k1'));
      const mine = completed(s0, 'k2', { deferrable: true });
      ours.commit(mine);
      await expect(ours.whenDurable('r1')).rejects.toBeInstanceOf(ConcurrentUpdateError);
      const calls = countCalls();
      expect(ours.findCompletedEffect('r1', 'k3', mine.state.ledger_head!.seq)).toBeNull();
      expect(calls()).toBe(1);
    } finally {
      close();
    }
  });

  it('a run with more completed keys than it keeps is looked up on the server each time', () => {
    open('many');
    try {
      let s = createRun(theirs, 'r1');
      const batch = chain(
        s,
        'r1',
        Array.from({ length: 1001 }, (_, i) => ({
          step_id: `e${i}`,
          kind: 'effect' as const,
          status: 'completed' as const,
          idempotency_key: `k${i}`,
        })),
      );
      theirs.commit(batch);
      s = ours.getRun('r1')!;
      const calls = countCalls();
      expect(ours.findCompletedEffect('r1', 'absent', s.ledger_head!.seq)).toBeNull();
      expect(ours.findCompletedEffect('r1', 'k1000', s.ledger_head!.seq)).toMatchObject({ idempotency_key: 'k1000' });
      expect(calls()).toBe(2);
    } finally {
      close();
    }
  });
});

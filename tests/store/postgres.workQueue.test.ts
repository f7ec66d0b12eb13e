/**
 * The work queue and the change feed on a real PostgreSQL server: the shared cases of
 * workQueueCases.ts, then what only a server database shows: several connections (as on
 * several machines) claiming at once never get the same run, and each sees the others'
 * commits through LISTEN/NOTIFY without reading a table.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { hostname } from 'node:os';
import pg from 'pg';
import { ConcurrentUpdateError, RunLeasedError } from '../../src-shared/errors';
import { isDeadLocalOwner } from '../../src-main/store/processLeaseOwner';
import { PostgresStore } from '../../src-main/store/postgres/PostgresStore';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
import { chain } from './conformance';
import { countCalls } from './pgStoreCalls';
import { at, checkUnreadableStateClaimed, claim, put, runWorkQueueCases } from './workQueueCases';

const reason = pgUnavailableReason();
if (reason) console.warn(`[postgres tests skipped] ${reason}`);

describe.skipIf(reason)('work queue: PostgreSQL', () => {
  let server: PgServer | null = null;
  const open: PostgresStore[] = [];
  const store = async (url?: string) => {
    server ??= await startPgServer();
    const s = PostgresStore.open(url ?? server.createDatabase('queue'));
    open.push(s);
    return s;
  };
  afterAll(() => {
    for (const s of open) s.close();
    server?.stop();
  }, 180_000);

  runWorkQueueCases('postgres', () => store());

  it('a run whose stored state cannot be read is claimed without a state; the others with theirs', async () => {
    await store();
    const url = server!.createDatabase('damaged');
    const s = await store(url);
    await checkUnreadableStateClaimed(s, async (runId) => {
      const raw = new pg.Client({ connectionString: url });
      await raw.connect();
      await raw.query('UPDATE runs SET state = $1 WHERE run_id = $2', ['{"run_id": "bad", ', runId]);
      await raw.end();
    });
  });

  it('a worker with room for 300 runs claims 300 in two calls (one page, then the leases), and a page is never larger than the claim wants', async () => {
    await store();
    const url = server!.createDatabase('onePage');
    const s = await store(url);
    for (let i = 0; i < 400; i++) put(s, `p${String(i).padStart(3, '0')}`, {});
    const calls = countCalls();
    expect(claim(s, 'w', at(1), { limit: 300 })).toHaveLength(300);
    expect(calls()).toBe(2);
    // A small claim still reads a small page, skipping the busy: 5 of the next 100, page by page.
    const busy = new Set(Array.from({ length: 90 }, (_, i) => `p${String(300 + i).padStart(3, '0')}`));
    expect(claim(s, 'w2', at(1), { limit: 5, busy: (id) => busy.has(id) })).toEqual(['p390', 'p391', 'p392', 'p393', 'p394']);
  });

  it('four connections claiming in turn never get the same run, and together get every one', async () => {
    await store();
    const url = server!.createDatabase('shared');
    const stores = [await store(url), await store(url), await store(url), await store(url)];
    for (let i = 0; i < 120; i++) put(stores[0]!, `r${String(i).padStart(3, '0')}`, {});
    // Interleaved small claims (true parallel claims by processes: tests/cli/postgresFleet.test.ts).
    const got: string[][] = stores.map(() => []);
    for (let round = 0; round < 10; round++) stores.forEach((s, i) => got[i]!.push(...claim(s, `owner-${i}`, at(1), { limit: 4 })));
    const all = got.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(120);
  });

  it("another connection's commit moves the foreign change token (LISTEN/NOTIFY); own commits do not", async () => {
    await store();
    const url = server!.createDatabase('feed');
    const writer = await store(url);
    const reader = await store(url);
    // Both LISTEN connections come up asynchronously.
    await vi.waitFor(() => expect((reader as unknown as { notifications: { listening: boolean } }).notifications.listening).toBe(true));
    await vi.waitFor(() => expect((writer as unknown as { notifications: { listening: boolean } }).notifications.listening).toBe(true));
    const before = reader.foreignChangeToken();
    const ownBefore = writer.foreignChangeToken();
    const seq0 = reader.lastChangeSeq();
    put(writer, 'x', {});
    await vi.waitFor(() => expect(reader.foreignChangeToken()).not.toBe(before));
    expect(reader.changesSince(seq0, 10).map((c) => c.runId)).toEqual(['x']);
    // The writer's own notification arrives too, but is not foreign.
    await new Promise((r) => setTimeout(r, 200));
    expect(writer.foreignChangeToken()).toBe(ownBefore);
  });

  it('the work token moves for a commit that offers work (a new run, a run released still runnable), not for one of a run its committer holds', async () => {
    await store();
    const url = server!.createDatabase('work');
    const writer = await store(url);
    const reader = await store(url);
    const listening = (s: PostgresStore) => (s as unknown as { notifications: { listening: boolean } }).notifications.listening;
    await vi.waitFor(() => expect(listening(reader) && listening(writer)).toBe(true));
    const w0 = reader.workToken();
    put(writer, 'r', {});
    await vi.waitFor(() => expect(reader.workToken()).not.toBe(w0));
    expect(claim(writer, 'a', at(1))).toEqual(['r']);
    // A step of the run in flight, committed under its lease: a change, but no work for anyone.
    const w1 = reader.workToken();
    const f1 = reader.foreignChangeToken();
    const c = chain(writer.getRun('r'), 'r', [{ step_id: 's1' }], { updated_at: at(2).toISOString() });
    writer.commit({ ...c, isNew: false, lease: { owner: 'a', now: at(2), ttlMs: 10_000 } });
    await vi.waitFor(() => expect(reader.foreignChangeToken()).not.toBe(f1));
    expect(reader.workToken()).toBe(w1);
    expect(reader.nextRunnableAt()).toBe(Date.parse(at(2).toISOString()) + 10_000);
    // Released while still runnable: offered again, and claimable at once.
    writer.releaseLease('r', 'a');
    await vi.waitFor(() => expect(reader.workToken()).not.toBe(w1));
    expect(reader.nextRunnableAt()).toBe(Date.parse(at(2).toISOString()));
  });

  it('change_seq grows with every commit of any connection: a reader paging by it sees each run once, in order', async () => {
    await store();
    const url = server!.createDatabase('order');
    const a = await store(url);
    const b = await store(url);
    let last = 0;
    const seen: string[] = [];
    for (let i = 0; i < 40; i++) {
      put(i % 2 ? a : b, `o${i}`, {});
      for (const c of a.changesSince(last, 100)) {
        expect(c.changeSeq).toBeGreaterThan(last);
        last = c.changeSeq;
        seen.push(c.runId);
      }
    }
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => `o${i}`));
  });

  it('an owner found gone between two claims is counted free at once, and stays so for the claims after', async () => {
    const s = await store();
    const alive = `${hostname()}:${process.pid}:alive`;
    const dead = `${hostname()}:999999999:dead`;
    put(s, 'held', {});
    s.acquireLease('held', alive, 60_000, at(0));
    expect(claim(s, 'me', at(1), { ownerGone: isDeadLocalOwner })).toEqual([]);
    // Since that claim: a run leased by a process that is gone (the first page of the next
    // claim was read counting nobody gone, so it is read again).
    put(s, 'orphan', {});
    s.acquireLease('orphan', dead, 60_000, at(2));
    expect(claim(s, 'me', at(3), { ownerGone: isDeadLocalOwner })).toEqual(['orphan']);
    put(s, 'orphan2', {});
    s.acquireLease('orphan2', dead, 60_000, at(4));
    expect(claim(s, 'me', at(5), { ownerGone: isDeadLocalOwner })).toEqual(['orphan2']);
    // The living owner's run is still not taken.
    expect(claim(s, 'me', at(6), { ownerGone: isDeadLocalOwner })).toEqual([]);
  });

  it("a lease of a dead process on this machine is free at once; another machine's lease only once it expires", async () => {
    const s = await store();
    put(s, 'local', {});
    put(s, 'remote', {});
    // A pid that cannot be alive, on this host and on another one.
    s.acquireLease('local', `${hostname()}:999999999:dead`, 60_000, at(0));
    s.acquireLease('remote', 'another-machine:999999999:dead', 60_000, at(0));
    expect(claim(s, 'me', at(1), { ownerGone: isDeadLocalOwner })).toEqual(['local']);
    // 'local' is being advanced by me now (busy): the remote lease holds until it expires.
    const busy = (id: string) => id === 'local';
    expect(claim(s, 'me', at(59_999), { ownerGone: isDeadLocalOwner, busy })).toEqual([]);
    expect(claim(s, 'me', at(60_001), { ownerGone: isDeadLocalOwner, busy })).toEqual(['remote']);
  });

  it("a commit of a run in flight is one server call; the server's refusals give the same errors as before, with nothing written", async () => {
    const s = await store();
    const calls = vi.spyOn((s as unknown as { db: { run: (...a: unknown[]) => unknown } }).db, 'run');
    const lease = (owner: string, ms: number) => ({ owner, now: at(ms), ttlMs: 10_000 });
    const step = (stepId: string, ms: number) => chain(s.getRun('r'), 'r', [{ step_id: stepId }], { updated_at: at(ms).toISOString() });
    put(s, 'r', {});
    expect(claim(s, 'a', at(1))).toEqual(['r']);
    const first = step('s1', 2);
    calls.mockClear();
    s.commit({ ...first, isNew: false, lease: lease('a', 2) });
    expect(calls).toHaveBeenCalledTimes(1);
    expect(s.workState('r')?.lease?.owner).toBe('a');

    // A stale writer: refused by the server, then told why by the two-trip path.
    const stale = chain(s.getRun('r'), 'r', [{ step_id: 'late' }], { updated_at: at(3).toISOString() });
    s.commit({ ...step('s2', 3), isNew: false, lease: lease('a', 3) });
    expect(() => s.commit({ ...stale, isNew: false, lease: lease('a', 3) })).toThrow(ConcurrentUpdateError);
    // Another owner while a's lease runs: RunLeasedError naming a.
    expect(() => s.commit({ ...step('b1', 4), isNew: false, lease: lease('b', 4) })).toThrow(/being advanced by a/);
    expect(() => s.commit({ ...step('b1', 4), isNew: false, lease: lease('b', 4) })).toThrow(RunLeasedError);
    expect([...s.iterateLedger('r')].map((r) => r.step_id)).toEqual(['s0', 's1', 's2']);
    expect(s.workState('r')?.lease?.owner).toBe('a');

    // A lease of a process of this machine that died: only this side can tell, and the commit goes through.
    s.acquireLease('r', `${hostname()}:999999999:dead`, 60_000, at(20_000));
    s.leaseOwnerGone = isDeadLocalOwner;
    s.commit({ ...step('c1', 20_001), isNew: false, lease: lease('c', 20_001), releaseLease: true });
    expect([...s.iterateLedger('r')].map((r) => r.step_id)).toEqual(['s0', 's1', 's2', 'c1']);
    expect(s.workState('r')?.lease ?? null).toBeNull();
  });
});

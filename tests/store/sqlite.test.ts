import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ArtifactCorruptError,
  ArtifactNotFoundError,
  ConcurrentUpdateError,
  NonJsonValueError,
  RunLeasedError,
  StoreError,
} from '../../src-shared/errors';
import { canonicalJson, RawNumber } from '../../src-shared/canonicalJson';
import { parseJsonExact } from '../../src-shared/exactJson';
import type { JsonObject } from '../../src-shared/json';
import type { Snapshot } from '../../src-shared/types';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { COMPLETED_BY_KEY_SQL } from '../../src-main/store/sqlite/statements';
import { iso, makeRecord, makeState, writeRun } from '../ledger/support/runFactory';

let dir: string;
let file: string;
let store: SqliteStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-sqlite-'));
  file = join(dir, 'runs.db');
  store = SqliteStore.open(file);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteStore: the turn transaction (group commit)', () => {
  const headSeq = (db: Database.Database, runId: string) =>
    (db.prepare('SELECT head_seq FROM runs WHERE run_id = ?').get(runId) as { head_seq: number } | undefined)?.head_seq ?? null;

  it("a turn's first commit stands alone; the next ones share one transaction that the flush commits before its fsync", async () => {
    const other = new Database(file, { readonly: true });
    try {
      writeRun(store, 'alone', 1);
      expect(store.groupFsync!.inTurn).toBe(false);
      expect(headSeq(other, 'alone')).toBe(0); // committed at once
      writeRun(store, 'shared', 3);
      expect(store.groupFsync!.inTurn).toBe(true);
      expect(headSeq(other, 'shared')).toBeNull(); // another connection sees none of the turn yet
      expect(store.getRun('shared')!.ledger_head!.seq).toBe(2); // this one sees its own writes
      const [turns, syncs] = [store.groupFsync!.turns, store.groupFsync!.syncs];
      await store.whenDurable();
      expect(store.groupFsync!.inTurn).toBe(false);
      expect(store.groupFsync!.turns).toBe(turns + 1);
      expect(store.groupFsync!.syncs).toBe(syncs + 1);
      expect(store.groupFsync!.unsynced).toBe(0);
      expect(headSeq(other, 'shared')).toBe(2);
    } finally {
      other.close();
    }
  });

  it('a commit refused inside the turn is rolled back alone; the rest of the turn is kept', async () => {
    const a = writeRun(store, 'a', 2);
    writeRun(store, 'b', 2);
    expect(store.groupFsync!.inTurn).toBe(true);
    const stale = makeRecord('a', { seq: 0, hash: 'sha256:' + '0'.repeat(64) });
    expect(() =>
      store.commit({ state: makeState('a', { seq: stale.seq, hash: stale.record_hash }), records: [stale], expectedHeadSeq: 0 }),
    ).toThrow(ConcurrentUpdateError);
    await store.whenDurable();
    store.close();
    store = SqliteStore.open(file);
    expect(store.getRun('a')).toEqual(a);
    expect(store.getRun('b')!.ledger_head!.seq).toBe(1);
  });

  it('another store of this process on the same file ends the turn instead of waiting for its lock', async () => {
    const b = SqliteStore.open(file, { busyTimeoutMs: 50 });
    try {
      writeRun(store, 'x', 3);
      expect(store.groupFsync!.inTurn).toBe(true);
      writeRun(b, 'y', 1); // would be DatabaseLockedError after 50 ms if it waited for the turn
      expect(store.groupFsync!.inTurn).toBe(false);
      expect(b.getRun('x')!.ledger_head!.seq).toBe(2);
      await Promise.all([store.whenDurable(), b.whenDurable()]);
      expect(store.groupFsync!.unsynced).toBe(0);
    } finally {
      b.close();
    }
  });
});

describe('SqliteStore: runs and ledger', () => {
  it('keeps committed runs and records across a reopen, in WAL mode; durability full fsyncs the WAL in groups', async () => {
    const state = writeRun(store, 'r1', 5);
    store.close();
    store = SqliteStore.open(file);
    expect(store.getRun('r1')).toEqual(state);
    expect([...store.iterateLedger('r1')].map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    // Group commit: SQLite does not fsync each commit; the store fsyncs once per group.
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
    writeRun(store, 'r2', 1);
    writeRun(store, 'r3', 1);
    const syncs = store.groupFsync!.syncs;
    await Promise.all([store.whenDurable(), store.whenDurable()]);
    expect(store.groupFsync!.syncs).toBe(syncs + 1);
    expect(store.groupFsync!.covered).toBeGreaterThanOrEqual(2);
    await store.whenDurable(); // nothing new: no fsync
    expect(store.groupFsync!.syncs).toBe(syncs + 1);
    store.close();
    store = SqliteStore.open(file, { groupCommit: false });
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.groupFsync).toBeNull();
  });

  it('keeps numbers a JS number cannot hold exactly across a reopen: state, records and snapshots', () => {
    const vars = parseJsonExact('{"big":98765432109876543210,"z":-0.0,"one":1.0,"e":1e-07,"x":2.5e+20,"plain":3}') as JsonObject;
    const r0 = makeRecord('r1', null, { result: { vars } });
    const state = makeState('r1', { seq: 0, hash: r0.record_hash }, { vars });
    store.commit({ state, records: [r0], expectedHeadSeq: null, isNew: true });
    store.saveSnapshot({
      snapshot_id: 's1',
      run_id: 'r1',
      name: 'n',
      description: null,
      tags: [],
      created_at: iso(0),
      ledger_seq: 0,
      state_hash: 'h',
      state,
    } as Snapshot);
    store.close();
    store = SqliteStore.open(file);
    const exact = '{"big":98765432109876543210,"e":1e-07,"one":1.0,"plain":3,"x":2.5e+20,"z":-0.0}';
    const back = store.getRun('r1')!;
    expect(back.vars.big).toBeInstanceOf(RawNumber);
    expect(back.vars.plain).toBe(3);
    expect(canonicalJson(back.vars)).toBe(exact);
    const [record] = [...store.iterateLedger('r1')];
    expect(canonicalJson((record!.result as JsonObject).vars)).toBe(exact);
    expect(canonicalJson(store.getSnapshot('s1')!.state.vars)).toBe(exact);
  });

  it("uses synchronous=NORMAL with durability 'process'", () => {
    store.close();
    store = SqliteStore.open(file, { durability: 'process' });
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('returns records exactly as they were committed', () => {
    const r0 = makeRecord('r1', null, { effect: { type: 'llm_call', payload: { prompt: 'hi', n: 1.5 }, result_key: 'x' } });
    store.commit({ state: makeState('r1', { seq: 0, hash: r0.record_hash }), records: [r0], expectedHeadSeq: null, isNew: true });
    expect(store.readLedger('r1', { limit: 10 }).records).toEqual([r0]);
  });

  it('pages the ledger from both ends without loading it whole', () => {
    writeRun(store, 'r1', 50);
    const seqs = (p: { records: { seq: number }[] }) => p.records.map((r) => r.seq);
    expect(seqs(store.readLedger('r1', { limit: 3 }))).toEqual([0, 1, 2]);
    expect(seqs(store.readLedger('r1', { afterSeq: 10, limit: 3 }))).toEqual([11, 12, 13]);
    expect(seqs(store.readLedger('r1', { beforeSeq: 10, limit: 3 }))).toEqual([7, 8, 9]);
    expect(seqs(store.readLedger('r1', { fromEnd: true, limit: 3 }))).toEqual([47, 48, 49]);
    expect(store.readLedger('r1', { limit: 1 }).total).toBe(50);
    const plan = store.db
      .prepare("EXPLAIN QUERY PLAN SELECT body FROM ledger WHERE run_id = 'r1' AND seq > 10 ORDER BY seq LIMIT 3")
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(
      /SEARCH ledger USING (PRIMARY KEY|INDEX sqlite_autoindex_ledger_1) \(run_id=\? AND seq>\?\)/,
    );
  });

  it('refuses a writer whose head is stale, and a second creation of the same run', () => {
    const state = writeRun(store, 'r1', 2);
    const r = makeRecord('r1', { seq: 0, hash: 'x'.repeat(64) });
    expect(() => store.commit({ state, records: [r], expectedHeadSeq: 0 })).toThrow(ConcurrentUpdateError);
    const first = makeRecord('r1', null);
    expect(() =>
      store.commit({ state: makeState('r1', { seq: 0, hash: first.record_hash }), records: [first], expectedHeadSeq: null, isNew: true }),
    ).toThrow(ConcurrentUpdateError);
    expect(store.readLedger('r1', { limit: 10 }).total).toBe(2);
  });

  it('refuses a record whose hash does not match its content, writing nothing', () => {
    const r0 = { ...makeRecord('r1', null), node_id: 'changed-after-sealing' };
    expect(() =>
      store.commit({ state: makeState('r1', { seq: 0, hash: r0.record_hash }), records: [r0], expectedHeadSeq: null, isNew: true }),
    ).toThrow(StoreError);
    expect(store.getRun('r1')).toBeNull();
  });

  it('refuses a state that is not plain JSON, naming the path', () => {
    const r0 = makeRecord('r1', null);
    const state = makeState('r1', { seq: 0, hash: r0.record_hash }, { vars: { when: new Date() as never } });
    expect(() => store.commit({ state, records: [r0], expectedHeadSeq: null, isNew: true })).toThrow(/state\.vars\.when/);
    expect(() => store.commit({ state, records: [r0], expectedHeadSeq: null, isNew: true })).toThrow(NonJsonValueError);
  });

  it('finds a completed effect by idempotency key through its index', () => {
    let head = null;
    const started = makeRecord('r1', head, { status: 'started', kind: 'effect', idempotency_key: 'k1' });
    head = { seq: 0, hash: started.record_hash };
    const done = makeRecord('r1', head, { status: 'completed', kind: 'effect', idempotency_key: 'k1' });
    store.commit({
      state: makeState('r1', { seq: 1, hash: done.record_hash }),
      records: [started, done],
      expectedHeadSeq: null,
      isNew: true,
    });
    expect(store.findCompletedEffect('r1', 'k1')).toEqual(done);
    expect(store.findCompletedEffect('r1', 'k2')).toBeNull();
    const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${COMPLETED_BY_KEY_SQL}`).all('r1', 'k1') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/ledger_completed_by_key/);
  });

  it('lists runs by status, workflow, text and parent, newest first, with totals', () => {
    writeRun(store, 'a-1', 1, { state: { status: 'waiting', workflow_id: 'wf.one', updated_at: iso(100) } });
    writeRun(store, 'b-2', 1, { state: { status: 'completed', workflow_id: 'wf.two', updated_at: iso(200) } });
    writeRun(store, 'c-3', 1, { state: { status: 'running', workflow_id: 'wf.one', updated_at: iso(300), parent_run_id: 'a-1' } });
    expect(store.listRuns().runs.map((r) => r.run_id)).toEqual(['c-3', 'b-2', 'a-1']);
    expect(store.listRuns({ status: ['waiting', 'running'] }).runs.map((r) => r.run_id)).toEqual(['c-3', 'a-1']);
    expect(store.listRuns({ workflowId: 'wf.two' }).runs.map((r) => r.run_id)).toEqual(['b-2']);
    expect(store.listRuns({ search: 'C-3' }).runs.map((r) => r.run_id)).toEqual(['c-3']);
    expect(store.listRuns({ parentRunId: 'a-1' }).runs.map((r) => r.run_id)).toEqual(['c-3']);
    const page = store.listRuns({ limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 3, runs: [{ run_id: 'b-2' }] });
  });

  it('lists due timers, event waiters and runnable runs, skipping paused ones', () => {
    const wait = (reason: 'until' | 'event', extra: object) => ({
      status: 'waiting' as const,
      waiting: {
        reason,
        wait_key: 'k',
        result_key: null,
        resume_to_node: null,
        until: null,
        prompt: null,
        choices: null,
        allow_free_text: true,
        event_name: null,
        tool_calls: null,
        child_run_id: null,
        details: null,
        ...extra,
      },
    });
    writeRun(store, 't-due', 1, { state: wait('until', { until: iso(1000) }) });
    writeRun(store, 't-later', 1, { state: wait('until', { until: iso(5000) }) });
    writeRun(store, 't-paused', 1, { state: { ...wait('until', { until: iso(1000) }), paused: true } });
    writeRun(store, 'e-1', 1, { state: wait('event', { event_name: 'deploy' }) });
    writeRun(store, 'run-1', 1);
    expect(store.listDueTimers(new Date(iso(2000))).map((s) => s.run_id)).toEqual(['t-due']);
    expect(store.listWaitingForEvent('deploy').map((s) => s.run_id)).toEqual(['e-1']);
    expect(store.listRunnable().map((s) => s.run_id)).toEqual(['run-1']);
  });
});

describe('SqliteStore: leases', () => {
  it('lets one owner advance a run; another connection gets RunLeasedError until the lease expires', () => {
    const other = SqliteStore.open(file);
    try {
      const now = new Date(iso(0));
      store.acquireLease('r1', 'host-A', 30_000, now);
      store.acquireLease('r1', 'host-A', 30_000, now); // renewing is fine
      expect(() => other.acquireLease('r1', 'host-B', 30_000, new Date(iso(10_000)))).toThrow(RunLeasedError);
      try {
        other.acquireLease('r1', 'host-B', 30_000, new Date(iso(10_000)));
      } catch (err) {
        expect((err as RunLeasedError).message).toMatch(/host-A/);
        expect((err as RunLeasedError).retryable).toBe(true);
      }
      other.acquireLease('r1', 'host-B', 30_000, new Date(iso(30_001))); // expired: taken over
      expect(() => store.acquireLease('r1', 'host-A', 30_000, new Date(iso(31_000)))).toThrow(RunLeasedError);
      other.releaseLease('r1', 'host-B');
      store.acquireLease('r1', 'host-A', 30_000, new Date(iso(31_000)));
    } finally {
      other.close();
    }
  });

  it('ignores a release by someone who does not hold the lease', () => {
    const now = new Date(iso(0));
    store.acquireLease('r1', 'host-A', 30_000, now);
    store.releaseLease('r1', 'host-B');
    expect(() => store.acquireLease('r1', 'host-B', 30_000, now)).toThrow(RunLeasedError);
  });
});

describe('SqliteStore: artifacts', () => {
  it('stores content once, addressed by SHA-256, and verifies it on read', () => {
    const bytes = new TextEncoder().encode('x'.repeat(70_000));
    const ref = store.putArtifact(bytes, 'text/plain');
    expect(ref.$artifact).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(store.putArtifact(bytes, 'text/plain')).toEqual(ref);
    expect((store.db.prepare('SELECT count(*) AS n FROM artifacts').get() as { n: number }).n).toBe(1);
    expect(store.hasArtifact(ref.$artifact)).toBe(true);
    const back = store.getArtifact(ref.$artifact);
    expect(Buffer.from(back.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(back.mime).toBe('text/plain');
  });

  it('detects a flipped byte and a missing artifact', () => {
    const ref = store.putArtifact(new TextEncoder().encode('hello artifact'), 'text/plain').$artifact;
    const raw = new Database(file);
    const row = raw.prepare('SELECT bytes FROM artifacts WHERE ref = ?').get(ref) as { bytes: Buffer };
    row.bytes[0] = row.bytes[0]! ^ 0x01;
    raw.prepare('UPDATE artifacts SET bytes = ? WHERE ref = ?').run(row.bytes, ref);
    raw.close();
    expect(() => store.getArtifact(ref)).toThrow(ArtifactCorruptError);
    expect(() => store.getArtifact(`sha256:${'0'.repeat(64)}`)).toThrow(ArtifactNotFoundError);
  });
});

describe('SqliteStore: snapshots', () => {
  const snap = (id: string, over: Partial<Snapshot>): Snapshot => ({
    snapshot_id: id,
    run_id: 'r1',
    name: 'before deploy',
    description: null,
    tags: [],
    created_at: iso(0),
    ledger_seq: 0,
    state_hash: 'h',
    state: makeState('r1', null),
    ...over,
  });

  it('saves, reads and searches snapshots by run, text, tag and time', () => {
    store.saveSnapshot(snap('s1', { name: 'Before Deploy', created_at: iso(10) }));
    store.saveSnapshot(snap('s2', { name: 'other', tags: ['Golden'], created_at: iso(20), run_id: 'r2' }));
    store.saveSnapshot(snap('s3', { name: 'third', description: 'after the deploy', created_at: iso(30) }));
    expect(store.getSnapshot('s1')?.state).toEqual(makeState('r1', null));
    expect(store.searchSnapshots({ text: 'deploy' }).map((s) => s.snapshot_id)).toEqual(['s3', 's1']);
    expect(store.searchSnapshots({ text: 'golden' }).map((s) => s.snapshot_id)).toEqual(['s2']);
    expect(store.searchSnapshots({ runId: 'r1' }).map((s) => s.snapshot_id)).toEqual(['s3', 's1']);
    expect(store.searchSnapshots({ from: iso(15), to: iso(25) }).map((s) => s.snapshot_id)).toEqual(['s2']);
    expect(store.searchSnapshots({ limit: 1 })).toHaveLength(1);
    expect(store.searchSnapshots({})[0]).not.toHaveProperty('state');
    expect(() => store.saveSnapshot(snap('s1', {}))).toThrow(StoreError);
  });
});

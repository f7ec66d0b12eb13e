/**
 * Behaviours every RuntimeStore + SnapshotStore + ArtifactStore must have, whatever it is
 * built on. Called by tests/store/memory.test.ts and by the SQLite store's tests.
 */
import { describe, expect, it } from 'vitest';
import { ArtifactCorruptError, ArtifactNotFoundError, ConcurrentUpdateError, RunLeasedError } from '../../src-shared/errors';
import type { LedgerRecord, RunState, Snapshot } from '../../src-shared/types';
import type { ArtifactStore, RuntimeStore, SnapshotStore } from '../../src-main/runtime/contracts';
import { sealRecord, type RecordBody } from '../../src-main/runtime/recordHash';
import { newRunState } from '../../src-main/runtime/newRunState';

export type ConformanceStore = RuntimeStore & SnapshotStore & ArtifactStore;

export interface ConformanceOptions {
  /** Damages a stored artifact's bytes where the store keeps them (every store must detect it). */
  corruptArtifact: (store: ConformanceStore, ref: string) => void | Promise<void>;
  /** Called after each test (close files, delete temp dirs). */
  dispose?: (store: ConformanceStore) => void | Promise<void>;
}

const T0 = '2026-01-01T00:00:00.000Z';

export function makeState(runId: string, patch: Partial<RunState> = {}): RunState {
  const base = newRunState({ runId, workflowId: 'wf', workflowVersion: '1', entry: 'start', vars: { n: 1 }, now: T0, actorId: 'rt' });
  return { ...base, ...patch };
}

function body(runId: string, patch: Partial<RecordBody> = {}): RecordBody {
  return {
    run_id: runId,
    step_id: 's',
    node_id: 'start',
    status: 'completed',
    kind: 'transition',
    effect: null,
    result: null,
    error: null,
    started_at: T0,
    ended_at: T0,
    actor_id: 'rt',
    actor: null,
    attempt: 1,
    idempotency_key: null,
    ...patch,
  };
}

/** Builds the records and state of a commit continuing from `state`. */
export function chain(state: RunState | null, runId: string, bodies: Partial<RecordBody>[], patch: Partial<RunState> = {}) {
  let head = state?.ledger_head ?? null;
  const records: LedgerRecord[] = bodies.map((b) => {
    const r = sealRecord(body(runId, b), head);
    head = { seq: r.seq, hash: r.record_hash };
    return r;
  });
  const next = { ...(state ?? makeState(runId)), ...patch, ledger_head: head };
  return { records, state: next, expectedHeadSeq: state?.ledger_head?.seq ?? null };
}

export function runStoreConformance(
  name: string,
  makeStore: () => Promise<ConformanceStore> | ConformanceStore,
  opts: ConformanceOptions,
): void {
  describe(`store conformance: ${name}`, () => {
    async function withStore(fn: (s: ConformanceStore) => Promise<void> | void) {
      const store = await makeStore();
      try {
        await fn(store);
      } finally {
        await opts.dispose?.(store);
      }
    }

    function create(store: ConformanceStore, runId: string, patch: Partial<RunState> = {}, n = 1): RunState {
      const c = chain(
        null,
        runId,
        Array.from({ length: n }, (_, i) => ({ step_id: `s${i}` })),
        patch,
      );
      store.commit({ ...c, isNew: true });
      return c.state;
    }

    describe('commit', () => {
      it('stores state and records together; reads return copies', () =>
        withStore((store) => {
          const s = create(store, 'r1', {}, 3);
          expect(store.getRun('r1')).toEqual(s);
          const got = store.getRun('r1')!;
          (got.vars as Record<string, unknown>).n = 99;
          expect(store.getRun('r1')!.vars.n).toBe(1);
          expect([...store.iterateLedger('r1')].map((r) => r.seq)).toEqual([0, 1, 2]);
          expect(store.getRun('missing')).toBeNull();
        }));

      it('keeps records exactly (hash-relevant fields round-trip)', () =>
        withStore((store) => {
          const c = chain(null, 'r1', [
            {
              result: { x: 1.5, s: 'café ☕', list: [null, true], big: 12345678901 },
              effect: { type: 't', payload: { a: 1 }, result_key: 'k' },
            },
          ]);
          store.commit({ ...c, isNew: true });
          expect([...store.iterateLedger('r1')]).toEqual(c.records);
        }));

      it('refuses a commit from a writer whose head is stale (ConcurrentUpdateError) and writes nothing', () =>
        withStore((store) => {
          const s0 = create(store, 'r1');
          const a = chain(s0, 'r1', [{ step_id: 'a' }], { current_node: 'a' });
          const b = chain(s0, 'r1', [{ step_id: 'b' }], { current_node: 'b' });
          store.commit(a);
          expect(() => store.commit(b)).toThrow(ConcurrentUpdateError);
          expect(store.getRun('r1')!.current_node).toBe('a');
          expect([...store.iterateLedger('r1')].map((r) => r.step_id)).toEqual(['s0', 'a']);
        }));

      it('refuses creating a run that exists, and leaves the first one as it was', () =>
        withStore((store) => {
          const first = create(store, 'r1', {}, 2);
          const records = [...store.iterateLedger('r1')];
          expect(() => create(store, 'r1')).toThrow(ConcurrentUpdateError);
          expect(() => create(store, 'r1', { current_node: 'elsewhere' }, 3)).toThrow(ConcurrentUpdateError);
          expect(store.getRun('r1')).toEqual(first);
          expect([...store.iterateLedger('r1')]).toEqual(records);
        }));

      it('a refused commit leaves nothing: records that break the chain are not half-written', () =>
        withStore((store) => {
          const s0 = create(store, 'r1');
          const good = chain(s0, 'r1', [{ step_id: 'x' }, { step_id: 'y' }], { current_node: 'y' });
          const broken = { ...good, records: [good.records[0]!, { ...good.records[1]!, prev_hash: 'f'.repeat(64) }] };
          expect(() => store.commit(broken)).toThrow();
          expect(store.getRun('r1')).toEqual(s0);
          expect(store.readLedger('r1', { limit: 10 }).total).toBe(1);
        }));

      it('refuses a state that is not plain JSON, naming the path, and writes nothing', () =>
        withStore((store) => {
          const s0 = create(store, 'r1');
          const c = chain(s0, 'r1', [{}], { vars: { when: new Date() } as never });
          expect(() => store.commit(c)).toThrow(/vars\.when/);
          expect(store.getRun('r1')).toEqual(s0);
        }));
    });

    describe('ledger paging', () => {
      it('reads forward after a seq, backward before a seq, and from the end, with the total', () =>
        withStore((store) => {
          create(store, 'r1', {}, 10);
          const page = (q: Parameters<RuntimeStore['readLedger']>[1]) => {
            const p = store.readLedger('r1', q);
            return { seqs: p.records.map((r) => r.seq), total: p.total };
          };
          expect(page({ limit: 3 })).toEqual({ seqs: [0, 1, 2], total: 10 });
          expect(page({ afterSeq: 2, limit: 3 })).toEqual({ seqs: [3, 4, 5], total: 10 });
          expect(page({ afterSeq: -1, limit: 2 })).toEqual({ seqs: [0, 1], total: 10 });
          expect(page({ beforeSeq: 5, limit: 3 })).toEqual({ seqs: [2, 3, 4], total: 10 });
          expect(page({ beforeSeq: 2, limit: 5 })).toEqual({ seqs: [0, 1], total: 10 });
          expect(page({ fromEnd: true, limit: 4 })).toEqual({ seqs: [6, 7, 8, 9], total: 10 });
          expect(page({ afterSeq: 9, limit: 4 })).toEqual({ seqs: [], total: 10 });
          expect(store.readLedger('none', { limit: 5 })).toEqual({ records: [], total: 0 });
        }));
    });

    describe('listing runs', () => {
      it('finds a name with letters beyond A–Z as it is spelled, folding the case of A–Z only (as SQLite lower() does)', () =>
        withStore((store) => {
          create(store, 'c1', { status: 'running', workflow_id: 'gamma', current_node: 'Étape_Über' });
          create(store, 'c2', { status: 'running', workflow_id: 'gamma', current_node: 'plain' });
          for (const search of ['Étape_Über', 'ÉTAPE_ÜBER', 'Étape', 'Über', 'ÜBER'])
            expect({ search, runs: store.listRuns({ search }).runs.map((r) => r.run_id) }).toEqual({ search, runs: ['c1'] });
          expect({ search: 'étape', runs: store.listRuns({ search: 'étape' }).runs }).toEqual({ search: 'étape', runs: [] });
          expect(store.listRuns({ search: 'ÉTAPE' }).total).toBe(1);
        }));

      it('filters by status, workflow, text and parent, pages, and reports the total before paging', () =>
        withStore((store) => {
          create(store, 'a1', { status: 'running', workflow_id: 'alpha', updated_at: '2026-01-01T00:00:01.000Z' });
          create(store, 'a2', { status: 'waiting', workflow_id: 'alpha', current_node: 'approve', updated_at: '2026-01-01T00:00:02.000Z' });
          create(store, 'b1', { status: 'completed', workflow_id: 'beta', parent_run_id: 'a1', updated_at: '2026-01-01T00:00:03.000Z' });
          expect(store.listRuns().total).toBe(3);
          expect(store.listRuns({ status: 'waiting' }).runs.map((r) => r.run_id)).toEqual(['a2']);
          expect(store.listRuns({ status: ['running', 'completed'] }).total).toBe(2);
          expect(store.listRuns({ workflowId: 'alpha' }).total).toBe(2);
          expect(store.listRuns({ search: 'APPROVE' }).runs.map((r) => r.run_id)).toEqual(['a2']);
          expect(store.listRuns({ parentRunId: 'a1' }).runs.map((r) => r.run_id)).toEqual(['b1']);

          const page = store.listRuns({ limit: 1, offset: 1 });
          expect(page.total).toBe(3);
          expect(page.runs).toHaveLength(1);
          // Keyset pages: each cursor continues exactly after the last row, the last page has none.
          const p1 = store.listRuns({ limit: 2 });
          expect(p1.runs.map((r) => r.run_id)).toEqual(['b1', 'a2']);
          const p2 = store.listRuns({ limit: 2, cursor: p1.nextCursor! });
          expect(p2).toMatchObject({ total: 3, nextCursor: null });
          expect(p2.runs.map((r) => r.run_id)).toEqual(['a1']);
          expect(
            store
              .listRuns({ workflowId: 'alpha', limit: 1, cursor: store.listRuns({ workflowId: 'alpha', limit: 1 }).nextCursor! })
              .runs.map((r) => r.run_id),
          ).toEqual(['a1']);
          expect(() => store.listRuns({ cursor: 'not-a-cursor' })).toThrow(/cursor/);
          const summary = store.listRuns({ status: 'waiting' }).runs[0]!;
          expect(summary).toMatchObject({ run_id: 'a2', workflow_id: 'alpha', status: 'waiting', ledger_seq: 0, paused: false });
          expect(summary).not.toHaveProperty('vars');
        }));

      it('lists due timers (not paused), runs waiting for an event, and runnable runs', () =>
        withStore((store) => {
          const wait = (reason: 'until' | 'event', extra: object) => ({
            reason,
            wait_key: `k-${reason}`,
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
          });
          create(store, 'due', { status: 'waiting', waiting: wait('until', { until: '2026-01-01T00:00:05.000Z' }) });
          create(store, 'later', { status: 'waiting', waiting: wait('until', { until: '2026-01-02T00:00:00.000Z' }) });
          create(store, 'paused', { status: 'waiting', paused: true, waiting: wait('until', { until: '2026-01-01T00:00:01.000Z' }) });
          create(store, 'ev', { status: 'waiting', waiting: wait('event', { event_name: 'deploy' }) });
          create(store, 'run', { status: 'running' });
          expect(store.listDueTimers(new Date('2026-01-01T00:00:10Z')).map((s) => s.run_id)).toEqual(['due']);
          expect(store.listWaitingForEvent('deploy').map((s) => s.run_id)).toEqual(['ev']);
          expect(store.listWaitingForEvent('other')).toEqual([]);
          expect(store.listRunnable().map((s) => s.run_id)).toEqual(['run']);
          // Bounded slices: each continues after the last run of the one before.
          create(store, 'due2', { status: 'waiting', waiting: wait('until', { until: '2026-01-01T00:00:05.000Z' }) });
          create(store, 'ev2', { status: 'waiting', waiting: wait('event', { event_name: 'deploy' }) });
          const now = new Date('2026-01-01T00:00:10Z');
          const firstDue = store.listDueTimers(now, { limit: 1 });
          expect(firstDue.map((s) => s.run_id)).toEqual(['due']);
          expect(store.listDueTimers(now, { limit: 1, after: firstDue[0]! }).map((s) => s.run_id)).toEqual(['due2']);
          const firstEv = store.listWaitingForEvent('deploy', { limit: 1 });
          expect(firstEv.map((s) => s.run_id)).toEqual(['ev']);
          expect(store.listWaitingForEvent('deploy', { limit: 5, after: firstEv[0]! }).map((s) => s.run_id)).toEqual(['ev2']);
        }));
    });

    describe('idempotency index', () => {
      it('finds the completed record with a key (any kind), per run; started/failed records do not count', () =>
        withStore((store) => {
          const s0 = create(store, 'r1');
          const eff = { type: 't', payload: {}, result_key: 'k' };
          store.commit(
            chain(s0, 'r1', [
              { kind: 'effect', status: 'started', effect: eff, idempotency_key: 'key1', step_id: 'e1' },
              { kind: 'effect', status: 'failed', effect: eff, idempotency_key: 'key2', step_id: 'e2' },
              { kind: 'effect', status: 'completed', effect: eff, idempotency_key: 'key1', step_id: 'e1', result: { v: 1 } },
              { kind: 'resumed', status: 'completed', idempotency_key: 'user:r1:ask:1', result: { text: 'hi' } },
            ]),
          );
          expect(store.findCompletedEffect('r1', 'key1')).toMatchObject({ step_id: 'e1', status: 'completed', result: { v: 1 } });
          expect(store.findCompletedEffect('r1', 'key2')).toBeNull();
          expect(store.findCompletedEffect('r1', 'user:r1:ask:1')).toMatchObject({ kind: 'resumed' });
          expect(store.findCompletedEffect('r2', 'key1')).toBeNull();
        }));

      it("asked at the asker's head, the answers are those without it, before and after the run is read", () =>
        withStore((store) => {
          const s0 = create(store, 'r1');
          expect(store.findCompletedEffect('r1', 'key1', 0)).toBeNull();
          const c = chain(s0, 'r1', [{ kind: 'effect', status: 'completed', idempotency_key: 'key1', step_id: 'e1', result: { v: 1 } }]);
          store.commit(c);
          expect(store.findCompletedEffect('r1', 'key1', 1)).toMatchObject({ step_id: 'e1', result: { v: 1 } });
          expect(store.findCompletedEffect('r1', 'key2', 1)).toBeNull();
          store.getRun('r1');
          expect(store.findCompletedEffect('r1', 'key1', 1)).toMatchObject({ step_id: 'e1' });
          expect(store.findCompletedEffect('r1', 'key2', 1)).toBeNull();
          expect(store.findCompletedEffect('r2', 'key1', null)).toBeNull();
        }));
    });

    describe('leases', () => {
      const now = new Date('2026-01-01T00:00:00Z');
      it('one owner at a time; the owner may renew; release frees it; expiry allows takeover', () =>
        withStore((store) => {
          create(store, 'r1');
          store.acquireLease('r1', 'a', 1000, now);
          store.acquireLease('r1', 'a', 1000, new Date(now.getTime() + 500));
          expect(() => store.acquireLease('r1', 'b', 1000, new Date(now.getTime() + 1200))).toThrow(RunLeasedError);
          store.releaseLease('r1', 'b'); // not the owner: no effect
          expect(() => store.acquireLease('r1', 'b', 1000, new Date(now.getTime() + 1200))).toThrow(RunLeasedError);
          expect(() => store.acquireLease('r1', 'b', 1000, new Date(now.getTime() + 1501))).not.toThrow();
          store.releaseLease('r1', 'b');
          expect(() => store.acquireLease('r1', 'c', 1000, now)).not.toThrow();
        }));

      const at = (ms: number) => new Date(now.getTime() + ms);
      it('a commit with a lease claims it; another live owner is refused with RunLeasedError and nothing is written', () =>
        withStore((store) => {
          const s0 = create(store, 'r1');
          const c1 = chain(s0, 'r1', [{ step_id: 'a' }]);
          store.commit({ ...c1, lease: { owner: 'a', ttlMs: 1000, now } });
          expect(() => store.acquireLease('r1', 'b', 1000, at(500))).toThrow(RunLeasedError);
          const c2 = chain(c1.state, 'r1', [{ step_id: 'b' }]);
          expect(() => store.commit({ ...c2, lease: { owner: 'b', ttlMs: 1000, now: at(500) } })).toThrow(RunLeasedError);
          expect(store.getRun('r1')).toEqual(c1.state);
          expect(store.readLedger('r1', { limit: 10 }).total).toBe(2);
          // The holder's next commit extends its lease (it would have expired at +1000).
          store.commit({ ...c2, lease: { owner: 'a', ttlMs: 1000, now: at(900) } });
          expect(() => store.acquireLease('r1', 'b', 1000, at(1500))).toThrow(RunLeasedError);
          expect(store.getRun('r1')!.ledger_head!.seq).toBe(2);
        }));

      it('a commit takes over an expired lease of another owner', () =>
        withStore((store) => {
          const s0 = create(store, 'r1');
          store.acquireLease('r1', 'a', 1000, now);
          const c1 = chain(s0, 'r1', [{ step_id: 'b' }]);
          store.commit({ ...c1, lease: { owner: 'b', ttlMs: 1000, now: at(1001) } });
          expect(() => store.acquireLease('r1', 'a', 1000, at(1500))).toThrow(RunLeasedError);
        }));

      it('releaseLease on a commit frees the run for others once written; a refused commit releases nothing', () =>
        withStore((store) => {
          const s0 = create(store, 'r1');
          const c1 = chain(s0, 'r1', [{ step_id: 'a' }]);
          store.commit({ ...c1, lease: { owner: 'a', ttlMs: 1000, now } });
          const stale = chain(s0, 'r1', [{ step_id: 'x' }]);
          expect(() => store.commit({ ...stale, lease: { owner: 'a', ttlMs: 1000, now }, releaseLease: true })).toThrow(
            ConcurrentUpdateError,
          );
          expect(() => store.acquireLease('r1', 'b', 1000, at(10))).toThrow(RunLeasedError);
          const c2 = chain(c1.state, 'r1', [{ step_id: 'b' }]);
          store.commit({ ...c2, lease: { owner: 'a', ttlMs: 1000, now: at(20) }, releaseLease: true });
          expect(() => store.acquireLease('r1', 'b', 1000, at(30))).not.toThrow();
        }));

      it('a commit without a lease neither checks nor touches leases', () =>
        withStore((store) => {
          const s0 = create(store, 'r1');
          store.acquireLease('r1', 'a', 1000, now);
          store.commit(chain(s0, 'r1', [{ step_id: 'a' }]));
          expect(() => store.acquireLease('r1', 'b', 1000, at(10))).toThrow(RunLeasedError);
        }));
    });

    describe('snapshots', () => {
      const snap = (id: string, runId: string, created: string, extra: Partial<Snapshot> = {}): Snapshot => ({
        snapshot_id: id,
        run_id: runId,
        name: `snap ${id}`,
        description: null,
        tags: [],
        created_at: created,
        ledger_seq: 0,
        state_hash: 'h',
        state: makeState(runId),
        ...extra,
      });
      it('finds a snapshot whose name or tag has letters beyond A–Z as it is spelled, folding A–Z only', () =>
        withStore((store) => {
          store.saveSnapshot(snap('u1', 'r1', '2026-01-01T00:00:01.000Z', { name: 'Avant la Révision', tags: ['Étape'] }));
          store.saveSnapshot(snap('u2', 'r1', '2026-01-01T00:00:02.000Z', { name: 'plain' }));
          const ids = (text: string) => store.searchSnapshots({ text }).map((s) => s.snapshot_id);
          for (const text of ['Révision', 'RéVISION', 'Étape', 'ÉTAPE']) expect({ text, ids: ids(text) }).toEqual({ text, ids: ['u1'] });
          expect(ids('étape')).toEqual([]);
        }));
      it('saves, gets, and searches by text (name, description, tags), run and time range', () =>
        withStore((store) => {
          store.saveSnapshot(snap('s1', 'r1', '2026-01-01T00:00:01.000Z', { name: 'Before deploy', tags: ['prod'] }));
          store.saveSnapshot(snap('s2', 'r1', '2026-01-02T00:00:00.000Z', { description: 'after the LLM answered' }));
          store.saveSnapshot(snap('s3', 'r2', '2026-01-03T00:00:00.000Z', { tags: ['Review'] }));
          expect(store.getSnapshot('s1')).toMatchObject({ name: 'Before deploy', state: { run_id: 'r1' } });
          expect(store.getSnapshot('nope')).toBeNull();
          const ids = (q: Parameters<SnapshotStore['searchSnapshots']>[0]) =>
            store
              .searchSnapshots(q)
              .map((s) => s.snapshot_id)
              .sort();
          expect(ids({ text: 'deploy' })).toEqual(['s1']);
          expect(ids({ text: 'llm' })).toEqual(['s2']);
          expect(ids({ text: 'review' })).toEqual(['s3']);
          expect(ids({ runId: 'r1' })).toEqual(['s1', 's2']);
          expect(ids({ from: '2026-01-02T00:00:00.000Z' })).toEqual(['s2', 's3']);
          expect(ids({ to: '2026-01-01T12:00:00.000Z' })).toEqual(['s1']);
          expect(store.searchSnapshots({ limit: 1 })).toHaveLength(1);
          // Keyset pages: each continues after the last snapshot of the one before.
          const [first] = store.searchSnapshots({ limit: 1 });
          const rest = store.searchSnapshots({ after: { created_at: first!.created_at, snapshot_id: first!.snapshot_id } });
          expect([first!.snapshot_id, ...rest.map((x) => x.snapshot_id)]).toEqual(['s3', 's2', 's1']);
          expect(
            store
              .searchSnapshots({ runId: 'r1', limit: 1, after: { created_at: first!.created_at, snapshot_id: first!.snapshot_id } })
              .map((x) => x.snapshot_id),
          ).toEqual(['s2']);
          expect(store.searchSnapshots({ runId: 'r1' })[0]).not.toHaveProperty('state');
        }));
    });

    describe('artifacts', () => {
      it('round-trips bytes content-addressed; unknown refs are ArtifactNotFoundError', () =>
        withStore((store) => {
          const bytes = new TextEncoder().encode('{"big":"value"}');
          const ref = store.putArtifact(bytes, 'application/json');
          expect(ref).toEqual({
            $artifact: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
            size: bytes.byteLength,
            mime: 'application/json',
          });
          expect(store.putArtifact(bytes, 'application/json')).toEqual(ref);
          expect(store.hasArtifact(ref.$artifact)).toBe(true);
          const got = store.getArtifact(ref.$artifact);
          expect(new TextDecoder().decode(got.bytes)).toBe('{"big":"value"}');
          expect(got.mime).toBe('application/json');
          expect(() => store.getArtifact(`sha256:${'0'.repeat(64)}`)).toThrow(ArtifactNotFoundError);
        }));

      it('detects a corrupted artifact on read (ArtifactCorruptError)', () =>
        withStore(async (store) => {
          const ref = store.putArtifact(new TextEncoder().encode('precious'), 'text/plain');
          await opts.corruptArtifact(store, ref.$artifact);
          expect(() => store.getArtifact(ref.$artifact)).toThrow(ArtifactCorruptError);
        }));
    });
  });
}

/**
 * Ledger filters within a run and the search across runs on a PostgreSQL database, both
 * answered by the server (host/ledgerFind.ts): the same answers as SQLite's queries and the
 * in-memory scan, for our records and for runs imported from Python, in one server call
 * (the generic path read every record through the client, one call per page or per run).
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { findInLedger, searchLedgers } from '../../src-main/host/ledgerFind';
import type { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { importPythonFolder } from '../../src-main/ledger/index';
import type { RuntimeStore } from '../../src-main/runtime/contracts';
import { PostgresStore } from '../../src-main/store/postgres/PostgresStore';
import { SEARCH_NEWEST_RUNS } from '../../src-main/store/postgres/pgStatements';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import type { LedgerFilter } from '../../src-shared/ledgerFilter';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
import { chain } from '../store/conformance';
import { countCalls } from '../store/pgStoreCalls';
import { memoryHost, tempDir } from './hostFixture';

const PYTHON = resolve(__dirname, '../fixtures/abstractruntime-py-0.4.28');

/** Every filter the inspector can set, with values taken from the run's own records. */
function filtersFor(store: RuntimeStore, runId: string): LedgerFilter[] {
  const records = [...store.iterateLedger(runId)];
  const values = (pick: (r: (typeof records)[number]) => unknown) =>
    [...new Set(records.map(pick).filter((v) => typeof v === 'string'))] as string[];
  return [
    {},
    ...values((r) => r.kind).map((kind) => ({ kind })),
    { kind: 'restored' },
    { kind: 'no-such-kind' },
    ...values((r) => r.node_id).map((nodeId) => ({ nodeId })),
    ...values((r) => r.status).map((status) => ({ status })),
    { show: 'effects' },
    { show: 'waits' },
    { show: 'errors' },
    { text: 'NOTE' },
    { text: '"' },
    { text: 'zebra crossing' },
    { text: '\\' },
    { text: '%' },
    ...values((r) => r.node_id).map((nodeId) => ({ nodeId, show: 'waits' as const })),
    ...values((r) => r.kind).map((kind) => ({ kind, text: 'e' })),
  ];
}

const reason = pgUnavailableReason();
if (reason) console.warn(`[postgres tests skipped] ${reason}`);

describe.skipIf(reason)('ledger filters and search on PostgreSQL', () => {
  let server: PgServer;
  const stores: { close(): void }[] = [];
  const t = tempDir();
  beforeAll(async () => {
    server = await startPgServer();
  }, 120_000);
  afterAll(() => {
    stores.forEach((s) => s.close());
    t.cleanup();
    server?.stop();
  });

  it("the filters within a run give SQLite's seqs, for our runs and for runs imported from Python", async () => {
    const sqlite = SqliteStore.open(join(t.dir, 'filters.db'));
    const pg = PostgresStore.open(server.createDatabase('filters'));
    stores.push(sqlite, pg);
    const runsOf: string[][] = [];
    for (const store of [sqlite, pg]) {
      const { host } = await memoryHost({ store: store as never });
      const ids = [(await host.startRun('examples.counter', { n: 3 })).run_id];
      ids.push((await host.startRun('examples.event', { eventName: 'approved' })).run_id);
      await host.emitEvent('approved', { note: 'Zebra crossing "quoted" \\ 100%' });
      ids.push((await host.startRun('examples.approval', {})).run_id);
      ids.push((await host.startRun('examples.sideeffect', {})).run_id);
      for (const folder of ['ask', 'event_waiting', 'stress', 'unchained'])
        ids.push(...importPythonFolder(store, join(PYTHON, folder)).runs.map((r) => r.runId));
      runsOf.push(ids);
    }
    const [sqliteRuns, pgRuns] = runsOf as [string[], string[]];
    expect(pgRuns).toHaveLength(sqliteRuns.length);
    let nonEmpty = 0;
    for (let i = 0; i < sqliteRuns.length; i++) {
      for (const f of filtersFor(sqlite, sqliteRuns[i]!)) {
        const want = findInLedger(sqlite, sqliteRuns[i]!, f, 1000);
        expect({ run: i, f, seqs: findInLedger(pg, pgRuns[i]!, f, 1000) }).toEqual({ run: i, f, seqs: want });
        expect(findInLedger(pg, pgRuns[i]!, f, 2)).toEqual(want.slice(0, 2));
        if (want.length && Object.keys(f).length) nonEmpty++;
      }
    }
    expect(nonEmpty).toBeGreaterThan(50);
  });

  it('a filter over a long run asks the server once', async () => {
    const { host, store } = await pgHost('filter_calls');
    const run = await host.startRun('examples.counter', { n: 1200 });
    const calls = countCalls();
    const seqs = findInLedger(store, run.run_id, { nodeId: 'count' }, 5000);
    expect(calls()).toBe(1);
    expect(seqs.length).toBeGreaterThan(1000);
    expect(seqs).toEqual([...store.iterateLedger(run.run_id)].filter((r) => r.node_id === 'count').map((r) => r.seq));
  });

  async function pgHost(name: string) {
    const store = PostgresStore.open(server.createDatabase(name));
    stores.push(store);
    return memoryHost({ store: store as never });
  }

  /** The same runs on any host: two that mention the quokka, one in words of two cases. */
  async function story(host: RuntimeHost, advance: (ms: number) => void) {
    await host.startRun('examples.counter', { n: 2 });
    advance(1000);
    const first = await host.startRun('examples.event', { eventName: 'go' });
    await host.emitEvent('go', { note: 'the QUOKKA smiled' });
    advance(1000);
    const second = await host.startRun('examples.event', { eventName: 'go2' });
    await host.emitEvent('go2', { note: 'another quokka, Zebra too' });
    return { first: first.run_id, second: second.run_id };
  }

  it('finds what the in-memory scan finds, every word required, ASCII case folded, newest run first', async () => {
    const pg = await pgHost('search');
    const mem = await memoryHost();
    const pgRuns = await story(pg.host, (ms) => pg.clock.advance(ms));
    const memRuns = await story(mem.host, (ms) => mem.clock.advance(ms));
    // Snippets hold run ids and hashes, which differ between the two hosts: compared apart.
    const search = async (host: RuntimeHost, runs: { first: string; second: string }, text: string) =>
      (await createApiHandlers(host).searchLedgers({ text })).hits.map(({ snippet, ...h }) => ({
        ...h,
        runId: h.runId === runs.first ? 'first' : h.runId === runs.second ? 'second' : h.runId,
        marked: /\[(quokka|zebra)\]/i.exec(snippet)?.[0] ?? snippet,
      }));

    const quokka = await search(pg.host, pgRuns, 'Quokka');
    expect(quokka).toEqual(await search(mem.host, memRuns, 'Quokka'));
    // The newer run's records first, each run's in ledger order.
    expect(quokka.map((h) => h.runId)).toEqual(
      [...quokka.filter((h) => h.runId === 'second'), ...quokka.filter((h) => h.runId === 'first')].map((h) => h.runId),
    );
    expect(new Set(quokka.map((h) => h.runId))).toEqual(new Set(['first', 'second']));
    expect(quokka.find((h) => h.kind === 'resumed')).toMatchObject({ workflowId: 'examples.event' });
    expect(quokka.find((h) => h.runId === 'first' && h.kind === 'resumed')!.marked).toBe('[QUOKKA]');

    const both = await search(pg.host, pgRuns, 'zebra QUOKKA');
    expect(both.length).toBeGreaterThan(0);
    expect(both.every((h) => h.runId === 'second')).toBe(true);
    expect(both).toEqual(await search(mem.host, memRuns, 'zebra QUOKKA'));
    // Words are text, never syntax: a quote, a percent sign, a backslash match themselves only.
    for (const text of ['quokka NEAR(', "o'quokka", 'quokka%', 'quo_kka', '\\quokka'])
      expect(await search(pg.host, pgRuns, text)).toEqual([]);
    expect((await createApiHandlers(pg.host).searchLedgers({ text: 'quokka', limit: 1 })).hits).toHaveLength(1);
  });

  it('asks the server at most twice, whatever the number of runs: once when the newest runs hold a page of hits', async () => {
    const { host } = await pgHost('search_calls');
    for (let i = 0; i < 40; i++) await host.startRun('examples.counter', { n: 1 });
    const target = await host.startRun('examples.event', { eventName: 'needle' });
    await host.emitEvent('needle', { note: 'a rare armadillo' });
    const calls = countCalls();
    const hits = (await createApiHandlers(host).searchLedgers({ text: 'armadillo' })).hits;
    expect(calls()).toBe(2);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.runId === target.run_id)).toBe(true);
    const before = calls();
    const page = (await createApiHandlers(host).searchLedgers({ text: 'examples.counter', limit: 3 })).hits;
    expect(calls() - before).toBe(1);
    expect(page).toHaveLength(3);
  });

  it('a word only in runs older than the newest SEARCH_NEWEST_RUNS is found, and a page from the newest is the first page of all', async () => {
    const store = PostgresStore.open(server.createDatabase('search_window'));
    stores.push(store);
    const total = SEARCH_NEWEST_RUNS + 30;
    for (let i = 0; i < total; i++) {
      const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
      const note = i === 3 ? 'the oldest pangolin' : `common words ${i}`;
      const c = chain(null, `r${String(i).padStart(5, '0')}`, [{ step_id: 's0', result: { note } as never }], { updated_at: at });
      store.commit({ ...c, isNew: true });
    }
    expect(searchLedgers(store, 'pangolin', 10).map((h) => h.runId)).toEqual(['r00003']);
    // Every run holds "common": the newest three, newest first, as the scan of every run would order them.
    expect(searchLedgers(store, 'common', 3).map((h) => h.runId)).toEqual(
      [total - 1, total - 2, total - 3].map((i) => `r${String(i).padStart(5, '0')}`),
    );
  });
});

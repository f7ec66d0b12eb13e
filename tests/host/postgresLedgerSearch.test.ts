/**
 * The search across every run's ledger on a PostgreSQL database: the same hits as the
 * in-memory scan (host/ledgerFind.ts), newest run first, from one server call however many
 * runs the database holds (the generic scan read every run's records, one call per run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import type { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { PostgresStore } from '../../src-main/store/postgres/PostgresStore';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
import { countCalls } from '../store/pgStoreCalls';
import { memoryHost } from './hostFixture';

const reason = pgUnavailableReason();
if (reason) console.warn(`[postgres tests skipped] ${reason}`);

describe.skipIf(reason)('ledger search across runs on PostgreSQL', () => {
  let server: PgServer;
  const stores: PostgresStore[] = [];
  beforeAll(async () => {
    server = await startPgServer();
  }, 120_000);
  afterAll(() => {
    stores.forEach((s) => s.close());
    server?.stop();
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

  it('asks the server once, whatever the number of runs', async () => {
    const { host } = await pgHost('search_calls');
    for (let i = 0; i < 40; i++) await host.startRun('examples.counter', { n: 1 });
    const target = await host.startRun('examples.event', { eventName: 'needle' });
    await host.emitEvent('needle', { note: 'a rare armadillo' });
    const calls = countCalls();
    const hits = (await createApiHandlers(host).searchLedgers({ text: 'armadillo' })).hits;
    expect(calls()).toBe(1);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.runId === target.run_id)).toBe(true);
  });
});

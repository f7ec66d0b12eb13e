import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { requestSchemas } from '../../src-shared/api';
import { memoryHost, tempDir } from './hostFixture';

describe('ledger filters and search across runs', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  async function hosts() {
    const t = tempDir();
    const sqlite = SqliteStore.open(join(t.dir, 'runtime.db'));
    cleanups.push(() => sqlite.close(), t.cleanup);
    const a = await memoryHost({ store: sqlite as never });
    const b = await memoryHost({ store: new MemoryStore() });
    return [a.host, b.host] as const;
  }

  it('SQLite and the in-memory scan give the same seqs for every filter', async () => {
    for (const host of await hosts()) {
      const api = createApiHandlers(host);
      const counter = await host.startRun('examples.counter', { n: 3 });
      const ev = await host.startRun('examples.event', { eventName: 'approved' });
      await host.emitEvent('approved', { note: 'Zebra crossing' });
      const seqsOf = async (f: object, runId = counter.run_id) => (await api.findLedger({ runId, ...f })).seqs;
      const all = [...host.store.iterateLedger(counter.run_id)];
      expect(await seqsOf({})).toEqual(all.map((r) => r.seq));
      expect(await seqsOf({ kind: 'transition' })).toEqual(all.filter((r) => r.kind === 'transition').map((r) => r.seq));
      expect(await seqsOf({ nodeId: 'count' })).toEqual(all.filter((r) => r.node_id === 'count').map((r) => r.seq));
      expect(await seqsOf({ kind: 'completed' })).toEqual([all.at(-1)!.seq]);
      expect(await seqsOf({ show: 'errors' })).toEqual([]);
      const evAll = [...host.store.iterateLedger(ev.run_id)];
      expect(await seqsOf({ show: 'effects' }, ev.run_id)).toEqual(evAll.filter((r) => r.kind === 'effect').map((r) => r.seq));
      expect(await seqsOf({ show: 'waits' }, ev.run_id)).toEqual(
        evAll.filter((r) => r.status === 'waiting' || r.kind === 'resumed').map((r) => r.seq),
      );
      // Text inside a payload, case-insensitive.
      const resumed = evAll.find((r) => r.kind === 'resumed')!;
      expect(await seqsOf({ text: 'zebra' }, ev.run_id)).toContain(resumed.seq);
      expect(await seqsOf({ text: 'zebra' })).toEqual([]);
      expect((await api.findLedger({ runId: counter.run_id, limit: 2 })).truncated).toBe(true);
    }
  });

  it('finds a word in another run and sees records written after the first search (index kept in step)', async () => {
    for (const host of await hosts()) {
      const api = createApiHandlers(host);
      await host.startRun('examples.counter', { n: 2 });
      const first = await host.startRun('examples.event', { eventName: 'go' });
      await host.emitEvent('go', { note: 'the quokka smiled' });
      const hits = (await api.searchLedgers({ text: 'Quokka' })).hits;
      expect([...new Set(hits.map((h) => h.runId))]).toEqual([first.run_id]);
      expect(hits.find((h) => h.kind === 'resumed')).toMatchObject({ workflowId: 'examples.event' });
      expect(hits[0]!.snippet.toLowerCase()).toContain('quokka');

      const second = await host.startRun('examples.event', { eventName: 'go2' });
      await host.emitEvent('go2', { note: 'another quokka' });
      const again = [...new Set((await api.searchLedgers({ text: 'quokka' })).hits.map((h) => h.runId))].sort();
      expect(again).toEqual([first.run_id, second.run_id].sort());
      // FTS operators typed by a person are words, not syntax.
      expect((await api.searchLedgers({ text: 'quokka NEAR(' })).hits).toEqual([]);
    }
  });

  it('refuses an empty search and an unknown filter value with a validation error', () => {
    expect(requestSchemas.searchLedgers.safeParse({ text: '' }).success).toBe(false);
    expect(requestSchemas.findLedger.safeParse({ runId: 'r', show: 'everything' }).success).toBe(false);
  });
});

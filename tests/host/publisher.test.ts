/**
 * The publisher reads a run's new records only for someone who follows them: a headless
 * worker (no `ledgerAppended` listener) pays one state read per publish, not a ledger page
 * too; once a view listens, it gets every record committed after it started listening.
 */
import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src-shared/types';
import { EventBus } from '../../src-main/host/eventBus';
import { RunPublisher } from '../../src-main/host/publisher';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { makeRecord, makeState } from '../ledger/support/runFactory';

function append(store: MemoryStore, runId: string, n: number): void {
  let head = store.getRun(runId)?.ledger_head ?? null;
  for (let i = 0; i < n; i++) {
    const r = makeRecord(runId, head);
    const next = { seq: r.seq, hash: r.record_hash };
    store.commit({ state: makeState(runId, next), records: [r], expectedHeadSeq: head?.seq ?? null, isNew: head === null });
    head = next;
  }
}

describe('RunPublisher', () => {
  it('reads no ledger while nobody follows records, and sends the new ones once a view listens', () => {
    const store = new MemoryStore();
    const bus = new EventBus();
    const publisher = new RunPublisher(store, bus);
    let ledgerReads = 0;
    const readLedger = store.readLedger.bind(store);
    store.readLedger = (runId, q) => {
      ledgerReads++;
      return readLedger(runId, q);
    };
    const updates: string[] = [];
    bus.on('runUpdated', ({ run }) => updates.push(run.run_id));

    publisher.markNew('r1');
    append(store, 'r1', 3);
    publisher.publish('r1');
    expect(ledgerReads).toBe(0);
    expect(updates).toEqual(['r1']);

    const seen: LedgerRecord[] = [];
    const off = bus.on('ledgerAppended', ({ records }) => seen.push(...records));
    append(store, 'r1', 2);
    publisher.publish('r1');
    expect(seen.map((r) => r.seq)).toEqual([3, 4]);
    expect(ledgerReads).toBeGreaterThan(0);
    off();
  });
});

/**
 * The publisher reads a run's new records only for someone who follows them: a headless
 * worker (no `ledgerAppended` listener) pays one state read per publish, not a ledger page
 * too; once a view listens, it gets every record committed after it started listening. A
 * state handed to it that is older than what it already published is not sent: the run is
 * read as it stands.
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

  it('publishes a state it is handed without reading the run, unless it is older than what was published', () => {
    const store = new MemoryStore();
    const bus = new EventBus();
    const publisher = new RunPublisher(store, bus);
    let reads = 0;
    const getRun = store.getRun.bind(store);
    store.getRun = (runId) => {
      reads++;
      return getRun(runId);
    };
    const seqs: number[] = [];
    bus.on('runUpdated', ({ run }) => seqs.push(run.ledger_seq));

    publisher.markNew('r1');
    append(store, 'r1', 1);
    const created = getRun('r1')!;
    reads = 0;
    expect(publisher.publish('r1', created)).toBe(created);
    expect(reads).toBe(0);
    // Another process moves the run on; the change feed publishes that.
    append(store, 'r1', 2);
    publisher.publishChange('r1', 2);
    // The state of the start, handed over late: behind what views were shown, so not sent.
    const sent = publisher.publish('r1', created);
    expect(sent?.ledger_head?.seq).toBe(2);
    expect(seqs).toEqual([0, 2, 2]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src-shared/types';
import { hashRecord, makeActor, sealRecord, hashCanonical, type RecordBody } from '../../src-main/runtime';

const FIXTURE = '/work/shared/fixtures/abstractruntime-py/ledger_5f39ee0b-054c-4d05-b56e-e4134e2cdcf7.jsonl';

describe('record hashing (Python-compatible)', () => {
  it('reproduces record_hash of records written by the Python runtime', () => {
    const lines = readFileSync(FIXTURE, 'utf8').trim().split('\n');
    // Records 0 and 2 hold no floats that JSON.parse would rewrite (1.0 → 1); the lossless
    // parser in src-main/ledger covers the others.
    for (const i of [0, 2]) {
      const rec = JSON.parse(lines[i]!) as LedgerRecord;
      expect(hashRecord(rec)).toBe(rec.record_hash);
    }
  });

  it('chains sealed records: seq from 0, prev_hash = previous record_hash, signature outside the hash', () => {
    const body: RecordBody = {
      run_id: 'r', step_id: 's', node_id: 'n', status: 'completed', kind: 'transition', effect: null, result: { x: 1.5 },
      error: null, started_at: 't', ended_at: 't', actor_id: 'a', actor: null, attempt: 1, idempotency_key: null,
    };
    const first = sealRecord(body, null);
    expect(first.seq).toBe(0);
    expect(first.prev_hash).toBeNull();
    const second = sealRecord(body, { seq: first.seq, hash: first.record_hash }, (h) => `sig(${h})`);
    expect(second.seq).toBe(1);
    expect(second.prev_hash).toBe(first.record_hash);
    expect(second.signature).toBe(`sig(${second.record_hash})`);
    expect(hashRecord(second)).toBe(second.record_hash);
    expect(hashRecord({ ...second, result: { x: 1.25 } })).not.toBe(second.record_hash);
  });
});

describe('makeActor', () => {
  it('fingerprints the stable identity fields, independent of key order', () => {
    const a = makeActor('user', 'ada', { email: 'ada@example.org', team: 'x' });
    const b = makeActor('user', 'ada', { team: 'x', email: 'ada@example.org' });
    expect(a).toEqual(b);
    expect(a.fingerprint).toBe(hashCanonical({ kind: 'user', id: 'ada', email: 'ada@example.org', team: 'x' }));
    expect(makeActor('user', 'bob').fingerprint).not.toBe(makeActor('user', 'ada').fingerprint);
  });
});

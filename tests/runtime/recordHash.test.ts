import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../src-shared/types';
import { canonicalJson } from '../../src-shared/canonicalJson';
import { canonicalBodyOf, hashRecord, makeActor, sealRecord, hashCanonical, type RecordBody } from '../../src-main/runtime';
import { sealKernelRecord } from '../../src-main/runtime/recordHash';

const FIXTURE = resolve(__dirname, '../fixtures/abstractruntime-py/ledger_5f39ee0b-054c-4d05-b56e-e4134e2cdcf7.jsonl');

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
      run_id: 'r',
      step_id: 's',
      node_id: 'n',
      status: 'completed',
      kind: 'transition',
      effect: null,
      result: { x: 1.5 },
      error: null,
      started_at: 't',
      ended_at: 't',
      actor_id: 'a',
      actor: null,
      attempt: 1,
      idempotency_key: null,
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

describe('sealing canonicalizes records exactly as canonicalJson does', () => {
  const base: RecordBody = {
    run_id: 'r',
    step_id: 's"1',
    node_id: null,
    status: 'completed',
    kind: 'effect',
    effect: { type: 't', payload: { b: 1, a: [1e-7, 'é\n'] }, result_key: null },
    result: { 'z\u0001': true, '😀': 2, e: 1.5 },
    error: null,
    started_at: 't',
    ended_at: null,
    actor_id: 'a',
    actor: makeActor('user', 'ü'),
    attempt: 2,
    idempotency_key: 'k',
  };

  it('keeps the hashed text for the store (canonicalBodyOf), identical to canonicalJson of the body', () => {
    const shapes: RecordBody[] = [
      base,
      { ...base, result: null, effect: null },
      { ...base, extra: 1 } as RecordBody,
      { ...base, error: undefined } as unknown as RecordBody,
    ];
    for (const body of shapes) {
      const sealed = sealRecord(body, { seq: 4, hash: 'h' });
      const { record_hash: _h, signature: _s, ...rest } = sealed;
      expect(canonicalBodyOf(sealed)).toBe(canonicalJson(rest));
      expect(hashRecord(sealed)).toBe(sealed.record_hash);
    }
  });

  it("the kernel's own sealing (sealKernelRecord) gives the same record, text and hash as sealRecord", () => {
    for (const head of [null, { seq: 7, hash: 'a'.repeat(64) }]) {
      const fast = sealKernelRecord(base, head, (h) => `sig:${h}`);
      const slow = sealRecord(base, head, (h) => `sig:${h}`);
      expect(fast).toEqual(slow);
      expect(canonicalBodyOf(fast)).toBe(canonicalBodyOf(slow));
    }
    expect(() => sealKernelRecord({ ...base, error: undefined } as unknown as RecordBody, null)).toThrow(TypeError);
  });

  it('forgets the text of a record whose hash or link was changed after sealing', () => {
    const sealed = sealRecord(base, null);
    expect(canonicalBodyOf({ ...sealed })).toBeUndefined();
    sealed.seq = 3;
    expect(canonicalBodyOf(sealed)).toBeUndefined();
  });
});

/**
 * The verifier reads prev_hash and seq out of the canonical text without parsing it: nested
 * objects that use the same key names, or strings that contain them, must never be taken
 * for the record's own top-level fields.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src-shared/canonicalJson';
import { sealRecord, type RecordBody } from '../../src-main/runtime/recordHash';
import { sha256Hex } from '../../src-main/runtime/sha256';
import { bodyLinksTo, readBodyLink, type ChainRow } from '../../src-main/ledger/chainRow';
import { verifyChain } from '../../src-main/ledger/verifyChain';

const T = '2026-01-01T00:00:00.000Z';
const body = (patch: Partial<RecordBody> = {}): RecordBody => ({
  run_id: 'r',
  step_id: 's',
  node_id: 'n',
  status: 'completed',
  kind: 'transition',
  effect: null,
  result: null,
  error: null,
  started_at: T,
  ended_at: T,
  actor_id: 'a',
  actor: null,
  attempt: 1,
  idempotency_key: null,
  ...patch,
});

/** A row whose body is `fields` (any shape), with a record_hash that matches it. */
function rowOf(seq: number, fields: Record<string, unknown>): ChainRow {
  const text = canonicalJson(fields);
  return { seq, record_hash: sha256Hex(text), signature: null, body: text, foreign: false };
}

describe('reading the chain fields of a canonical body', () => {
  const first = sealRecord(body(), null);
  const { record_hash: h0, signature: _s, ...b0 } = first;
  const row0 = rowOf(0, b0);

  it('finds the top-level fields whatever nested values and strings say', () => {
    const tricky = { prev_hash: 'f'.repeat(64), seq: 99, 'x","prev_hash': 'g', note: '","prev_hash":"h","seq":7,"started_at":' };
    const {
      record_hash: _h,
      signature: _g,
      ...b1
    } = sealRecord(body({ effect: { type: 't', payload: tricky, result_key: null }, result: tricky }), { seq: 0, hash: h0 });
    const text = canonicalJson(b1);
    expect(readBodyLink(text)).toEqual({ prev: h0, seq: 1 });
    expect(bodyLinksTo(text, h0, 1)).toBe(false); // nested duplicates: the exact path decides
    expect(verifyChain([row0, rowOf(1, b1)]).valid).toBe(true);
  });

  it('a body relinked at the top level is caught even when a nested key carries the right link', () => {
    const {
      record_hash: _h,
      signature: _g,
      ...b1
    } = sealRecord(body({ result: { prev_hash: h0, seq: 1 } }), { seq: 0, hash: 'e'.repeat(64) });
    const report = verifyChain([row0, rowOf(1, b1)]);
    expect(report).toMatchObject({ valid: false, firstBadSeq: 1, reason: 'broken_link' });
  });

  it('a body that says another seq is caught as reorder, whatever its nested seq', () => {
    const { record_hash: _h, signature: _g, ...b1 } = sealRecord(body({ result: { seq: 1 } }), { seq: 0, hash: h0 });
    const report = verifyChain([row0, rowOf(1, { ...b1, seq: 5 })]);
    expect(report).toMatchObject({ valid: false, firstBadSeq: 1, reason: 'reorder' });
  });

  it('the fast check agrees with the exact reader on plain records', () => {
    const { record_hash: _h, signature: _g, ...b1 } = sealRecord(body({ result: { n: 1 } }), { seq: 0, hash: h0 });
    const text = canonicalJson(b1);
    expect(bodyLinksTo(text, h0, 1)).toBe(true);
    expect(bodyLinksTo(text, h0, 10)).toBe(false);
    expect(bodyLinksTo(text, 'a'.repeat(64), 1)).toBe(false);
    expect(bodyLinksTo(canonicalJson(b0), null, 0)).toBe(true);
  });
});

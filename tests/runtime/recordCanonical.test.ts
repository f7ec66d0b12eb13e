import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src-shared/canonicalJson';
import { writeRecordShape } from '../../src-main/runtime/recordCanonical';

// writeRecordShape writes nulls, plain strings, safe integers and actor fingerprints itself:
// each edge of those shortcuts must give canonicalJson's bytes.
const body = {
  actor: { fingerprint: 'f', id: 'i', kind: 'user' } as unknown,
  actor_id: 'a',
  attempt: 1,
  effect: null,
  ended_at: null,
  error: null,
  idempotency_key: null,
  kind: 'transition',
  node_id: 'n',
  prev_hash: null,
  result: null,
  run_id: 'r',
  seq: 0,
  started_at: 't',
  status: 'completed',
  step_id: 's',
};

describe('writeRecordShape', () => {
  const values: unknown[] = [
    0,
    -0,
    1,
    -1,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    1e20,
    1e21,
    1.5,
    1e-7,
    true,
    false,
    '',
    'plain',
    'q"uote',
    'back\\slash',
    'new\nline',
    '\u0001',
    '\u001f',
    '\u007f',
    'é😀',
    '\ud800',
    [1, 'a'],
    {},
    { fingerprint: 'f', id: 'i', kind: 'k' },
    { kind: 'k', id: 'i', fingerprint: 'f' },
    { fingerprint: 'f"', id: 'i', kind: 'k' },
    { fingerprint: 'f', id: 'i\n', kind: 'k' },
    { fingerprint: 'f', id: 'i', kind: 'k', extra: 1 },
    { fingerprint: 'f', id: 'i', kind: 1 },
    { fingerprint: 'f', id: 'i', other: 'k' },
    { fingerprint: 'f', id: 'i', kind: 'k', gone: undefined },
  ];

  it('gives canonicalJson bytes for every kind of field value', () => {
    for (const v of values)
      for (const key of ['actor', 'result', 'step_id', 'attempt'] as const) {
        const b = { ...body, [key]: v };
        expect(writeRecordShape(b)).toBe(canonicalJson(b));
      }
  });

  it('refuses an undefined field like canonicalJson does', () => {
    expect(() => writeRecordShape({ ...body, error: undefined })).toThrow(TypeError);
  });
});

import { describe, expect, it } from 'vitest';
import { cloneJson } from '../../src-main/runtime/cloneJson';
import { canonicalJson, RawNumber } from '../../src-shared/canonicalJson';
import { NumberNotExactError, ValidationError } from '../../src-shared/errors';
import { parseJsonExact, readJsonExact, stringifyExact } from '../../src-shared/exactJson';
import { findNonJsonPath } from '../../src-shared/json';
import { validateJsonSchema } from '../../src-shared/jsonSchema';

describe('the one number policy: JSON text in and out keeps every number exactly', () => {
  it('keeps every number a JS number holds exactly, re-encoding to the canonical bytes the ledger hashes', () => {
    const text = '{"a":1,"b":-17,"c":1.5,"d":1e-07,"e":2.5e-05,"f":9007199254740991,"g":0.1,"h":-0,"i":1152921504606846976}';
    const v = parseJsonExact(text) as Record<string, number>;
    expect(v).toEqual({ a: 1, b: -17, c: 1.5, d: 1e-7, e: 2.5e-5, f: 9007199254740991, g: 0.1, h: 0, i: 1152921504606846976 });
    expect(Object.is(v.h, -0)).toBe(false); // the integer -0 is Python's int 0
    expect(canonicalJson(v)).toBe(
      '{"a":1,"b":-17,"c":1.5,"d":1e-07,"e":2.5e-05,"f":9007199254740991,"g":0.1,"h":0,"i":1152921504606846976}',
    );
  });

  it.each([
    ['98765432109876543210', '98765432109876543210'],
    ['9007199254740993', '9007199254740993'],
    ['-0.0', '-0.0'],
    ['1.0', '1.0'],
    ['1.00', '1.0'],
    ['2.5e+20', '2.5e+20'],
    ['-12345678901234567890123456789', '-12345678901234567890123456789'],
  ])('keeps %s exactly as a RawNumber (canonical text %s), through text, clone and schema', (lexeme, text) => {
    const v = parseJsonExact(`{"x":{"list":[0,${lexeme}]}}`, 'vars') as { x: { list: [number, RawNumber] } };
    const kept = v.x.list[1];
    expect(kept).toBeInstanceOf(RawNumber);
    expect(kept.text).toBe(text);
    expect(canonicalJson(v)).toBe(`{"x":{"list":[0,${text}]}}`);
    expect(stringifyExact(v)).toBe(`{"x":{"list":[0,${text}]}}`);
    const back = readJsonExact(stringifyExact(v, 2)) as typeof v;
    expect(back.x.list[1]).toBeInstanceOf(RawNumber);
    expect(canonicalJson(back)).toBe(canonicalJson(v));
    expect(cloneJson(v).x.list[1]).toBe(kept); // immutable: copies share it
    expect(findNonJsonPath(v)).toBeNull();
    expect(
      validateJsonSchema(v, {
        type: 'object',
        properties: { x: { type: 'object', properties: { list: { type: 'array', items: { type: 'number' } } } } },
      }),
    ).toEqual([]);
  });

  it('findNonJsonPath names the first value that is not plain JSON, at any depth; plain JSON (shared parts too) has none', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const shared = { k: [1, 'two', null, true] };
    const holey = [1, 2, 3];
    delete holey[1]; // a hole, not an undefined
    expect(findNonJsonPath({ a: shared, b: shared, c: [shared, { d: new RawNumber('1.0') }], e: Object.create(null) })).toBeNull();
    const cases: [unknown, string][] = [
      [{ vars: { ok: 1, when: new Date() } }, '$.vars.when'],
      [{ list: [1, 2, undefined] }, '$.list[2]'],
      [{ list: holey }, '$.list[1]'],
      [{ x: { y: undefined } }, '$.x.y'],
      [{ n: [0, Number.NaN] }, '$.n[1]'],
      [{ n: -0 }, '$.n'],
      [{ n: Number.POSITIVE_INFINITY }, '$.n'],
      [{ f: () => 1 }, '$.f'],
      [{ big: 10n }, '$.big'],
      [{ m: new Map() }, '$.m'],
      [cyclic, '$.self'],
    ];
    for (const [value, path] of cases) expect(findNonJsonPath(value)).toBe(path);
  });

  it('a handler reads a RawNumber as text, as a bigint (integers) or as the nearest double', () => {
    const v = parseJsonExact('{"big":98765432109876543210,"one":1.0}') as { big: RawNumber; one: RawNumber };
    expect(v.big.toBigInt()).toBe(98765432109876543210n);
    expect(v.big.isInteger).toBe(true);
    expect(v.one.isInteger).toBe(false);
    expect(() => v.one.toBigInt()).toThrow(RangeError);
    expect(v.one.toNumber()).toBe(1);
    expect(String(v.one)).toBe('1.0');
    expect(validateJsonSchema(v, { type: 'object', properties: { big: { type: 'integer' }, one: { type: 'integer' } } })).toEqual([
      '$.one: expected integer, got number',
    ]);
  });

  it('stringifyExact spells floats as the ledger does, and a string that looks like its placeholder stays a string', () => {
    expect(stringifyExact({ a: 1e-7, b: 1e21, c: 0.5 })).toBe('{"a":1e-07,"b":1e+21,"c":0.5}');
    expect(readJsonExact('{"a":1e-07}')).toEqual({ a: 1e-7 });
    const tricky = { s: '\uFDD0raw#0', n: parseJsonExact('1.0') };
    expect(readJsonExact(stringifyExact(tricky))).toEqual(tricky);
  });

  it('stringifyExact finds the number to respell at any depth, through toJSON, and otherwise writes what JSON.stringify writes', () => {
    const deep = { a: [{ b: [1, 2, { c: 1e-7 }] }] };
    expect(stringifyExact(deep)).toBe('{"a":[{"b":[1,2,{"c":1e-07}]}]}');
    expect(stringifyExact([[[parseJsonExact('98765432109876543210')]]])).toBe('[[[98765432109876543210]]]');
    expect(stringifyExact({ toJSON: () => ({ x: 2.5e-5 }) })).toBe('{"x":2.5e-05}');
    class Holder {
      x = 1e-5;
    }
    expect(stringifyExact({ h: new Holder() })).toBe('{"h":{"x":1e-05}}');
    let nested: unknown = 1e-8;
    for (let i = 0; i < 300; i++) nested = [nested];
    expect(stringifyExact(nested)).toBe(`${'['.repeat(300)}1e-08${']'.repeat(300)}`);
    const plain = { s: 'é "q" \\', n: [0, -0, 1.5, 1e21, -17, 1e-4, Number.NaN], t: true, u: undefined, d: new Date(0), nul: null };
    expect(stringifyExact(plain)).toBe(JSON.stringify(plain));
    expect(stringifyExact(plain, 2)).toBe(JSON.stringify(plain, null, 2));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => stringifyExact(cyclic)).toThrow(TypeError);
  });

  it.each([
    ['3.14159265358979323846', 'it would become 3.141592653589793'],
    ['1e400', 'it is not a finite JSON number'],
    ['NaN', 'it is not a finite JSON number'],
    ['-Infinity', 'it is not a finite JSON number'],
  ])('refuses %s, which has no exact canonical form, naming the path and what it would have become', (lexeme, why) => {
    const parse = () => parseJsonExact(`{"x":{"list":[0,${lexeme}]}}`, 'vars');
    expect(parse).toThrow(NumberNotExactError);
    expect(parse).toThrow(
      `vars.x.list[1]: the number ${lexeme} cannot be kept exactly (${why}); send it as a string to keep it as written`,
    );
    try {
      parse();
    } catch (err) {
      expect((err as NumberNotExactError).details).toMatchObject({ path: 'vars.x.list[1]', lexeme });
      expect((err as NumberNotExactError).code).toBe('NUMBER_NOT_EXACT');
    }
  });

  it('broken JSON is a validation error, and a key named __proto__ stays data', () => {
    expect(() => parseJsonExact('{nope', 'vars')).toThrow(ValidationError);
    const v = parseJsonExact('{"__proto__":{"polluted":1}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src-shared/canonicalJson';
import { NumberNotExactError, ValidationError } from '../../src-shared/errors';
import { parseJsonExact } from '../../src-shared/exactJson';

describe('the one number policy for JSON text coming in', () => {
  it('keeps every number a JS number holds exactly, re-encoding to the canonical bytes the ledger hashes', () => {
    const text = '{"a":1,"b":-17,"c":1.5,"d":1e-07,"e":2.5e-05,"f":9007199254740991,"g":0.1,"h":-0,"i":1152921504606846976}';
    const v = parseJsonExact(text) as Record<string, number>;
    expect(v).toEqual({ a: 1, b: -17, c: 1.5, d: 1e-7, e: 2.5e-5, f: 9007199254740991, g: 0.1, h: 0, i: 1152921504606846976 });
    expect(Object.is(v.h, -0)).toBe(false); // the integer -0 is Python's int 0
    expect(canonicalJson(v)).toBe('{"a":1,"b":-17,"c":1.5,"d":1e-07,"e":2.5e-05,"f":9007199254740991,"g":0.1,"h":0,"i":1152921504606846976}');
  });

  it.each([
    ['98765432109876543210', 'it would become 98765432109876543488'],
    ['9007199254740993', 'it would become 9007199254740992'],
    ['-0.0', 'it would become 0'],
    ['1.0', 'it would become 1'],
    ['2.5e+20', 'it would become 250000000000000000000'],
    ['3.14159265358979323846', 'it would become 3.141592653589793'],
    ['1e400', 'it is not a finite JSON number'],
    ['NaN', 'it is not a finite JSON number'],
  ])('refuses %s, naming the path and what it would have become', (lexeme, why) => {
    const parse = () => parseJsonExact(`{"x":{"list":[0,${lexeme}]}}`, 'vars');
    expect(parse).toThrow(NumberNotExactError);
    expect(parse).toThrow(`vars.x.list[1]: the number ${lexeme} cannot be kept exactly (${why}); send it as a string to keep it as written`);
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

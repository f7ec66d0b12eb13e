import { describe, expect, it } from 'vitest';
import { RawNumber, canonicalJson } from '../../src-shared/canonicalJson';
import { JsonSyntaxError, parseJsonLossless, parsePlainJson } from '../../src-main/ledger/index';

const recanon = (text: string) => canonicalJson(parseJsonLossless(text));

describe('parseJsonLossless', () => {
  it('keeps every number as written, re-emitted as Python would', () => {
    expect(recanon('[1.0, -0.0, 1e-07, 1E+21, 1e400, 12345678901234567890123, -0, 0.1, 2.50, 100]')).toBe(
      '[1.0,-0.0,1e-07,1e+21,Infinity,12345678901234567890123,0,0.1,2.5,100]',
    );
    expect(parseJsonLossless('1.0')).toEqual(new RawNumber('1.0'));
  });

  it("reads Python's NaN and Infinity literals", () => {
    expect(recanon('{"a": NaN, "b": Infinity, "c": -Infinity}')).toBe('{"a":NaN,"b":Infinity,"c":-Infinity}');
    expect(parsePlainJson('{"a": NaN, "b": 1.5}')).toEqual({ a: 'NaN', b: 1.5 });
  });

  it('decodes strings exactly: escapes, surrogate pairs, lone surrogates, U+2028', () => {
    expect(parseJsonLossless('"a\\u2028b\\ud834\\udd1e\\ud800 \\"q\\" \\\\ \\/ \\n"')).toBe('a\u2028b\ud834\udd1e\ud800 "q" \\ / \n');
    expect(parseJsonLossless('"caf\u00e9 \u2028 raw"')).toBe('café \u2028 raw');
  });

  it('sorts keys by code point and keeps a "__proto__" key as data', () => {
    const v = parseJsonLossless('{"\\uffff": 1, "\\ud834\\udd1e": 2, "__proto__": {"x": 1}, "b": 3}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toContain('__proto__');
    expect(canonicalJson(v)).toBe('{"__proto__":{"x":1},"b":3,"\uffff":1,"\ud834\udd1e":2}');
  });

  it('refuses malformed text with the position', () => {
    for (const bad of ['{"a":1,}', '[1 2]', '"open', '{"a" 1}', '01x', '-', 'tru', '"\u0001"', '{} x'])
      expect(() => parseJsonLossless(bad), bad).toThrow(JsonSyntaxError);
  });
});

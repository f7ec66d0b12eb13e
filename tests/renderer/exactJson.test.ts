import { describe, expect, it } from 'vitest';
import { indentJsonText } from '../../src-renderer/shell/exactJson';

describe('indentJsonText', () => {
  it('indents like JSON.stringify(…, null, 2) while keeping every number as written', () => {
    const text = '{"a":[1,{"b":"x, {y}: \\"z\\""}],"e":{},"f":[],"n":9007199254740993,"z":-0.0,"o":1.0}';
    const out = indentJsonText(text);
    expect(out).toContain('"n": 9007199254740993');
    expect(out).toContain('"z": -0.0');
    expect(out).toContain('"o": 1.0');
    const plain = '{"a":[1,{"b":"x, {y}: \\"z\\""}],"e":{},"f":[],"n":5}';
    expect(indentJsonText(plain)).toBe(JSON.stringify(JSON.parse(plain), null, 2));
  });
});

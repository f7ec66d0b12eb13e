import { describe, expect, it } from 'vitest';
import { validateJsonSchema } from '../../src-main/effects/tools/index';

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 5 },
    count: { type: 'integer', minimum: 0, maximum: 10 },
    mode: { enum: ['a', 'b'] },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
    nested: { type: 'object', properties: { x: { type: ['number', 'null'] } }, required: ['x'], additionalProperties: false },
  },
  required: ['name'],
  additionalProperties: false,
};

describe('validateJsonSchema (the subset tools use)', () => {
  it('accepts a valid value', () => {
    expect(validateJsonSchema({ name: 'ab', count: 3, mode: 'a', tags: ['x'], nested: { x: null } }, schema)).toEqual([]);
  });

  it('names every problem with its path', () => {
    const errors = validateJsonSchema({ count: 1.5, mode: 'c', tags: ['x', 2, 'y'], nested: {}, extra: true }, schema);
    expect(errors).toEqual(
      expect.arrayContaining([
        '$.name: is required',
        '$.count: expected integer, got number',
        '$.mode: must be one of ["a","b"]',
        '$.tags: allows at most 2 items',
        '$.tags[1]: expected string, got number',
        '$.nested.x: is required',
        '$.extra: is not an allowed property',
      ]),
    );
  });

  it('checks bounds and lengths', () => {
    expect(validateJsonSchema({ name: '', count: 11 }, schema)).toEqual(['$.name: needs at least 1 characters', '$.count: must be ≤ 10']);
    expect(validateJsonSchema({ name: 'toolong' }, schema)).toEqual(['$.name: allows at most 5 characters']);
  });

  it('rejects a non-object where an object is expected, and validates additionalProperties schemas', () => {
    expect(validateJsonSchema([1], schema)).toEqual(['$: expected object, got array']);
    expect(validateJsonSchema({ a: 1, b: 'x' }, { type: 'object', additionalProperties: { type: 'number' } })).toEqual([
      '$.b: expected number, got string',
    ]);
  });
});

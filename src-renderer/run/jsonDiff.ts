/** The difference between two vars objects, path by path (for the state inspector). */
import { RawNumber } from '../../src-shared/canonicalJson';
import { stringifyExact } from '../../src-shared/exactJson';

export interface DiffEntry {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RawNumber);
}

export function diffJson(before: unknown, after: unknown, path = ''): DiffEntry[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const p = path ? `${path}.${k}` : k;
      if (!(k in before)) return [{ path: p, kind: 'added' as const, after: after[k] }];
      if (!(k in after)) return [{ path: p, kind: 'removed' as const, before: before[k] }];
      return diffJson(before[k], after[k], p);
    });
  }
  if (stringifyExact(before) === stringifyExact(after)) return [];
  return [{ path: path || '(root)', kind: 'changed', before, after }];
}

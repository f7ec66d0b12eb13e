/**
 * The runs-list cursor every store uses: the sort key (updated_at, run_id) of the last row of
 * a page, opaque to callers, so the next page is a keyset range instead of an OFFSET.
 */
import { ValidationError } from '../../src-shared/errors';

export function encodeRunCursor(updatedAt: string, runId: string): string {
  return Buffer.from(JSON.stringify([updatedAt, runId]), 'utf8').toString('base64url');
}

export function decodeRunCursor(cursor: string): [updatedAt: string, runId: string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // falls through to the error below
  }
  throw new ValidationError('cursor is not a runs-list cursor (pass the nextCursor of a previous page)', { field: 'cursor' });
}

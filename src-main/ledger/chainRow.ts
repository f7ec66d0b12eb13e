/**
 * The unit of verification: a record's hashed bytes plus what sits beside them. Reading
 * `prev_hash` and `seq` straight out of the canonical text is safe because canonical JSON
 * escapes every quote inside strings, so `"prev_hash":` can only be a key; when the key
 * appears more than once (a nested object used the same name) we parse to find the top one.
 */
import { canonicalJson } from '../../src-shared/canonicalJson';
import type { LedgerRecord } from '../../src-shared/types';
import type { StoredRecordRow } from '../store/sqlite/ledgerRows';

export type ChainRow = StoredRecordRow;

/** A row from a record object (stores without raw rows, e.g. MemoryStore). */
export function chainRowFromRecord(record: LedgerRecord): ChainRow {
  const { record_hash, signature, ...body } = record;
  return { seq: record.seq, record_hash, signature: signature ?? null, body: canonicalJson(body), foreign: false };
}

export interface BodyLink {
  /** `undefined` when the body has no top-level `prev_hash` (malformed). */
  prev: string | null | undefined;
  /** `undefined` when the body has no top-level `seq` (foreign records). */
  seq: number | undefined;
}

export function readBodyLink(body: string): BodyLink {
  const prevAt = singleKey(body, '"prev_hash":');
  const seqAt = singleKey(body, '"seq":');
  if (prevAt === -2 || seqAt === -2) return parsedLink(body);
  return { prev: prevAt < 0 ? undefined : readPrev(body, prevAt), seq: seqAt < 0 ? undefined : readSeq(body, seqAt) };
}

/** Index just after the key, -1 when absent, -2 when it occurs more than once. */
function singleKey(body: string, key: string): number {
  const i = body.indexOf(key);
  if (i < 0) return -1;
  if (body.indexOf(key, i + key.length) >= 0) return -2;
  return i + key.length;
}

function readPrev(body: string, at: number): string | null | undefined {
  if (body.startsWith('null', at)) return null;
  if (body[at] !== '"') return undefined;
  const end = body.indexOf('"', at + 1);
  return end < 0 ? undefined : body.slice(at + 1, end);
}

function readSeq(body: string, at: number): number | undefined {
  let end = at;
  while (end < body.length && body.charCodeAt(end) >= 0x30 && body.charCodeAt(end) <= 0x39) end++;
  return end === at ? undefined : Number(body.slice(at, end));
}

function parsedLink(body: string): BodyLink {
  try {
    const o = JSON.parse(body) as { prev_hash?: unknown; seq?: unknown };
    const prev = o.prev_hash === null || typeof o.prev_hash === 'string' ? o.prev_hash : undefined;
    return { prev, seq: typeof o.seq === 'number' ? o.seq : undefined };
  } catch {
    return { prev: undefined, seq: undefined };
  }
}

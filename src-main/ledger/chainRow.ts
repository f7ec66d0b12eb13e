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

const PREV_KEY = '"prev_hash":';
const SEQ_KEY = '"seq":';
const AFTER_SEQ = ',"started_at":';

/**
 * `prev_hash` and `seq` of a canonical body. `seq` is found from the end: the only keys after
 * it (`started_at`, `status`, `step_id`) hold strings, so its last occurrence is the top one.
 */
export function readBodyLink(body: string, withSeq = true): BodyLink {
  const prevAt = body.indexOf(PREV_KEY);
  if (prevAt < 0) return { prev: undefined, seq: undefined };
  if (body.indexOf(PREV_KEY, prevAt + PREV_KEY.length) >= 0) return parsedLink(body);
  const prev = readPrev(body, prevAt + PREV_KEY.length);
  if (!withSeq) return { prev, seq: undefined };
  const seqAt = body.lastIndexOf(SEQ_KEY);
  const seq = seqAt < 0 ? undefined : readSeq(body, seqAt + SEQ_KEY.length);
  return seq === null ? parsedLink(body) : { prev, seq };
}

function readPrev(body: string, at: number): string | null | undefined {
  if (body.startsWith('null', at)) return null;
  if (body.charCodeAt(at) !== 0x22) return undefined;
  const end = body.indexOf('"', at + 1);
  return end < 0 ? undefined : body.slice(at + 1, end);
}

/** The digits after the key, or null when they are not followed by the next top-level key. */
function readSeq(body: string, at: number): number | null {
  let end = at;
  while (end < body.length && body.charCodeAt(end) >= 0x30 && body.charCodeAt(end) <= 0x39) end++;
  if (end === at || !body.startsWith(AFTER_SEQ, end)) return null;
  return Number(body.slice(at, end));
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

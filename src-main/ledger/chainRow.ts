/**
 * The unit of verification: a record's hashed bytes plus what sits beside them. Reading
 * `prev_hash` and `seq` straight out of the canonical text is safe because canonical JSON
 * has no spaces and escapes every quote inside strings, so `,"prev_hash":` (or after `{`)
 * can only be a key; when the key appears more than once (a nested object used the same
 * name) we parse to find the top one.
 */
import { canonicalJson } from '../../src-shared/canonicalJson';
import { parseJsonLossless } from '../../src-shared/losslessJson';
import type { LedgerRecord } from '../../src-shared/types';
import type { StoredRecordRow } from '../runtime/storeContract';

export type ChainRow = StoredRecordRow;

/**
 * The `record_hash` of a record written without a hash chain (Python's `JsonlLedgerStore`
 * without `HashChainedLedgerStore` writes `null`). Kept as '' so stores need no nullable
 * column; exports write it back as `null`.
 */
export const NO_RECORD_HASH = '';

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

const PREV_NAME = 'prev_hash":';
const PREV_KEY = `"${PREV_NAME}`;
const SEQ_NAME = 'seq":';
const SEQ_KEY = `"${SEQ_NAME}`;
const AFTER_SEQ = ',"started_at":';
/** Covers the tail `"seq":N,"started_at":"…","status":"…","step_id":"…"}` of typical records. */
const SEQ_WINDOW = 256;

/**
 * `prev_hash` and `seq` of a canonical body. `seq` is found from the end: the only keys after
 * it (`started_at`, `status`, `step_id`) hold strings, so its last occurrence is the top one.
 */
export function readBodyLink(body: string, withSeq = true): BodyLink {
  const prevAt = findKey(body, PREV_NAME, 0);
  if (prevAt < 0) return { prev: undefined, seq: undefined };
  const prev = readPrev(body, prevAt + PREV_KEY.length);
  const prevEnd = prevAt + PREV_KEY.length + (typeof prev === 'string' ? prev.length + 2 : 4);
  if (findKey(body, PREV_NAME, prevEnd) >= 0) return parsedLink(body);
  if (!withSeq) return { prev, seq: undefined };
  const seqAt = lastSeqKey(body);
  const seq = seqAt < 0 ? undefined : readSeq(body, seqAt + SEQ_KEY.length);
  return seq === null ? parsedLink(body) : { prev, seq };
}

/**
 * The common case, checked without allocating: the body's one top-level `prev_hash` is
 * `prev` and its `seq` is `seq`. False means "look closer" (readBodyLink), not "broken".
 */
export function bodyLinksTo(body: string, prev: string | null, seq: number): boolean {
  const at = findKey(body, PREV_NAME, 0);
  if (at < 0) return false;
  const v = at + PREV_KEY.length;
  let end: number;
  if (prev === null) {
    if (!body.startsWith('null', v)) return false;
    end = v + 4;
  } else {
    if (body.charCodeAt(v) !== 0x22 || !body.startsWith(prev, v + 1) || body.charCodeAt(v + 1 + prev.length) !== 0x22) return false;
    end = v + prev.length + 2;
  }
  if (findKey(body, PREV_NAME, end) >= 0) return false;
  const s = lastSeqKey(body);
  if (s < 0) return false;
  const digits = String(seq);
  return body.startsWith(digits, s + SEQ_KEY.length) && body.startsWith(AFTER_SEQ, s + SEQ_KEY.length + digits.length);
}

/**
 * The last `"seq":` of the body. Searching forward inside a window at the end first: V8's
 * lastIndexOf walks back one character at a time and costs as much as hashing the record.
 */
function lastSeqKey(body: string): number {
  let at = findKey(body, SEQ_NAME, Math.max(0, body.length - SEQ_WINDOW));
  if (at < 0) return lastKeyFromStart(body, SEQ_NAME);
  for (let next = findKey(body, SEQ_NAME, at + 1); next >= 0; next = findKey(body, SEQ_NAME, at + 1)) at = next;
  return at;
}

function lastKeyFromStart(body: string, name: string): number {
  let at = -1;
  for (let next = findKey(body, name, 0); next >= 0; next = findKey(body, name, next + 1)) at = next;
  return at;
}

/**
 * Where `"<name>":` occurs as a key at or after `from` (the index of its opening quote), or -1.
 * In canonical JSON (no spaces) a key's quote follows `{` or `,`; inside a string every
 * quote is escaped, so `,"name":` cannot occur there. The search starts at the name, not at
 * the quote: V8 looks for the pattern's first character and quotes are everywhere in JSON
 * (four times slower, measured).
 */
function findKey(body: string, name: string, from: number): number {
  for (let at = body.indexOf(name, from + 1); at >= 0; at = body.indexOf(name, at + 1)) {
    const q = at - 1;
    const before = body.charCodeAt(q - 1);
    if (body.charCodeAt(q) === 0x22 && (before === 0x2c || before === 0x7b)) return q;
  }
  return -1;
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

/**
 * The body's top-level `run_id` equals `runId`. Our records put `run_id` right before the top
 * `seq` (keys are sorted and none sorts between them), so the common case is one comparison;
 * anything else (foreign records, nested look-alikes) is parsed.
 */
export function bodyRunIdIs(body: string, runId: string, foreign: boolean): boolean {
  if (!foreign) {
    const expected = `"run_id":${JSON.stringify(runId)},`;
    const s = lastSeqKey(body);
    if (s >= expected.length && body.startsWith(expected, s - expected.length)) return true;
  }
  try {
    // Lossless: Python bodies may hold NaN / Infinity, which JSON.parse refuses.
    return (parseJsonLossless(body) as { run_id?: unknown }).run_id === runId;
  } catch {
    return false;
  }
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

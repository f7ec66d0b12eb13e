/**
 * What the ledger filters mean, decided once: the SQLite query (src-main/store/sqlite/
 * ledgerSearch.ts) and the in-memory scan both follow `recordMatches`, and tests hold the two
 * to the same answers.
 */
import { asciiLower } from './textSearch';
import type { LedgerRecord } from './types';

/** `effects`: effect attempts; `waits`: records that start or end a wait; `errors`: failures. */
export type LedgerShow = 'all' | 'effects' | 'waits' | 'errors';

export interface LedgerFilter {
  kind?: string;
  nodeId?: string;
  status?: string;
  show?: LedgerShow;
  /** Case-insensitive text anywhere in the record as stored (payloads, results, errors). */
  text?: string;
}

export const WAIT_KINDS = ['resumed'] as const;

export function isFilterActive(f: LedgerFilter): boolean {
  return !!(f.kind || f.nodeId || f.status || (f.show && f.show !== 'all') || f.text?.trim());
}

/** `bodyText` is the record's stored JSON text: what the text search looks inside. */
export function recordMatches(r: LedgerRecord, bodyText: string, f: LedgerFilter): boolean {
  if (f.kind && r.kind !== f.kind) return false;
  if (f.nodeId && r.node_id !== f.nodeId) return false;
  if (f.status && r.status !== f.status) return false;
  if (f.show === 'effects' && r.kind !== 'effect') return false;
  if (f.show === 'waits' && !(r.status === 'waiting' || (WAIT_KINDS as readonly string[]).includes(r.kind))) return false;
  if (f.show === 'errors' && !(r.status === 'failed' || r.kind === 'failed' || r.error != null)) return false;
  const text = f.text?.trim();
  if (text && !asciiLower(bodyText).includes(asciiLower(text))) return false;
  return true;
}

/** One record found by the search across runs. */
export interface LedgerSearchHit {
  runId: string;
  workflowId: string | null;
  seq: number;
  kind: string;
  nodeId: string | null;
  /** The matching text with the matched words in [brackets]. */
  snippet: string;
}

/** The text around the first match of `word` (already folded), the match in [brackets]. */
export function excerpt(body: string, word: string): string {
  const at = Math.max(0, asciiLower(body).indexOf(word));
  const start = Math.max(0, at - 40);
  const end = at + word.length;
  return `${start > 0 ? '…' : ''}${body.slice(start, at)}[${body.slice(at, end)}]${body.slice(end, end + 60)}${end + 60 < body.length ? '…' : ''}`;
}

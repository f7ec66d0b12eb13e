/**
 * Ledger filters within a run and text search across runs, over whichever store the host
 * has: SQLite answers with indexed queries (store/sqlite/ledgerSearch.ts), PostgreSQL with
 * queries the server runs (PostgresStore.findLedgerSeqs, searchLedger); anything else is
 * scanned record by record here with the same rule (src-shared/ledgerFilter.ts).
 */
import { canonicalJson } from '../../src-shared/canonicalJson';
import { excerpt, recordMatches, type LedgerFilter } from '../../src-shared/ledgerFilter';
import { asciiLower } from '../../src-shared/textSearch';
import type { LedgerRecord } from '../../src-shared/types';
import type { RuntimeStore } from '../runtime/contracts';
import { PostgresStore } from '../store/postgres/PostgresStore';
import { SqliteStore } from '../store/sqlite/SqliteStore';
import { findLedgerSeqs, searchAllLedgers, type LedgerSearchHit } from '../store/sqlite/ledgerSearch';

export type { LedgerSearchHit };

export function findInLedger(store: RuntimeStore, runId: string, filter: LedgerFilter, limit: number): number[] {
  if (store instanceof SqliteStore) return findLedgerSeqs(store.db, runId, filter, limit);
  if (store instanceof PostgresStore) return store.findLedgerSeqs(runId, filter, limit);
  const seqs: number[] = [];
  for (const r of store.iterateLedger(runId)) {
    if (recordMatches(r, bodyText(r), filter)) seqs.push(r.seq);
    if (seqs.length >= limit) break;
  }
  return seqs;
}

export function searchLedgers(store: RuntimeStore, text: string, limit: number): LedgerSearchHit[] {
  if (store instanceof SqliteStore) return searchAllLedgers(store.db, text, limit, { readonly: store.readonly });
  const words = asciiLower(text).split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  if (store instanceof PostgresStore)
    return store.searchLedger(words, limit).map((h) => hitOf(h.runId, h.workflowId, h.record, h.body, words[0]!));
  const hits: LedgerSearchHit[] = [];
  for (let offset = 0; hits.length < limit; offset += 500) {
    const page = store.listRuns({ limit: 500, offset });
    for (const run of page.runs) {
      for (const r of store.iterateLedger(run.run_id)) {
        const body = bodyText(r);
        const lower = asciiLower(body);
        if (!words.every((w) => lower.includes(w))) continue;
        hits.push(hitOf(run.run_id, run.workflow_id, r, body, words[0]!));
        if (hits.length >= limit) return hits;
      }
    }
    if (page.runs.length < 500) break;
  }
  return hits;
}

function hitOf(runId: string, workflowId: string | null, r: LedgerRecord, body: string, word: string): LedgerSearchHit {
  return { runId, workflowId, seq: r.seq, kind: r.kind, nodeId: r.node_id, snippet: excerpt(body, word) };
}

function bodyText(r: Parameters<typeof recordMatches>[0]): string {
  const { record_hash: _h, signature: _s, ...body } = r;
  return canonicalJson(body as never);
}

/**
 * Finding records in SQLite: the in-run ledger filters as one indexed-by-run query, and the
 * search across every run through the FTS5 index `ledger_fts` (schema v3).
 *
 * How the index keeps in step with the ledger: `ledger_fts` is an external-content FTS5
 * table over `ledger.body` (the exact stored text), keyed by the ledger's rowid. The ledger
 * is append-only and rows are never deleted, so rowids only grow: `ledger_fts_state` holds
 * the highest rowid indexed, and every search first indexes the rows above it, in one
 * IMMEDIATE transaction (so two processes never index a row twice). Commits therefore pay
 * nothing for search, and a search always sees every record committed before it began.
 */
import type Database from 'better-sqlite3';
import { excerpt, WAIT_KINDS, type LedgerFilter, type LedgerSearchHit } from '../../../src-shared/ledgerFilter';
import { asciiLower } from '../../../src-shared/textSearch';

export type { LedgerSearchHit };

/** The record kind, also for records imported from the Python runtime (no `kind` in their body). */
const KIND = `coalesce(json_extract(body, '$.kind'), CASE WHEN json_extract(body, '$.effect') IS NOT NULL THEN 'effect'
  WHEN status = 'completed' THEN 'completed' WHEN status = 'failed' THEN 'failed' ELSE 'transition' END)`;

export function findLedgerSeqs(db: Database.Database, runId: string, f: LedgerFilter, limit: number): number[] {
  const where: string[] = ['run_id = ?'];
  const args: unknown[] = [runId];
  if (f.kind === 'restored') {
    // The exact expression of the partial index `ledger_restored` (schema v3), so SQLite uses
    // it; records imported from Python are never restores.
    where.push(`instr(body, '"kind":"restored"') > 0`);
  } else if (f.kind) {
    // Our bodies are canonical JSON ("kind":"x", no spaces): a text probe skips json_extract on
    // most rows; imported (foreign) bodies have no kind and go to the exact test.
    where.push(`(foreign_body = 1 OR instr(body, ?) > 0) AND ${KIND} = ?`);
    args.push(`"kind":${JSON.stringify(f.kind)}`, f.kind);
  }
  if (f.nodeId) {
    where.push(`json_extract(body, '$.node_id') = ?`);
    args.push(f.nodeId);
  }
  if (f.status) {
    where.push('status = ?');
    args.push(f.status);
  }
  if (f.show === 'effects') where.push(`${KIND} = 'effect'`);
  if (f.show === 'waits') where.push(`(status = 'waiting' OR ${KIND} IN (${WAIT_KINDS.map((k) => `'${k}'`).join(',')}))`);
  if (f.show === 'errors')
    where.push(`(status = 'failed' OR ${KIND} = 'failed' OR coalesce(json_type(body, '$.error'), 'null') <> 'null')`);
  const text = f.text?.trim();
  if (text) {
    // lower() folds ASCII only; recordMatches folds the same way, so both agree.
    where.push('instr(lower(body), ?) > 0');
    args.push(asciiLower(text));
  }
  const sql = `SELECT seq FROM ledger WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`;
  return db
    .prepare(sql)
    .pluck()
    .all(...args, limit) as number[];
}

/** Brings the FTS index up to the newest ledger row (see the header). */
export function catchUpLedgerIndex(db: Database.Database): number {
  return db
    .transaction(() => {
      const from = db.prepare('SELECT indexed_rowid FROM ledger_fts_state WHERE id = 1').pluck().get() as number;
      const info = db
        .prepare('INSERT INTO ledger_fts(rowid, body) SELECT rowid, body FROM ledger WHERE rowid > ? ORDER BY rowid')
        .run(from);
      if (info.changes > 0) {
        const top = db.prepare('SELECT max(rowid) FROM ledger').pluck().get() as number;
        db.prepare('UPDATE ledger_fts_state SET indexed_rowid = ? WHERE id = 1').run(top);
      }
      return info.changes;
    })
    .immediate();
}

/** Words to find, each quoted so FTS5 operators typed by a person are taken literally. */
export function ftsQuery(text: string): string | null {
  const words = text
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `"${w.replace(/"/g, '""')}"`);
  return words.length ? words.join(' ') : null;
}

export function searchAllLedgers(db: Database.Database, text: string, limit: number, opts: { readonly: boolean }): LedgerSearchHit[] {
  const q = ftsQuery(text);
  if (!q) return [];
  // A read-only file cannot be indexed (and may predate v3): scan it instead, same answers.
  if (opts.readonly) return scanAllLedgers(db, text, limit);
  catchUpLedgerIndex(db);
  const rows = db
    .prepare(
      `SELECT l.run_id AS runId, r.workflow_id AS workflowId, l.seq AS seq, ${KIND.replace(/\b(body|status)\b/g, 'l.$1')} AS kind,
              json_extract(l.body, '$.node_id') AS nodeId, snippet(ledger_fts, 0, '[', ']', '…', 16) AS snippet
         FROM ledger_fts JOIN ledger l ON l.rowid = ledger_fts.rowid LEFT JOIN runs r ON r.run_id = l.run_id
        WHERE ledger_fts MATCH ? ORDER BY rank LIMIT ?`,
    )
    .all(q, limit) as LedgerSearchHit[];
  return rows;
}

function scanAllLedgers(db: Database.Database, text: string, limit: number): LedgerSearchHit[] {
  const words = text.split(/\s+/).filter(Boolean).map(asciiLower);
  const rows = db
    .prepare(
      `SELECT l.run_id AS runId, r.workflow_id AS workflowId, l.seq AS seq, ${KIND.replace(/\b(body|status)\b/g, 'l.$1')} AS kind,
              json_extract(l.body, '$.node_id') AS nodeId, l.body AS body
         FROM ledger l LEFT JOIN runs r ON r.run_id = l.run_id
        WHERE ${words.map(() => 'instr(lower(l.body), ?) > 0').join(' AND ')} LIMIT ?`,
    )
    .all(...words, limit) as (LedgerSearchHit & { body: string })[];
  return rows.map(({ body, ...hit }) => ({ ...hit, snippet: excerpt(body, words[0]!) }));
}

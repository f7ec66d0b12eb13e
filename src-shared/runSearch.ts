import { asciiLower } from './ledgerFilter';

/**
 * The runs list's text search, decided once: the text inside the run id, the workflow id or
 * the current node, case folded for A–Z only (SQLite's lower() folds no other letter). The
 * memory store and the inspector's live list use this; the SQLite and PostgreSQL stores ask
 * the same in SQL (store/sqlite/queryFilters.ts, store/postgres/pgStatements.ts).
 */
export function runMatchesSearch(run: { run_id: string; workflow_id: string; current_node: string }, search: string): boolean {
  const text = asciiLower(search);
  return !text || [run.run_id, run.workflow_id, run.current_node].some((field) => asciiLower(field).includes(text));
}

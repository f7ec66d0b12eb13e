/**
 * How the lists' and searches' text is matched, decided once: case folded for A–Z only, as
 * SQLite's lower() (and PostgreSQL's under COLLATE "C") fold it, so that the SQL stores, the
 * memory store and the inspector agree on every text, and a name with other letters is found
 * as it is spelled.
 */

/** Folds A–Z only. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Whether any of `fields` holds `text` (both folded); an empty text is in every field. */
export function fieldsHold(fields: readonly string[], text: string): boolean {
  const folded = asciiLower(text);
  return !folded || fields.some((field) => asciiLower(field).includes(folded));
}

/**
 * The runs list's search: the text inside the run id, the workflow id or the current node.
 * The memory store and the inspector's live list use this; the SQLite and PostgreSQL stores
 * ask the same in SQL (store/sqlite/queryFilters.ts, store/postgres/pgStatements.ts).
 */
export function runMatchesSearch(run: { run_id: string; workflow_id: string; current_node: string }, search: string): boolean {
  return fieldsHold([run.run_id, run.workflow_id, run.current_node], search);
}

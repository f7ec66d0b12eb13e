/**
 * A send of held commits (pgCommitQueue.ts) as ONE transaction: the guards of every run in
 * one statement, then their ledger rows in one COPY, their leases and run rows each in a few
 * multi-row statements. Sent as one transaction per commit, a worker's thousand commits were seven
 * thousand statements for the server to parse, plan and run, and a thousand commits; merged,
 * they are a handful.
 *
 * It stores exactly what the commits one by one would: each write is the commit's own
 * statement's values, only gathered. What changes is how a refusal lands: any guard that
 * refuses, or any write the server refuses, aborts the whole transaction, and the queue then
 * sends the same commits again as one transaction each, where each gets its own answer.
 * Commits that cannot be gathered (a run twice in the send, a write of another
 * kind) are not merged: null, and the send keeps one transaction per commit.
 */
import { addLedgerRows, COPY_LEDGER, LEDGER_ROW_WIDTH, MANY, RUN_COLUMNS, SQL } from './pgStatements';
import type { PgStatement } from './pgSyncClient';

/** Rows per merged statement: at most 18 × 1,000 values (a run row's columns), under the 65,535 bound parameters a statement may have. */
export const ROWS_PER_STATEMENT = 1000;

/** One kind of write of every commit, its rows' values in one flat list (`width` per row). */
class Rows {
  readonly values: unknown[] = [];
  constructor(
    readonly width: number,
    readonly text: (n: number) => string,
  ) {}

  add(values: readonly unknown[], from = 0): void {
    for (let i = from; i < values.length; i++) this.values.push(values[i]);
  }

  /** As statements of at most ROWS_PER_STATEMENT rows each. */
  statements(): PgStatement[] {
    const out: PgStatement[] = [];
    const step = ROWS_PER_STATEMENT * this.width;
    for (let from = 0; from < this.values.length; from += step) {
      const values = this.values.slice(from, from + step);
      out.push({ text: this.text(values.length / this.width), values });
    }
    return out;
  }
}

/** The commits' transactions (each BEGIN … COMMIT) as one, or null when they cannot be merged. */
export function mergeHeld(transactions: PgStatement[][]): PgStatement[] | null {
  const guards = new Rows(5, MANY.guards);
  const ledger: unknown[] = [];
  const dropLeases = new Rows(1, MANY.dropLeases);
  const putLeases = new Rows(3, MANY.putLeases);
  const updateRuns = new Rows(RUN_COLUMNS.length, MANY.updateRuns);
  const insertRuns = new Rows(RUN_COLUMNS.length, MANY.insertRuns);
  const runs = new Set<string>();
  for (const tx of transactions) {
    if (tx.length < 2 || tx[0]!.text !== SQL.begin || tx[tx.length - 1]!.text !== SQL.commit) return null;
    let runWrites = 0;
    for (let i = 1; i < tx.length - 1; i++) {
      const s = tx[i]!;
      const values = s.values ?? [];
      if (s.text === SQL.commitGuard) guards.add(values);
      else if (s.text === SQL.dropLease) dropLeases.add(values);
      else if (s.text === SQL.putLease) putLeases.add(values);
      else if (s.text === SQL.updateRun || s.text === SQL.insertRun) {
        // The guards all run before any write: a run's second commit would be checked against a head not yet written.
        const runId = String(values[0]);
        if (runs.has(runId)) return null;
        runs.add(runId);
        runWrites++;
        (s.text === SQL.updateRun ? updateRuns : insertRuns).add(values);
      } else if (!addLedgerRows(s, ledger)) return null;
    }
    if (runWrites !== 1) return null;
  }
  return [
    { text: SQL.begin },
    ...guards.statements(),
    ...(ledger.length ? [{ text: COPY_LEDGER, copy: { values: ledger, width: LEDGER_ROW_WIDTH } }] : []),
    ...dropLeases.statements(),
    ...putLeases.statements(),
    ...updateRuns.statements(),
    ...insertRuns.statements(),
    { text: SQL.commit },
  ];
}

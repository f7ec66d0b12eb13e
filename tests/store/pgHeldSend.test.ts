/**
 * Which sends of held commits are merged into one transaction (pgHeldSend.ts): only commits
 * whose every write is one the merge knows, each run once; anything else keeps one
 * transaction per commit, so nothing is ever checked against a head not yet written.
 */
import { describe, expect, it } from 'vitest';
import { mergeHeld, ROWS_PER_STATEMENT } from '../../src-main/store/postgres/pgHeldSend';
import { insertLedgerRows, RUN_COLUMNS, SQL } from '../../src-main/store/postgres/pgStatements';
import type { PgStatement } from '../../src-main/store/postgres/pgSyncClient';

function runValues(runId: string): unknown[] {
  return RUN_COLUMNS.map((c) => (c === 'run_id' ? runId : c === 'state' ? `{"run_id":"${runId}"}` : null));
}
/** A held commit of a run in flight, as PostgresStore writes it: guard, records, lease, run row. */
function commitOf(runId: string, seq: number, records = 1): PgStatement[] {
  const ledger: unknown[] = [runId];
  for (let i = 0; i < records; i++) ledger.push(seq + i, `h${seq + i}`, null, 'completed', null, 0, `{"seq":${seq + i}}`);
  return [
    { text: SQL.begin },
    { text: SQL.commitGuard, values: [runId, seq - 1, `h${seq - 1}`, 'me', 1] },
    { text: insertLedgerRows(records), values: ledger },
    { text: SQL.dropLease, values: [runId] },
    { text: SQL.updateRun, values: runValues(runId) },
    { text: SQL.commit },
  ];
}

describe('mergeHeld', () => {
  it("gathers each kind of write of every commit into one statement, in the commits' order, inside one BEGIN … COMMIT", () => {
    const merged = mergeHeld([commitOf('a', 1, 2), commitOf('b', 5)])!;
    expect(merged.map((s) => s.text.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'BEGIN',
      'SELECT art_commit_guard(g.r, g.s,',
      'COPY ledger (run_id,',
      'DELETE FROM leases',
      'WITH c AS',
      'COMMIT',
    ]);
    expect(merged[1]!.values).toEqual(['a', 0, 'h0', 'me', 1, 'b', 4, 'h4', 'me', 1]);
    // Each ledger row with its run id, in order: a's two, then b's one, all in one COPY.
    const { values: rows, width } = merged[2]!.copy!;
    expect(width).toBe(8);
    expect(rows.filter((_, i) => i % 8 === 0)).toEqual(['a', 'a', 'b']);
    expect(rows.filter((_, i) => i % 8 === 1)).toEqual([1, 2, 5]);
    expect(merged[3]!.values).toEqual(['a', 'b']);
    expect(merged[4]!.values).toEqual([...runValues('a'), ...runValues('b')]);
  });

  it(`splits a kind of write over statements of at most ${ROWS_PER_STATEMENT} rows`, () => {
    const merged = mergeHeld(Array.from({ length: ROWS_PER_STATEMENT + 1 }, (_, i) => commitOf(`r${i}`, 1)))!;
    const updates = merged.filter((s) => s.text.startsWith('WITH c AS'));
    expect(updates.map((s) => s.values!.length / RUN_COLUMNS.length)).toEqual([ROWS_PER_STATEMENT, 1]);
    // A COPY has no bound on its rows: the ledger's are one.
    const copies = merged.filter((s) => s.copy);
    expect(copies.map((s) => s.copy!.values.length / s.copy!.width)).toEqual([ROWS_PER_STATEMENT + 1]);
  });

  it('does not merge a run twice (its second guard would read a head not yet written), nor a write it does not know', () => {
    expect(mergeHeld([commitOf('a', 1), commitOf('a', 2)])).toBeNull();
    const wakes = commitOf('c', 1);
    wakes.splice(wakes.length - 1, 0, { text: SQL.wakeParent, values: [1, 'c'] });
    expect(mergeHeld([commitOf('a', 1), wakes])).toBeNull();
    expect(mergeHeld([commitOf('a', 1), commitOf('b', 1).slice(0, -1)])).toBeNull();
  });
});

/**
 * The ledger filters and the search across runs on a 100,000-record run (the figure in
 * docs/benchmarks.md, "Inspector filters"). Usage: npx tsx bench/ledgerFilters.ts
 * Writes a fresh SQLite file in a temp folder, times each query (median of 5, after one
 * warm-up), and the first search (which builds the full-text index) separately.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { findLedgerSeqs, searchAllLedgers } from '../src-main/store/sqlite/ledgerSearch';
import { SqliteStore } from '../src-main/store/sqlite/SqliteStore';

const RECORDS = Number(process.env.RECORDS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'ar-bench-filters-'));
try {
  const db = join(dir, 'runtime.db');
  const made = spawnSync('npx', ['tsx', 'tests/e2e/support/makeBigRun.ts', db, String(RECORDS)], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
  const { runId, records } = JSON.parse(made.stdout.trim().split('\n').pop()!) as { runId: string; records: number };
  const store = SqliteStore.open(db);
  const median = (fn: () => unknown) => {
    fn();
    const t: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      fn();
      t.push(performance.now() - s);
    }
    return t.sort((a, b) => a - b)[2]!;
  };
  const rows: [string, number, number][] = [];
  const time = (name: string, f: Parameters<typeof findLedgerSeqs>[2]) => {
    const n = findLedgerSeqs(store.db, runId, f, 200_000).length;
    rows.push([name, median(() => findLedgerSeqs(store.db, runId, f, 200_000)), n]);
  };
  time('kind = completed', { kind: 'completed' });
  time('node = count', { nodeId: 'count' });
  time('show errors', { show: 'errors' });
  time('text "\\"i\\":5000"', { text: '"i":5000' });
  time('kind transition + text', { kind: 'transition', text: 'next' });
  const s0 = performance.now();
  const first = searchAllLedgers(store.db, 'done', 100, { readonly: false }).length;
  const firstMs = performance.now() - s0;
  const again = median(() => searchAllLedgers(store.db, 'done', 100, { readonly: false }));
  store.close();
  console.log(`ledger filters on a ${records.toLocaleString('en-US')}-record run (median of 5, ms):`);
  for (const [name, ms, n] of rows)
    console.log(`  ${name.padEnd(26)} ${ms.toFixed(1).padStart(7)} ms   ${n.toLocaleString('en-US')} matches`);
  console.log(`  search across runs, first (indexes ${records.toLocaleString('en-US')} records): ${firstMs.toFixed(0)} ms (${first} hits)`);
  console.log(`  search across runs, index up to date: ${again.toFixed(1)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

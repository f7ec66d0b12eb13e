/**
 * Run in a fresh process (so RSS is this work's, not the bench's): open the big database,
 * list runs, page the 1M-record ledger from both ends and from the middle; print JSON.
 *   node --import tsx bench/scale/measure.ts FILE BIG_RUN_ID
 */
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';

const [file, bigRunId] = process.argv.slice(2) as [string, string];
const rssBefore = process.memoryUsage().rss;
const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const v = fn();
  return [v, performance.now() - t0];
};

const [store, openMs] = time(() => SqliteStore.open(file));
const [list, listMs] = time(() => store.listRuns({ limit: 50 }));
const [waitingList, filterMs] = time(() => store.listRuns({ status: 'waiting', limit: 50 }));
const [lastPage, lastPageMs] = time(() => store.readLedger(bigRunId, { fromEnd: true, limit: 200 }));
const mid = Math.floor(lastPage.total / 2);
const [midPage, midPageMs] = time(() => store.readLedger(bigRunId, { afterSeq: mid, limit: 200 }));
const [firstPage, firstPageMs] = time(() => store.readLedger(bigRunId, { afterSeq: -1, limit: 200 }));
const [, getRunMs] = time(() => store.getRun(bigRunId));
store.close();

process.stdout.write(
  JSON.stringify({
    openMs,
    listMs,
    filterMs,
    lastPageMs,
    midPageMs,
    firstPageMs,
    getRunMs,
    runsTotal: list.total,
    waitingTotal: waitingList.total,
    ledgerTotal: lastPage.total,
    pageSizes: [firstPage.records.length, midPage.records.length, lastPage.records.length],
    rssMB: process.memoryUsage().rss / 2 ** 20,
    rssBeforeMB: rssBefore / 2 ** 20,
  }) + '\n',
);

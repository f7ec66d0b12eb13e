/**
 * Fills a database for the scale figures: `runs` small completed runs and one run with a
 * `bigLedger`-record chain, all through SqliteStore.commit with the real hash rule
 * (sealRecord), in large batches (one transaction each) so generation stays quick.
 */
import { sealRecord, type RecordBody } from '../../src-main/runtime/recordHash';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import type { LedgerHead, LedgerRecord, RunState } from '../../src-shared/types';

const T = '2026-01-01T00:00:00.000Z';
const BATCH = 5_000;

export function runState(runId: string, head: LedgerHead | null, status: RunState['status'], stepCount: number): RunState {
  return {
    run_id: runId,
    workflow_id: 'bench.linear10',
    workflow_version: '1',
    parent_run_id: null,
    status,
    current_node: status === 'completed' ? 'n9' : `n${stepCount % 10}`,
    vars: { count: stepCount },
    output: status === 'completed' ? { count: stepCount } : null,
    error: null,
    waiting: null,
    paused: false,
    step_count: stepCount,
    visits: {},
    pending_effect: null,
    ledger_head: head,
    created_at: T,
    updated_at: T,
    actor_id: 'runtime',
    origin: null,
  };
}

export function transitionBody(runId: string, i: number): RecordBody {
  return {
    run_id: runId,
    step_id: `s${i}`,
    node_id: `n${i % 10}`,
    status: 'completed',
    kind: i === 0 ? 'run_started' : 'transition',
    effect: null,
    result: { next: `n${(i + 1) % 10}`, set: { count: i } },
    error: null,
    started_at: T,
    ended_at: T,
    actor_id: 'runtime',
    actor: null,
    attempt: 1,
    idempotency_key: null,
  };
}

/** Appends `count` records to a run, `BATCH` per commit; returns the new head. */
function appendRecords(store: SqliteStore, runId: string, count: number, from: LedgerHead | null, last: boolean): LedgerHead | null {
  let head = from;
  let done = 0;
  while (done < count) {
    const n = Math.min(BATCH, count - done);
    const startHead = head;
    const records: LedgerRecord[] = [];
    for (let i = 0; i < n; i++) {
      const r = sealRecord(transitionBody(runId, done + i), head);
      records.push(r);
      head = { seq: r.seq, hash: r.record_hash };
    }
    done += n;
    const status = last && done === count ? 'completed' : 'running';
    store.commit({
      state: runState(runId, head, status, done),
      records,
      expectedHeadSeq: startHead?.seq ?? null,
      isNew: startHead === null,
    });
  }
  return head;
}

export interface GeneratedScale {
  bigRunId: string;
  runs: number;
  records: number;
  ms: number;
}

export function generateScaleDb(file: string, opts: { runs: number; bigLedger: number; recordsPerSmallRun?: number }): GeneratedScale {
  const t0 = performance.now();
  const store = SqliteStore.open(file, { durability: 'process' });
  const per = opts.recordsPerSmallRun ?? 12;
  try {
    const bigRunId = 'big-ledger-run';
    appendRecords(store, bigRunId, opts.bigLedger, null, true);
    for (let i = 1; i < opts.runs; i++) appendRecords(store, `run-${String(i).padStart(6, '0')}`, per, null, true);
    return { bigRunId, runs: opts.runs, records: opts.bigLedger + (opts.runs - 1) * per, ms: performance.now() - t0 };
  } finally {
    store.close();
  }
}

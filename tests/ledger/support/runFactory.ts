/**
 * Builds runs and sealed records with the kernel's real hash rule, for store and ledger
 * tests that do not need a workflow to run.
 */
import type { JsonObject } from '../../../src-shared/json';
import type { LedgerHead, LedgerRecord, RunState } from '../../../src-shared/types';
import type { RuntimeStore } from '../../../src-main/runtime/contracts';
import { sealRecord, type RecordSigner } from '../../../src-main/runtime/recordHash';
import { makeActor } from '../../../src-main/runtime/actor';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const iso = (ms: number) => new Date(T0 + ms).toISOString();

export function makeState(runId: string, head: LedgerHead | null, over: Partial<RunState> = {}): RunState {
  return {
    run_id: runId,
    workflow_id: 'test.flow',
    workflow_version: '1',
    parent_run_id: null,
    status: 'running',
    current_node: 'a',
    vars: {},
    output: null,
    error: null,
    waiting: null,
    paused: false,
    step_count: head ? head.seq + 1 : 0,
    visits: {},
    pending_effect: null,
    ledger_head: head,
    created_at: iso(0),
    updated_at: iso(head ? head.seq : 0),
    actor_id: null,
    origin: null,
    ...over,
  };
}

export function makeRecord(runId: string, prev: LedgerHead | null, extra: Partial<LedgerRecord> = {}, signer?: RecordSigner): LedgerRecord {
  const seq = prev ? prev.seq + 1 : 0;
  return sealRecord(
    {
      run_id: runId,
      step_id: `step-${seq}`,
      node_id: 'a',
      status: 'completed',
      kind: 'transition',
      effect: null,
      result: { n: seq, ratio: seq / 3, text: 'café ☕ \u2028 "quoted"' } as JsonObject,
      error: null,
      started_at: iso(seq),
      ended_at: iso(seq),
      actor_id: 'tester',
      actor: makeActor('runtime', 'tests'),
      attempt: 1,
      idempotency_key: null,
      ...extra,
    },
    prev,
    signer,
  );
}

/** Commits `n` records (one per commit) to a new run and returns its final state. */
export function writeRun(
  store: RuntimeStore,
  runId: string,
  n: number,
  opts: { signer?: RecordSigner; state?: Partial<RunState> } = {},
): RunState {
  let head: LedgerHead | null = null;
  let state: RunState | null = null;
  for (let i = 0; i < n; i++) {
    const r = makeRecord(runId, head, {}, opts.signer);
    const next: LedgerHead = { seq: r.seq, hash: r.record_hash };
    state = makeState(runId, next, opts.state);
    store.commit({ state, records: [r], expectedHeadSeq: head?.seq ?? null, isNew: head === null });
    head = next;
  }
  return state!;
}

/**
 * Time travel from any record: the run's full state right after record `seq`, rebuilt from
 * the ledger (stateAt.ts replays vars and waits; visits and steps are counted here), kept as
 * a snapshot named after the record, so restore and fork go through the one path snapshots
 * already take (a `restored` / `forked` record names it, and replays find its state).
 *
 * A state can be rebuilt after a record that ends something: the run's start or fork, a
 * transition, a wait beginning, a resume, a restore. Inside a step (an effect started or
 * completed but the step not yet moved on) it cannot: the refusal names the record.
 *
 * The preview says what going back means, as the kernel does it: restore and fork re-key
 * every effect (visit counters never go back; a fork is a new run), so every effect after
 * the record runs again and no result is reused from the ledger; the wait the state was in
 * (if any) is armed again with a new key.
 */
import { randomUUID } from 'node:crypto';
import { ValidationError } from '../../src-shared/errors';
import type { JsonObject } from '../../src-shared/json';
import { canRebuildAfter, stepCounter, type TimeTravelPreview } from '../../src-shared/timeTravel';
import type { LedgerRecord, RunState, Snapshot, WaitState } from '../../src-shared/types';
import { buildSnapshot } from '../runtime/index';
import type { RuntimeStore, SnapshotStore } from '../runtime/contracts';
import type { StateAtIndex } from './stateAt';

const PAGE = 1000;

const MAX_LISTED = 200;

export function recordAt(store: RuntimeStore, runId: string, seq: number): LedgerRecord {
  const r = store.readLedger(runId, { afterSeq: seq - 1, limit: 1 }).records[0];
  if (!r || r.seq !== seq) throw new ValidationError(`run ${runId} has no record #${seq}`, { runId, seq });
  return r;
}

export function checkRebuildable(r: LedgerRecord): void {
  if (!canRebuildAfter(r))
    throw new ValidationError(
      `record #${r.seq} (${r.kind}${r.effect ? ` ${r.effect.type}` : ''}, ${r.status}) is inside a step: travel from the record that ends the step (its transition or wait)`,
      { seq: r.seq, kind: r.kind },
    );
}

/** The whole RunState right after `seq` (the run's identity from `run`, the rest rebuilt). */
export function stateAfter(store: RuntimeStore, states: StateAtIndex, run: RunState, seq: number): RunState {
  const rec = recordAt(store, run.run_id, seq);
  checkRebuildable(rec);
  const at = states.stateAt(run, seq);
  const { visits, steps } = countVisits(store, run.run_id, seq);
  const wait = rec.kind === 'effect' && rec.status === 'waiting' ? (rec.result as unknown as WaitState) : null;
  const next = rec.kind === 'transition' ? ((rec.result as { next?: unknown } | null)?.next as string | undefined) : undefined;
  return {
    ...structuredClone(run),
    status: wait ? 'waiting' : 'running',
    current_node: wait ? (rec.node_id ?? run.current_node) : (next ?? at.current_node ?? run.current_node),
    vars: structuredClone(at.vars) as JsonObject,
    output: null,
    error: null,
    waiting: wait ? structuredClone(wait) : null,
    paused: false,
    visits,
    step_count: steps,
    pending_effect: null,
    ledger_head: { seq, hash: rec.record_hash },
  };
}

function countVisits(store: RuntimeStore, runId: string, seq: number): { visits: Record<string, number>; steps: number } {
  const counter = stepCounter();
  let after = -1;
  while (after < seq) {
    const page = store.readLedger(runId, { afterSeq: after, limit: PAGE }).records;
    if (page.length === 0) break;
    for (const r of page) {
      if (r.seq > seq) break;
      after = r.seq;
      counter.add(r);
    }
  }
  return counter.counts;
}

/** Saves the rebuilt state as a snapshot named after the record (so restore and fork can name it). */
export function snapshotAfter(store: RuntimeStore & SnapshotStore, states: StateAtIndex, run: RunState, seq: number, now: Date): Snapshot {
  const state = stateAfter(store, states, run, seq);
  const snap = buildSnapshot(
    state,
    { name: `record #${seq}`, description: `state rebuilt from the ledger right after record #${seq}`, tags: ['time-travel'] },
    `snap-rec-${randomUUID()}`,
    now.toISOString(),
  );
  store.saveSnapshot(snap);
  return snap;
}

export function previewTimeTravel(store: RuntimeStore, states: StateAtIndex, run: RunState, seq: number): TimeTravelPreview {
  const state = stateAfter(store, states, run, seq);
  const effectsAgain: TimeTravelPreview['effectsAgain'] = [];
  let more = false;
  const head = run.ledger_head?.seq ?? -1;
  let after = seq;
  while (after < head && !more) {
    const page = store.readLedger(run.run_id, { afterSeq: after, limit: PAGE }).records;
    if (page.length === 0) break;
    for (const r of page) {
      after = r.seq;
      // One line per effect attempt's outcome (its `started` record adds nothing).
      if (r.kind !== 'effect' || !r.effect || r.status === 'started') continue;
      if (effectsAgain.length >= MAX_LISTED) {
        more = true;
        break;
      }
      effectsAgain.push({ seq: r.seq, type: r.effect.type, node_id: r.node_id });
    }
  }
  const w = state.waiting;
  return {
    seq,
    node: state.current_node,
    status: state.status,
    vars: state.vars,
    effectsAgain,
    moreEffects: more,
    reusedResults: 0,
    waitReArms: w ? { reason: w.reason, event_name: w.event_name, until: w.until, prompt: w.prompt } : null,
    superseded: Math.max(0, head - seq),
  };
}

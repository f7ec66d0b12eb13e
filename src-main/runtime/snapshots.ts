/** Bookmarks of run state, and the states that restore and fork derive from them (pure). */
import { ValidationError } from '../../src-shared/errors';
import type { JsonObject } from '../../src-shared/json';
import type { RunState, Snapshot } from '../../src-shared/types';
import { hashCanonical } from './sha256';
import { rekeyWait } from './waitState';
import { cloneJson } from './cloneJson';

export interface SnapshotInput {
  name: string;
  description?: string;
  tags?: string[];
}

export function buildSnapshot(state: RunState, input: SnapshotInput, snapshotId: string, now: string): Snapshot {
  if (typeof input?.name !== 'string' || !input.name.trim()) throw new ValidationError('a snapshot needs a name');
  const tags = input.tags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) throw new ValidationError('snapshot tags must be strings');
  return {
    snapshot_id: snapshotId,
    run_id: state.run_id,
    name: input.name,
    description: input.description ?? null,
    tags: [...tags],
    created_at: now,
    ledger_seq: state.ledger_head?.seq ?? -1,
    state_hash: hashCanonical(state),
    state: cloneJson(state),
  };
}

/** A snapshot whose state no longer matches its hash was altered after it was taken. */
export function checkSnapshot(snapshot: Snapshot): void {
  if (!snapshot?.state || hashCanonical(snapshot.state) !== snapshot.state_hash)
    throw new ValidationError(`snapshot ${snapshot?.snapshot_id} does not match its state hash`, { snapshotId: snapshot?.snapshot_id });
}

/**
 * The state a restore writes: the snapshot's, on top of the run's current ledger head
 * (history is kept). Visit counters never go back, so effects re-run after a restore get
 * fresh idempotency keys: a rollback is made to do things again, not to replay them.
 */
export function restoredState(current: RunState, snapshot: Snapshot, rekeyTag: string): RunState {
  const s = cloneJson(snapshot.state);
  const visits = { ...s.visits };
  for (const [node, n] of Object.entries(current.visits)) visits[node] = Math.max(n, visits[node] ?? 0);
  return {
    ...s,
    visits,
    step_count: current.step_count,
    paused: current.paused,
    ledger_head: current.ledger_head,
    created_at: current.created_at,
    parent_run_id: current.parent_run_id,
    origin: current.origin,
    waiting: s.waiting ? rekeyWait(s.waiting, rekeyTag) : null,
  };
}

/** A new run from a snapshot: own id, own chain, linked to where it came from. */
export function forkedState(snapshot: Snapshot, runId: string, vars: JsonObject | undefined, now: string): RunState {
  const s = cloneJson(snapshot.state);
  const waiting = s.waiting
    ? { ...s.waiting, wait_key: `${s.waiting.reason}:${runId}:${s.current_node}:${s.visits[s.current_node] ?? 1}@fork` }
    : null;
  return {
    ...s,
    run_id: runId,
    parent_run_id: null,
    vars: vars ? { ...s.vars, ...vars } : s.vars,
    waiting,
    paused: false,
    ledger_head: null,
    created_at: now,
    updated_at: now,
    origin: {
      kind: 'fork',
      run_id: snapshot.run_id,
      seq: snapshot.ledger_seq,
      hash: snapshot.state.ledger_head?.hash ?? '',
      snapshot_id: snapshot.snapshot_id,
    },
  };
}

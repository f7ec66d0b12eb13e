/**
 * A run's state as it was right after ledger record `seq`, rebuilt by replaying the ledger
 * from its first record (records do not carry full state):
 * - vars: `run_started`/`forked` give the initial vars; a transition merges its `set`; a
 *   completed effect puts its result at its result_key; a `resumed` record puts its payload
 *   at the result_key of the wait it answered (unless the wait's handler turned the payload
 *   into an effect result, which the following `completed` record carries); `restored`
 *   takes the vars of the snapshot it names.
 * - current_node: the node of the next record (the run was there when it wrote it); at the
 *   head, the run's current node.
 * The replay at the head equals the stored vars (tests/host/stateAt.test.ts checks it).
 */
import { ValidationError } from '../../src-shared/errors';
import type { JsonObject, JsonValue } from '../../src-shared/json';
import type { LedgerRecord, RunState, RunStatus, WaitState } from '../../src-shared/types';
import type { RuntimeStore, SnapshotStore } from '../runtime/contracts';

export interface StateAt {
  seq: number;
  vars: unknown;
  status: string;
  current_node: string | null;
}

interface Replay {
  vars: JsonObject;
  status: RunStatus;
  wait: WaitState | null;
}

export function stateAt(store: RuntimeStore & SnapshotStore, run: RunState, seq: number): StateAt {
  const head = run.ledger_head?.seq ?? -1;
  if (seq > head) throw new ValidationError(`run ${run.run_id} has no record ${seq} (its last record is ${head})`, { seq, head });
  const r: Replay = { vars: {}, status: 'running', wait: null };
  let nextNode: string | null = null;
  for (const rec of store.iterateLedger(run.run_id)) {
    if (rec.seq > seq) {
      nextNode = rec.node_id;
      break;
    }
    apply(store, r, rec);
  }
  return { seq, vars: r.vars, status: r.status, current_node: seq === head ? run.current_node : nextNode };
}

function apply(store: SnapshotStore, r: Replay, rec: LedgerRecord): void {
  const result = rec.result as Record<string, JsonValue> | null;
  switch (rec.kind) {
    case 'run_started':
    case 'forked':
      r.vars = isObject(result?.vars) ? { ...result.vars } : {};
      r.status = 'running';
      return;
    case 'transition':
      if (rec.status === 'completed' && isObject(result?.set)) r.vars = { ...r.vars, ...result.set };
      return;
    case 'effect':
      return applyEffect(r, rec);
    case 'resumed':
      return applyResumed(r, rec);
    case 'restored':
      return applyRestored(store, r, result);
    case 'completed':
      r.status = 'completed';
      return;
    case 'failed':
      r.status = 'failed';
      return;
    case 'cancelled':
      r.status = 'cancelled';
      r.wait = null;
      return;
    default:
      return;
  }
}

function applyEffect(r: Replay, rec: LedgerRecord): void {
  if (rec.status === 'waiting') {
    r.wait = rec.result as unknown as WaitState;
    r.status = 'waiting';
    return;
  }
  r.status = 'running';
  if (rec.status === 'completed' && rec.effect?.result_key) r.vars = { ...r.vars, [rec.effect.result_key]: rec.result };
}

function applyResumed(r: Replay, rec: LedgerRecord): void {
  const wait = r.wait;
  r.wait = null;
  r.status = 'running';
  if (!wait || wait.reason === 'recovery' || isObject(wait.details?.effect)) return;
  if (wait.result_key) r.vars = { ...r.vars, [wait.result_key]: rec.result };
  if (!wait.resume_to_node) r.status = 'completed';
}

function applyRestored(store: SnapshotStore, r: Replay, result: Record<string, JsonValue> | null): void {
  const id = typeof result?.snapshot_id === 'string' ? result.snapshot_id : null;
  const snap = id ? store.getSnapshot(id) : null;
  if (!snap) return;
  r.vars = structuredClone(snap.state.vars);
  r.status = snap.state.status;
  r.wait = snap.state.waiting;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

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
 * The replay at the head equals the stored vars (tests/host/stateAt.test.ts checks it). An
 * imported Python run starts from the state it was imported with, at the seq it was imported
 * at (its records carry no initial vars); before that seq only what records set is shown.
 */
import { ValidationError } from '../../src-shared/errors';
import type { JsonObject, JsonValue } from '../../src-shared/json';
import type { LedgerRecord, RunState, RunStatus, WaitState } from '../../src-shared/types';
import type { ArtifactStore, RuntimeStore, SnapshotStore } from '../runtime/contracts';
import { importedPythonStart } from '../ledger/pythonImportedState';
import { cloneJson } from '../runtime/cloneJson';

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

const PAGE = 1000;
/** A replay checkpoint is kept every CHECKPOINT_EVERY records, for the most recent runs. */
const CHECKPOINT_EVERY = 1000;
const MAX_RUNS = 16;
const MAX_CHECKPOINTS_PER_RUN = 200;

interface Checkpoint {
  seq: number;
  replay: Replay;
}

/**
 * Replays with checkpoints: ledgers are append-only, so the replay up to a seq never changes
 * and can be resumed from the nearest earlier checkpoint (the state inspector walks seqs one
 * by one, over ledgers of 100k+ records).
 */
export class StateAtIndex {
  private readonly checkpoints = new Map<string, Checkpoint[]>();

  constructor(private readonly store: RuntimeStore & SnapshotStore) {}

  stateAt(run: RunState, seq: number): StateAt {
    const head = run.ledger_head?.seq ?? -1;
    if (seq > head) throw new ValidationError(`run ${run.run_id} has no record ${seq} (its last record is ${head})`, { seq, head });
    const cps = this.runCheckpoints(run);
    const start = [...cps].reverse().find((c) => c.seq <= seq);
    const r: Replay = start ? cloneReplay(start.replay) : { vars: {}, status: 'running', wait: null };
    let after = start?.seq ?? -1;
    let nextNode: string | null = null;
    while (after < seq) {
      const page = this.store.readLedger(run.run_id, { afterSeq: after, limit: PAGE }).records;
      if (page.length === 0) break;
      for (const rec of page) {
        if (rec.seq > seq) break;
        apply(this.store, r, rec);
        after = rec.seq;
        if (rec.seq % CHECKPOINT_EVERY === CHECKPOINT_EVERY - 1) this.remember(run.run_id, rec.seq, r);
      }
    }
    if (seq < head) nextNode = this.store.readLedger(run.run_id, { afterSeq: seq, limit: 1 }).records[0]?.node_id ?? null;
    return { seq, vars: r.vars, status: r.status, current_node: seq === head ? run.current_node : nextNode };
  }

  private runCheckpoints(run: RunState): Checkpoint[] {
    const runId = run.run_id;
    const cps = this.checkpoints.get(runId) ?? seedCheckpoints(this.store, run);
    // Re-insert: Map order is the LRU order.
    this.checkpoints.delete(runId);
    this.checkpoints.set(runId, cps);
    while (this.checkpoints.size > MAX_RUNS) this.checkpoints.delete(this.checkpoints.keys().next().value!);
    return cps;
  }

  private remember(runId: string, seq: number, r: Replay): void {
    const cps = this.checkpoints.get(runId);
    if (!cps || cps.some((c) => c.seq === seq) || cps.length >= MAX_CHECKPOINTS_PER_RUN) return;
    cps.push({ seq, replay: cloneReplay(r) });
    cps.sort((a, b) => a.seq - b.seq);
  }
}

/** An imported Python run's replay starts from its imported state at the seq it was imported at. */
function seedCheckpoints(store: RuntimeStore & SnapshotStore, run: RunState): Checkpoint[] {
  const start = importedPythonStart(store as Partial<ArtifactStore>, run);
  return start ? [{ seq: start.seq, replay: { vars: start.vars, status: start.status, wait: start.wait } }] : [];
}

/** One-off replay without a cache (tests, tools). */
export function stateAt(store: RuntimeStore & SnapshotStore, run: RunState, seq: number): StateAt {
  return new StateAtIndex(store).stateAt(run, seq);
}

function cloneReplay(r: Replay): Replay {
  return { vars: cloneJson(r.vars), status: r.status, wait: r.wait ? cloneJson(r.wait) : null };
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
  r.vars = cloneJson(snap.state.vars);
  r.status = snap.state.status;
  r.wait = snap.state.waiting;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

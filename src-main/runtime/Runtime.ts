/**
 * The kernel's driver: loads a run, takes its lease, lets the step functions decide, and
 * writes through one atomic `store.commit` per step (pure transitions are grouped).
 * Everything it touches is injected: store, workflows, effect handlers, clock, ids.
 */
import { isValidRunId, RUN_ID_RULE } from '../../src-shared/runId';
import { findUnstorable } from '../../src-shared/storableJson';
import { nonFiniteReason } from './readOnlyRun';
import { notResumableReason } from './resumable';
import { checkAnswer, type AnswerKind } from './answerRules';
import { newRunState } from './newRunState';
import { randomUUID } from 'node:crypto';
import {
  NonJsonValueError,
  RunNotFoundError,
  RunNotResumableError,
  RunNotWaitingError,
  RunPausedError,
  RunTerminalError,
  SnapshotNotFoundError,
  ValidationError,
  WrongWaitKeyError,
  ConcurrentUpdateError,
  RunLeasedError,
  WorkflowNotFoundError,
} from '../../src-shared/errors';
import { canonicalJson } from '../../src-shared/canonicalJson';
import { findNonJsonPath, isJsonObject, type JsonObject, type JsonValue } from '../../src-shared/json';
import { TERMINAL_STATUSES, type ActorFingerprint, type RunState, type Snapshot } from '../../src-shared/types';
import { cloneJson } from './cloneJson';
import type {
  ArtifactStore,
  Clock,
  EffectHandlers,
  IdGenerator,
  RuntimeStore,
  SnapshotStore,
  WorkflowDefinition,
  WorkflowRegistry,
} from './contracts';
import { DEFAULT_ACTOR } from './actor';
import { DEFAULT_ARTIFACT_THRESHOLD, externalizeVars, resolveArtifacts } from './artifacts';
import { DEFAULT_HANDLER_TIMEOUT_MS } from './handlerTimeout';
import { systemClock } from './clock';
import { randomIds } from './ids';
import type { KernelContext } from './kernelContext';
import type { RecordSigner } from './recordHash';
import { recoverPending } from './recovery';
import { resumeWait } from './resumeWait';
import { RunTx, type TxEnv } from './runTx';
import { buildSnapshot, checkSnapshot, forkedState, restoredState, type SnapshotInput } from './snapshots';
import { stepNode } from './stepNode';
import { checkForkVars, checkStartVars } from './workflowInput';
import { RunLocks } from './runLocks';

export interface RuntimeOptions {
  store: RuntimeStore;
  workflows: WorkflowRegistry;
  effects?: EffectHandlers;
  clock?: Clock;
  ids?: IdGenerator;
  actor?: ActorFingerprint;
  leaseOwner?: string;
  leaseTtlMs?: number;
  signer?: RecordSigner;
  artifacts?: ArtifactStore;
  artifactThreshold?: number;
  snapshots?: SnapshotStore;
  /** A node handler's time limit (default 30 s): past it the run fails with HANDLER_TIMEOUT. */
  handlerTimeoutMs?: number;
}

export interface StartOptions {
  version?: string;
  /**
   * The new run's id (default: a fresh one). A host names child runs after their parent's
   * effect so a retried start finds the child it already made; an id in use is refused.
   */
  runId?: string;
  parentRunId?: string | null;
  actor?: ActorFingerprint;
  /**
   * Also advance the new run, as `tick` would, in the same operation: `run_started` and the
   * pure steps that follow are one commit (a side-effecting effect still commits its intent
   * first). A crash before that commit leaves no run at all.
   */
  advance?: TickOptions;
}

export interface TickOptions {
  /** Steps at most (default 1000, so a looping workflow cannot hold the host forever). */
  maxSteps?: number;
  /** Stop before executing one of these nodes, unless it is the first node of this tick. */
  breakBefore?: readonly string[];
  /**
   * The caller's read of the run, made after this kernel claimed it (`adoptClaim`). The tick
   * starts from it, sparing a read, only while the claim is untouched: no commit of this
   * kernel since the claim, and the lease keeps every other process from committing.
   * Otherwise the tick loads the run as usual.
   */
  claimedState?: RunState;
}

export interface ResumeOptions {
  waitKey: string;
  payload: JsonValue;
  actor?: ActorFingerprint;
  /** Also advance the resumed run, as `tick` would, in the same operation (the `resumed` record and the steps after it are one commit). */
  advance?: TickOptions;
  /** The payload answers a question (`user`) or decides tool calls: the wait must be that, and the payload fit it (answerRules.ts). */
  answers?: AnswerKind;
}

export const DEFAULT_MAX_STEPS = 1000;

export class Runtime {
  readonly store: RuntimeStore;
  private readonly k: KernelContext;
  private readonly leaseOwner: string;
  private readonly leaseTtlMs: number;
  private readonly snapshotStore: SnapshotStore | undefined;
  private readonly locks: RunLocks;
  private readonly inflight = new Map<string, AbortController>();
  private readonly pauseRequested = new Set<string>();

  constructor(opts: RuntimeOptions) {
    const ids = opts.ids ?? randomIds;
    this.store = opts.store;
    this.k = {
      store: opts.store,
      workflows: opts.workflows,
      effects: opts.effects ?? {},
      clock: opts.clock ?? systemClock,
      ids,
      actor: opts.actor ?? DEFAULT_ACTOR,
      signer: opts.signer,
      artifacts: opts.artifacts,
      artifactThreshold: opts.artifactThreshold ?? DEFAULT_ARTIFACT_THRESHOLD,
      handlerTimeoutMs: opts.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS,
    };
    this.leaseOwner = opts.leaseOwner ?? `runtime-${randomUUID()}`;
    this.leaseTtlMs = opts.leaseTtlMs ?? 30_000;
    this.snapshotStore = opts.snapshots ?? (isSnapshotStore(opts.store) ? opts.store : undefined);
    this.locks = new RunLocks(opts.store, () => this.k.clock.now(), this.leaseOwner, this.leaseTtlMs);
  }

  /**
   * A lease of this runtime's owner that a worker took by claiming the run: the run's last
   * commit releases it, as it releases the lease of any operation, and `releaseClaim` releases
   * what no commit did.
   */
  adoptClaim(runId: string): void {
    this.locks.adopt(runId);
  }

  /** Releases an adopted claim no commit released, unless an operation is on the run (it releases it then). */
  releaseClaim(runId: string): void {
    this.locks.releaseClaim(runId);
  }

  /** Why this kernel cannot continue the run (read-only, or its workflow is not registered), or null when it can. */
  notResumableReason(state: RunState): string | null {
    return notResumableReason(state, this.k.workflows);
  }

  /** A fresh run id from the injected generator (a host names a run before creating it). */
  newRunId(): string {
    return this.k.ids.runId();
  }

  // Every operation returns only once what it committed is on disk (group commit: the
  // commits of every run in flight share one fsync; see SqliteStore.whenDurable).

  /** Creates a run at its entry node (status running) with its `run_started` record. Does not tick. */
  start(workflowId: string, vars: JsonObject = {}, opts: StartOptions = {}): Promise<RunState> {
    // Named here: the durability wait is for this run's commits (and their refusal).
    const named = opts.runId === undefined ? { ...opts, runId: this.k.ids.runId() } : opts;
    return this.durable(this.startNow(workflowId, vars, named), named.runId);
  }

  /** Advances a running run until it waits, ends, is paused, or `maxSteps` nodes ran. */
  tick(runId: string, opts: TickOptions = {}): Promise<RunState> {
    return this.durable(this.tickNow(runId, opts), runId);
  }

  /**
   * Answers the run's current wait. The payload lands whole at the wait's result key and the
   * run continues at `resume_to_node` (or completes with the payload). Does not tick.
   * Repeating a resume already applied (same wait key, same payload) returns the state and
   * writes nothing; another payload for a wait already resumed, or one that lost the commit
   * race to another process, is refused with RUN_NOT_WAITING.
   */
  resume(runId: string, opts: ResumeOptions): Promise<RunState> {
    return this.durable(this.resumeNow(runId, opts), runId);
  }

  /** A paused run is neither ticked nor resumed (its timers do not fire) until unpaused. Waits for an in-flight step. */
  pause(runId: string, actor?: ActorFingerprint): Promise<RunState> {
    return this.durable(this.pauseNow(runId, actor), runId);
  }

  unpause(runId: string, actor?: ActorFingerprint): Promise<RunState> {
    return this.durable(this.unpauseNow(runId, actor), runId);
  }

  /**
   * Ends the run as cancelled, at once: an in-flight effect is told through its AbortSignal
   * and its outcome, if it still arrives, is discarded.
   */
  cancel(runId: string, reason?: string, actor?: ActorFingerprint): Promise<RunState> {
    return this.durable(this.cancelNow(runId, reason, actor), runId);
  }

  /** Bookmarks the run's current state (saved in the snapshot store) and records it. */
  createSnapshot(runId: string, input: SnapshotInput, actor?: ActorFingerprint): Promise<Snapshot> {
    return this.durable(this.createSnapshotNow(runId, input, actor), runId);
  }

  /**
   * Rolls the run back to a snapshot of it. History stays: a `restored` record is appended.
   * Allowed whatever the run's status: restoring a completed, failed or cancelled run revives it.
   */
  restore(runId: string, snapshotOrId: Snapshot | string, actor?: ActorFingerprint): Promise<RunState> {
    return this.durable(this.restoreNow(runId, snapshotOrId, actor), runId);
  }

  /** Starts a new run from a snapshot (optionally with edited vars), with its own chain. */
  fork(snapshotOrId: Snapshot | string, opts: { vars?: JsonObject; actor?: ActorFingerprint } = {}): Promise<RunState> {
    return this.durable(this.forkNow(snapshotOrId, opts));
  }

  private async durable<T>(op: Promise<T>, runId?: string): Promise<T> {
    try {
      return await op;
    } finally {
      // Also after a failure: whatever the operation committed before it failed. A refused
      // deferred commit of the run rejects here, in place of the operation's result.
      await this.store.whenDurable?.(runId);
    }
  }

  get workflows(): WorkflowRegistry {
    return this.k.workflows;
  }

  /** Creates a run at its entry node (status running) with its `run_started` record. Does not tick. */
  private async startNow(workflowId: string, vars: JsonObject = {}, opts: StartOptions = {}): Promise<RunState> {
    const wf = this.requireWorkflow(workflowId, opts.version);
    checkJson(vars, 'vars');
    if (!isJsonObject(vars)) throw new NonJsonValueError('vars must be a JSON object', { path: 'vars' });
    if (opts.runId !== undefined && !isValidRunId(opts.runId))
      throw new ValidationError(`runId ${JSON.stringify(opts.runId).slice(0, 120)} is not a run id (${RUN_ID_RULE})`, {
        runId: opts.runId,
      });
    const inputWarnings = checkStartVars(wf, { ...(wf.defaultVars ?? {}), ...vars });
    const now = this.now();
    const state = newRunState({
      runId: opts.runId ?? this.k.ids.runId(),
      workflowId: wf.id,
      workflowVersion: wf.version,
      entry: wf.entry,
      // Defaults are copied too: the run must never share objects with its workflow definition.
      vars: externalizeVars(cloneJson({ ...(wf.defaultVars ?? {}), ...vars }), this.k.artifacts, this.k.artifactThreshold), // checked plain JSON just above
      now,
      actorId: this.k.actor.id,
      parentRunId: opts.parentRunId ?? null,
    });
    const advance = opts.advance;
    const tx = new RunTx(this.txEnv(advance ? state.run_id : undefined, true), state, true);
    tx.append({
      kind: 'run_started',
      status: 'completed',
      result: {
        workflow_id: wf.id,
        workflow_version: wf.version,
        vars: state.vars,
        parent_run_id: state.parent_run_id,
        ...(inputWarnings.length ? { input_warnings: inputWarnings } : {}),
      },
      actor: opts.actor,
    });
    if (!advance) {
      tx.flush();
      return tx.state;
    }
    return this.locks.withRun(state.run_id, () => this.advanceInFlight(tx, wf, advance));
  }

  /** Advances a running run until it waits, ends, is paused, or `maxSteps` nodes ran. */
  private async tickNow(runId: string, opts: TickOptions = {}): Promise<RunState> {
    return this.locks.withRun(runId, async () => {
      const known = opts.claimedState;
      const state = known?.run_id === runId && this.locks.untouchedClaim(runId) ? known : this.load(runId);
      if (state.status !== 'running' || state.paused) return state;
      return this.advanceInFlight(new RunTx(this.txEnv(runId, true), state), this.workflowOf(state), opts);
    });
  }

  /** `advance`, cancellable: the run's AbortController is registered while it runs. */
  private async advanceInFlight(tx: RunTx, wf: WorkflowDefinition, opts: TickOptions): Promise<RunState> {
    const runId = tx.state.run_id;
    const controller = new AbortController();
    this.inflight.set(runId, controller);
    try {
      return await this.advance(tx, wf, opts, controller.signal);
    } catch (err) {
      if (controller.signal.aborted && err instanceof ConcurrentUpdateError) return this.load(runId);
      throw err;
    } finally {
      if (this.inflight.get(runId) === controller) this.inflight.delete(runId);
    }
  }

  private async advance(tx: RunTx, wf: WorkflowDefinition, opts: TickOptions, signal: AbortSignal): Promise<RunState> {
    const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
    const runId = tx.state.run_id;
    if (tx.state.pending_effect && (await recoverPending(this.k, tx, wf, signal)) === 'aborted') return this.load(runId);
    for (let steps = 0; tx.state.status === 'running' && steps < maxSteps; steps++) {
      if (signal.aborted) return this.load(runId);
      if (this.pauseRequested.has(runId)) break;
      if (steps > 0 && opts.breakBefore?.includes(tx.state.current_node)) break;
      if ((await stepNode(this.k, tx, wf, signal)) === 'aborted') return this.load(runId);
    }
    if (signal.aborted) return this.load(runId);
    tx.flush(true);
    return tx.state;
  }

  /**
   * Answers the run's current wait. The payload lands whole at the wait's result key and the
   * run continues at `resume_to_node` (or completes with the payload). Does not tick.
   * Repeating a resume already applied (same wait key) returns the state and writes nothing.
   */
  private async resumeNow(runId: string, opts: ResumeOptions): Promise<RunState> {
    try {
      return await this.resumeLocked(runId, opts);
    } catch (err) {
      // Lost the commit race to another process: if it resumed this wait meanwhile, say so (retrying cannot help).
      if (err instanceof ConcurrentUpdateError || err instanceof RunLeasedError) {
        const now = this.store.getRun(runId);
        if (now && (now.status !== 'waiting' || now.waiting?.wait_key !== opts.waitKey))
          throw new RunNotWaitingError(`run ${runId} was resumed meanwhile by another process; yours was not applied`, {
            runId,
            waitKey: opts.waitKey,
          });
      }
      throw err;
    }
  }

  private async resumeLocked(runId: string, opts: ResumeOptions): Promise<RunState> {
    return this.locks.withRun(runId, async () => {
      const state = this.load(runId);
      if (state.waiting?.wait_key !== opts.waitKey || state.status !== 'waiting') {
        const done = this.store.findCompletedEffect(runId, opts.waitKey);
        if (done?.kind === 'resumed') {
          // A repeat of the resume applied is a no-op. Another payload is someone else's answer
          // that lost: it must hear so (nothing of it was written), not be told it was applied.
          // The record may hold parts of the payload as artifacts: values are compared, not storage.
          if (canonicalJson(resolveArtifacts(done.result, this.k.artifacts)) !== canonicalJson(opts.payload))
            throw new RunNotWaitingError(
              `run ${runId} was resumed meanwhile by another process with a different answer; yours was not applied`,
              { runId, waitKey: opts.waitKey },
            );
          return state;
        }
      }
      if (state.paused) throw new RunPausedError(`run ${runId} is paused: unpause it before resuming`, { runId });
      if (state.status !== 'waiting' || !state.waiting)
        throw new RunNotWaitingError(`run ${runId} is ${state.status}, not waiting`, { runId, status: state.status });
      if (state.waiting.wait_key !== opts.waitKey)
        throw new WrongWaitKeyError(`run ${runId} waits on "${state.waiting.wait_key}", not "${opts.waitKey}"`, {
          runId,
          expected: state.waiting.wait_key,
        });
      checkJson(opts.payload, 'payload');
      if (opts.answers) checkAnswer(state, state.waiting, opts.answers, opts.payload);
      const wf = this.workflowOf(state);
      const controller = new AbortController();
      this.inflight.set(runId, controller);
      try {
        const tx = new RunTx(this.txEnv(runId), state);
        const outcome = await resumeWait(this.k, tx, wf, opts.payload, opts.actor ?? this.k.actor, controller.signal);
        if (outcome === 'aborted') return this.load(runId);
        if (opts.advance && tx.state.status === 'running' && !tx.state.paused)
          return await this.advance(tx, wf, opts.advance, controller.signal);
        tx.flush(true);
        return tx.state;
      } finally {
        if (this.inflight.get(runId) === controller) this.inflight.delete(runId);
      }
    });
  }

  /** A paused run is neither ticked nor resumed (its timers do not fire) until unpaused. Waits for an in-flight step. */
  private async pauseNow(runId: string, actor?: ActorFingerprint): Promise<RunState> {
    this.pauseRequested.add(runId);
    try {
      return await this.locks.withRun(runId, async () => this.setPaused(runId, true, actor));
    } finally {
      this.pauseRequested.delete(runId);
    }
  }

  private async unpauseNow(runId: string, actor?: ActorFingerprint): Promise<RunState> {
    return this.locks.withRun(runId, async () => this.setPaused(runId, false, actor));
  }

  private setPaused(runId: string, paused: boolean, actor?: ActorFingerprint): RunState {
    const state = this.load(runId);
    if (TERMINAL_STATUSES.includes(state.status))
      throw new RunTerminalError(`run ${runId} is ${state.status}: it cannot be ${paused ? 'paused' : 'unpaused'}`, { runId });
    if (state.paused === paused) return state;
    const tx = new RunTx(this.txEnv(runId), state);
    tx.append({ kind: paused ? 'paused' : 'unpaused', status: 'completed', actor });
    tx.update({ paused });
    tx.flush(true);
    return tx.state;
  }

  /**
   * Ends the run as cancelled, at once: an in-flight effect is told through its AbortSignal
   * and its outcome, if it still arrives, is discarded.
   */
  private async cancelNow(runId: string, reason?: string, actor?: ActorFingerprint): Promise<RunState> {
    return this.locks.withLease(runId, async () => {
      const state = this.load(runId);
      if (TERMINAL_STATUSES.includes(state.status))
        throw new RunTerminalError(`run ${runId} is already ${state.status}`, { runId, status: state.status });
      this.inflight.get(runId)?.abort(new Error(reason ?? 'cancelled'));
      const tx = new RunTx(this.txEnv(runId), state);
      tx.append({ kind: 'cancelled', status: 'completed', result: { reason: reason ?? null }, actor });
      tx.update({ status: 'cancelled', waiting: null, pending_effect: null, error: null });
      tx.flush(true);
      return tx.state;
    });
  }

  getState(runId: string): RunState {
    return this.load(runId);
  }

  /** Bookmarks the run's current state (saved in the snapshot store) and records it. */
  private async createSnapshotNow(runId: string, input: SnapshotInput, actor?: ActorFingerprint): Promise<Snapshot> {
    const snapshots = this.requireSnapshotStore();
    return this.locks.withRun(runId, async () => {
      const state = this.load(runId);
      const snapshot = buildSnapshot(state, input, this.newSnapshotId(), this.now());
      snapshots.saveSnapshot(snapshot);
      const tx = new RunTx(this.txEnv(runId), state);
      tx.append({
        kind: 'snapshot',
        status: 'completed',
        result: {
          snapshot_id: snapshot.snapshot_id,
          name: snapshot.name,
          ledger_seq: snapshot.ledger_seq,
          state_hash: snapshot.state_hash,
        },
        actor,
      });
      tx.flush(true);
      return snapshot;
    });
  }

  /**
   * Rolls the run back to a snapshot of it. History stays: a `restored` record is appended.
   * Allowed whatever the run's status: restoring a completed, failed or cancelled run revives it.
   */
  private async restoreNow(runId: string, snapshotOrId: Snapshot | string, actor?: ActorFingerprint): Promise<RunState> {
    const snapshot = this.resolveSnapshot(snapshotOrId);
    checkSnapshot(snapshot);
    refuseNonFinite(snapshot);
    if (snapshot.run_id !== runId)
      throw new ValidationError(`snapshot ${snapshot.snapshot_id} belongs to run ${snapshot.run_id}, not ${runId}: fork it instead`, {
        runId,
      });
    this.inflight.get(runId)?.abort(new Error('restored'));
    return this.locks.withRun(runId, async () => {
      const current = this.load(runId);
      const seq = (current.ledger_head?.seq ?? -1) + 1;
      const tx = new RunTx(this.txEnv(runId), restoredState(current, snapshot, `restored-${seq}`));
      tx.append({
        kind: 'restored',
        status: 'completed',
        result: { snapshot_id: snapshot.snapshot_id, snapshot_seq: snapshot.ledger_seq, state_hash: snapshot.state_hash },
        actor,
      });
      tx.flush(true);
      return tx.state;
    });
  }

  /** Starts a new run from a snapshot (optionally with edited vars), with its own chain. */
  private async forkNow(snapshotOrId: Snapshot | string, opts: { vars?: JsonObject; actor?: ActorFingerprint } = {}): Promise<RunState> {
    const snapshot = this.resolveSnapshot(snapshotOrId);
    checkSnapshot(snapshot);
    refuseNonFinite(snapshot);
    if (opts.vars !== undefined) {
      checkJson(opts.vars, 'vars');
      if (!isJsonObject(opts.vars)) throw new NonJsonValueError('vars must be a JSON object', { path: 'vars' });
      const wf = this.k.workflows.get(snapshot.state.workflow_id, snapshot.state.workflow_version);
      if (wf) checkForkVars(wf, opts.vars, snapshot.state.vars);
    }
    const edited = opts.vars && externalizeVars(opts.vars, this.k.artifacts, this.k.artifactThreshold);
    const state = forkedState(snapshot, this.k.ids.runId(), edited, this.now());
    const tx = new RunTx(this.txEnv(), state, true);
    tx.append({
      kind: 'forked',
      status: 'completed',
      result: { origin: state.origin as unknown as JsonValue, edited_vars: edited ?? null, vars: state.vars },
      actor: opts.actor,
    });
    tx.flush();
    return tx.state;
  }

  // ------------------------------------------------------------ internals

  private load(runId: string): RunState {
    const state = this.store.getRun(runId);
    if (!state) throw new RunNotFoundError(`run ${runId} not found`, { runId });
    return state;
  }

  private requireWorkflow(id: string, version?: string): WorkflowDefinition {
    const wf = this.k.workflows.get(id, version);
    if (!wf) {
      const what = `workflow "${id}"${version ? ` version "${version}"` : ''}`;
      throw new WorkflowNotFoundError(`${what} is not registered`, { workflowId: id, version: version ?? null });
    }
    return wf;
  }

  private workflowOf(state: RunState): WorkflowDefinition {
    const reason = this.notResumableReason(state);
    const wf = reason ? undefined : this.k.workflows.get(state.workflow_id, state.workflow_version);
    if (!wf)
      throw new RunNotResumableError(`run ${state.run_id} cannot be resumed: ${reason}`, {
        runId: state.run_id,
        workflowId: state.workflow_id,
        version: state.workflow_version,
      });
    return wf;
  }

  private resolveSnapshot(s: Snapshot | string): Snapshot {
    if (typeof s !== 'string') return s;
    const found = this.requireSnapshotStore().getSnapshot(s);
    if (!found) throw new SnapshotNotFoundError(`snapshot ${s} not found`, { snapshotId: s });
    return found;
  }

  private requireSnapshotStore(): SnapshotStore {
    if (!this.snapshotStore) throw new ValidationError('this runtime has no snapshot store');
    return this.snapshotStore;
  }

  private newSnapshotId(): string {
    return this.k.ids.snapshotId?.() ?? `snap-${this.k.ids.stepId()}`;
  }

  // Formatting a date costs more than reading the clock; records of one step mostly share
  // a millisecond, so the last text is reused while the clock reads the same instant.
  private lastNowMs = Number.NaN;
  private lastNowIso = '';

  private now(): string {
    const ms = this.k.clock.now().getTime();
    if (ms !== this.lastNowMs) {
      this.lastNowIso = new Date(ms).toISOString();
      this.lastNowMs = ms;
    }
    return this.lastNowIso;
  }

  /** `deferrable`: the operation is one of those whose every commit is awaited durable before it is relied on (start, tick). */
  private txEnv(runId?: string, deferrable = false): TxEnv {
    return {
      store: this.store,
      signer: this.k.signer,
      actor: this.k.actor,
      now: () => this.now(),
      newStepId: () => this.k.ids.stepId(),
      ...(runId ? { lease: this.locks.leaseFor(runId) } : {}),
      ...(deferrable ? { deferrable } : {}),
    };
  }
}

function checkJson(value: unknown, path: string): void {
  const bad = findNonJsonPath(value, path);
  if (bad) throw new NonJsonValueError(`${bad} is not plain JSON (it would not survive JSON.stringify/parse unchanged)`, { path: bad });
  const unstorable = findUnstorable(value, path);
  if (unstorable) throw new NonJsonValueError(unstorable.message, { path: unstorable.path, problem: unstorable.problem });
}

function isSnapshotStore(s: unknown): s is SnapshotStore {
  return typeof (s as SnapshotStore).saveSnapshot === 'function' && typeof (s as SnapshotStore).getSnapshot === 'function';
}

/** A snapshot whose state holds Python's NaN / Infinity by name would bring strings where numbers were into a run here. */
function refuseNonFinite(snapshot: Snapshot): void {
  const why = nonFiniteReason(snapshot.state);
  if (why)
    throw new RunNotResumableError(`snapshot ${snapshot.snapshot_id} cannot be restored or forked: ${why}`, {
      snapshotId: snapshot.snapshot_id,
    });
}

/**
 * RuntimeHost owns the store, the runtime, the effect handlers, the scheduler and the event
 * bus. It drives runs: auto-advance until a run waits or ends, step mode, breakpoints
 * (pause BEFORE a node), timers, event ingress, parent/child links, snapshots, and it
 * publishes `runUpdated` / `ledgerAppended` / `attentionNeeded` after every commit it causes.
 */
import { ForeignFolders } from './foreignFolders';
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { StalledInfo } from '../../src-shared/api';
import { canonicalJson } from '../../src-shared/canonicalJson';
import type { JsonObject, JsonValue } from '../../src-shared/json';
import {
  ConcurrentUpdateError,
  RunLeasedError,
  RunNotFoundError,
  RunNotResumableError,
  RunNotWaitingError,
  RunTerminalError,
  SnapshotNotFoundError,
  ValidationError,
  WrongWaitKeyError,
} from '../../src-shared/errors';
import type { ActorFingerprint, RunState, RunSummary, Snapshot, SnapshotSummary, WorkflowInfo } from '../../src-shared/types';
import { TERMINAL_STATUSES } from '../../src-shared/types';
import type { Clock, SnapshotQuery, WorkflowDefinition, WorkQueueStore } from '../runtime/contracts';
import { ChangeFeed } from './changeFeed';
import { resolveArtifacts } from '../runtime/artifacts';
import { awaitedChild, isTerminal } from '../runtime/runnable';
import { isDeadLocalOwner } from '../store/processLeaseOwner';
import { Worker, type WorkerOptions } from './worker';
import { makeActor } from '../runtime/actor';
import type { Runtime } from '../runtime/index';
import type { StartChildRequest } from '../effects/subworkflow/index';
import { childOutcomePayload, childRunIdFor, isWaitingForChild } from './childRuns';
import { DebugPrefs } from './debugPrefs';
import { EventBus } from './eventBus';
import { EventLog } from './eventLog';
import { RunPublisher } from './publisher';
import { RunQueues } from './runQueues';
import { Scheduler } from './scheduler';
import type { HostSettingsAccess } from './hostSettings';
import type { LoadedWorkflow, WorkflowLoadError } from './workflowLoader';
import { WorkflowCatalog } from './workflowCatalog';
import { buildHostParts, type HostCreateOptions } from './hostWiring';
import { hasArtifacts } from './artifactContent';
import type { HostParts, HostSigning, HostStore } from './hostParts';
import { openRuntimeStore } from '../store/openRuntimeStore';
import { anchorRun, checkAnchors, SigningKeyStore, type AnchorProblem } from '../ledger/index';

export type { HostCreateOptions } from './hostWiring';

export interface HostOpenOptions extends Omit<HostCreateOptions, 'store' | 'signing' | 'onClose' | 'dataDir' | 'dbPath'> {
  dbPath: string;
  dataDir: string;
  durability?: 'full' | 'process';
}

/** Steps per tick call while auto-advancing: progress is published between chunks. */
const CHUNK_STEPS = 250;

export type { HostParts, HostStore } from './hostParts';

/** A runnable run nobody has taken for this long is shown stalled (a claim takes milliseconds when a worker is alive). */
export const STALL_AFTER_MS = 5_000;
/** How long a worker's claim holds a run before another worker may take it over. */
const CLAIM_TTL_MS = 30_000;

/** Runs worked at once by `tick` and recovery: memory stays bounded however many are runnable. */
const WORK_BATCH = 32;

/** What `work` did with a claimed run. */
export type WorkDone = 'advanced' | 'timer' | 'parent' | null;

export type { StalledInfo };

export interface StartRunOptions {
  version?: string;
  stepMode?: boolean;
  breakpoints?: string[];
  parentRunId?: string;
  runId?: string;
  /** Create the run only; a worker on the database advances it. */
  detach?: boolean;
}

export interface TickReport {
  recovered: string[];
  timersFired: string[];
  parentsResumed: string[];
}

export class RuntimeHost {
  readonly events: EventBus;
  readonly store: HostStore;
  readonly runtime: Runtime;
  readonly clock: Clock;
  readonly dataDir: string | null;
  readonly dbPath: string | null;
  readonly workflowErrors: WorkflowLoadError[];
  /** Found on open by checking the anchor file: runs rolled back or cut short below a signed head. */
  integrityProblems: AnchorProblem[] = [];
  readonly settings: HostSettingsAccess | null;
  /** Python store folders opened to look at (never written to `store`). */
  readonly foreign: ForeignFolders;
  private readonly catalog: WorkflowCatalog;
  private readonly queues = new RunQueues();
  private readonly prefs: DebugPrefs;
  private readonly publisher: RunPublisher;
  private readonly eventLog: EventLog;
  private readonly scheduler: Scheduler;
  private readonly userActor: ActorFingerprint;
  private readonly onClose: (() => void) | undefined;
  private readonly signing: HostSigning | null;
  /** This host's lease owner: part of the scheduler's actor fingerprint (which host fired). */
  readonly hostId: string;
  private closed = false;
  private worker: Worker | null = null;
  /** Other processes' commits as this host's events (started with the services). */
  readonly changeFeed: ChangeFeed;

  /** A host over a given store (tests, embedders): MemoryStore where SQLite is not the point. */
  static async create(opts: HostCreateOptions): Promise<RuntimeHost> {
    const { parts, deps } = await buildHostParts(opts);
    const host = new RuntimeHost(parts);
    deps.bindStartChild((req) => host.startChild(req));
    return host;
  }

  /** The default host: the database `dbPath` names (a SQLite path or a PostgreSQL URL), settings and keys in `dataDir`. */
  static async open(opts: HostOpenOptions): Promise<RuntimeHost> {
    mkdirSync(opts.dataDir, { recursive: true });
    const opened = openRuntimeStore(opts.dbPath, { durability: opts.durability ?? 'full' });
    const { store } = opened;
    try {
      const keys = new SigningKeyStore(opts.dataDir);
      const anchorPath = opened.anchorPath(opts.dataDir);
      // A chain alone cannot show a lost tail: only the heads kept outside the database can.
      const integrityProblems = checkAnchors(store, anchorPath);
      for (const p of integrityProblems) console.error(`[abstractruntime] integrity: ${p.report.message}`);
      const host = await RuntimeHost.create({
        ...opts,
        // Shown by getInfo and logs: a server database without its password.
        dbPath: opened.label,
        store,
        signing: {
          sign: (hash) => keys.sign(hash),
          publicKey: () => keys.publicKeyBase64(),
          anchor: (runId) => void anchorRun(store, runId, keys, anchorPath),
          anchorPath,
        },
        onClose: () => store.close(),
      });
      host.integrityProblems = integrityProblems;
      return host;
    } catch (err) {
      store.close();
      throw err;
    }
  }

  constructor(parts: HostParts) {
    this.events = parts.events;
    this.foreign = new ForeignFolders(parts.events);
    this.store = parts.store;
    this.runtime = parts.runtime;
    this.clock = parts.clock;
    this.dataDir = parts.dataDir;
    this.dbPath = parts.dbPath;
    this.catalog = new WorkflowCatalog(parts.workflows);
    this.workflowErrors = parts.workflowErrors;
    this.settings = parts.settings;
    this.onClose = parts.onClose;
    this.signing = parts.signing;
    this.hostId = parts.hostId;
    this.prefs = new DebugPrefs(parts.dataDir ? join(parts.dataDir, 'debug-prefs.json') : null);
    this.publisher = new RunPublisher(parts.store, parts.events);
    this.eventLog = new EventLog(parts.dataDir ? join(parts.dataDir, 'events.jsonl') : null);
    this.scheduler = new Scheduler(() => this.runDueTimers());
    this.changeFeed = new ChangeFeed(parts.store, this.publisher, parts.events);
    this.userActor = parts.userActor ?? makeActor('user', localUserName());
  }

  // ------------------------------------------------------------ workflows

  listWorkflows(): WorkflowInfo[] {
    return this.catalog.list();
  }

  workflowFor(state: Pick<RunState, 'workflow_id' | 'workflow_version'>): LoadedWorkflow | null {
    return this.catalog.find(state);
  }

  /** Why a run cannot be resumed here, or null when it can. */
  notResumableReason(state: RunState): string | null {
    return this.catalog.notResumableReason(state);
  }

  // ------------------------------------------------------------ reading

  getRun(runId: string): RunState {
    const state = this.store.getRun(runId);
    if (!state) throw new RunNotFoundError(`run ${runId} does not exist`, { runId });
    return state;
  }

  listChildren(runId: string): RunSummary[] {
    return this.withStalled(this.store.listRuns({ parentRunId: runId, limit: 1000 }).runs);
  }

  /** Run summaries with `stalled` filled in where it applies (a list shows it per row). */
  withStalled(runs: RunSummary[]): RunSummary[] {
    return runs.map((r) => {
      if (isTerminal(r) || r.paused || (r.status === 'waiting' && r.waiting_reason !== 'until' && r.waiting_reason !== 'subworkflow'))
        return r;
      const state = this.store.getRun(r.run_id);
      const stalled = state ? this.stalled(state) : null;
      return stalled ? { ...r, stalled: stalled.reason } : r;
    });
  }

  /** With signing on: the head is signed and anchored outside the DB after each host command. */
  private anchor(runId: string): void {
    if (!this.signing || !this.settings?.signingEnabled()) return;
    try {
      this.signing.anchor(runId);
    } catch (err) {
      console.error(`[abstractruntime] could not anchor run ${runId}:`, (err as Error).message);
    }
  }

  /** Options for verifying a run here: the anchor file and, with signing on, the public key. */
  verifyOptions(): { anchorPath: string | null; publicKey: string | null } {
    const on = !!this.signing && !!this.settings?.signingEnabled();
    return { anchorPath: this.signing?.anchorPath ?? null, publicKey: on ? this.signing!.publicKey() : null };
  }

  /** Publishes a run changed outside the host's own commands (an import). */
  publishRun(runId: string): void {
    this.publisher.markNew(runId);
    this.publisher.publish(runId);
  }

  stepMode(runId: string): boolean {
    return this.prefs.stepMode(runId);
  }

  breakpoints(runId: string): string[] {
    return this.prefs.breakpoints(runId);
  }

  // ------------------------------------------------------------ starting and driving

  async startRun(workflowId: string, vars: JsonObject = {}, opts: StartRunOptions = {}): Promise<RunState> {
    const def = this.requireWorkflow(workflowId, opts.version);
    const runId = opts.runId ?? this.runtime.newRunId();
    if (opts.stepMode) this.prefs.setStepMode(runId, true);
    if (opts.breakpoints?.length) this.prefs.setBreakpoints(runId, opts.breakpoints);
    const bps = opts.breakpoints ?? [];
    // The kernel's one-commit start (run_started + the pure steps after it), unless the run
    // must stop before its entry node or is only created for a worker to advance.
    const advanceInStart = !opts.detach && !opts.stepMode && !bps.includes(def.entry);
    this.publisher.markNew(runId);
    const state = await this.queues.run(runId, () =>
      this.runtime.start(def.id, vars, {
        version: def.version,
        runId,
        ...(opts.parentRunId ? { parentRunId: opts.parentRunId } : {}),
        ...(advanceInStart ? { advance: { maxSteps: CHUNK_STEPS, ...(bps.length ? { breakBefore: bps } : {}) } } : {}),
      }),
    );
    this.publisher.publish(state.run_id);
    if (opts.detach) return state;
    return this.queues.run(state.run_id, () => this.advanceNow(state.run_id, { skipFirstBreak: false }));
  }

  /** Advances a run until it waits, ends, pauses, reaches a breakpoint, or is in step mode. */
  advance(runId: string): Promise<RunState> {
    return this.queues.run(runId, () => this.advanceNow(runId, { skipFirstBreak: false }));
  }

  /** Exactly one step; the run is put in step mode so nothing advances it behind your back. */
  stepRun(runId: string): Promise<RunState> {
    return this.queues.run(runId, async () => {
      const state = this.writableRun(runId);
      this.prefs.setStepMode(runId, true);
      if (state.status === 'running' && !state.paused) await this.tickChunk(runId, 1);
      return this.afterChange(runId);
    });
  }

  /** Leaves step mode and advances (past the breakpoint the run is stopped at, if any). */
  continueRun(runId: string): Promise<RunState> {
    return this.queues.run(runId, () => {
      this.writableRun(runId);
      this.prefs.setStepMode(runId, false);
      return this.advanceNow(runId, { skipFirstBreak: true });
    });
  }

  async setStepMode(runId: string, enabled: boolean): Promise<void> {
    this.getRun(runId);
    this.prefs.setStepMode(runId, enabled);
    if (!enabled) await this.advance(runId);
  }

  setBreakpoints(runId: string, nodeIds: string[]): void {
    const state = this.getRun(runId);
    const wf = this.workflowFor(state);
    if (wf) {
      const unknown = nodeIds.filter((id) => !Object.hasOwn(wf.definition.nodes, id));
      if (unknown.length)
        throw new ValidationError(`workflow ${state.workflow_id} has no node ${unknown.map((u) => `"${u}"`).join(', ')}`, { unknown });
    }
    this.prefs.setBreakpoints(runId, nodeIds);
  }

  private async advanceNow(runId: string, opts: { skipFirstBreak: boolean }): Promise<RunState> {
    let first = true;
    for (;;) {
      const state = this.store.getRun(runId);
      if (this.closed || !state || state.status !== 'running' || state.paused || !this.workflowFor(state)) break;
      const skip = first && opts.skipFirstBreak;
      first = false;
      const bps = this.prefs.breakpoints(runId);
      if (!skip && (bps.includes(state.current_node) || this.prefs.stepMode(runId))) break;
      // The kernel runs the first node of a tick unconditionally and stops before any breakpoint after it.
      const progressed = await this.tickChunk(runId, CHUNK_STEPS, state, bps);
      if (!progressed) break;
      await yieldToEventLoop();
    }
    return this.afterChange(runId);
  }

  /** One tick; false when nothing moved (another host holds the run, or it cannot go on). */
  private async tickChunk(runId: string, maxSteps: number, before?: RunState, breakBefore?: string[]): Promise<boolean> {
    const prior = before ?? this.store.getRun(runId);
    this.publisher.mark(prior);
    try {
      await this.runtime.tick(runId, { maxSteps, ...(breakBefore?.length ? { breakBefore } : {}) });
    } catch (err) {
      if (err instanceof RunLeasedError || err instanceof ConcurrentUpdateError) return false;
      throw err;
    } finally {
      this.publisher.publish(runId);
    }
    const after = this.store.getRun(runId);
    return !!after && (after.ledger_head?.seq ?? -1) !== (prior?.ledger_head?.seq ?? -1);
  }

  /** Publishes, then handles what a run's new state implies for others (its parent). */
  private afterChange(runId: string): RunState {
    const state = this.publisher.publish(runId) ?? this.getRun(runId);
    this.anchor(runId);
    if ((TERMINAL_STATUSES as readonly string[]).includes(state.status)) {
      this.prefs.forget(runId);
      if (state.parent_run_id) void this.notifyParent(state.parent_run_id, runId).catch(logBackground('resume parent'));
    }
    return state;
  }

  // ------------------------------------------------------------ resuming

  async answer(runId: string, text: string, waitKey?: string): Promise<RunState> {
    const state = this.writableRun(runId);
    const wait = this.requireWait(state, 'user');
    if (waitKey !== undefined && waitKey !== wait.wait_key) {
      throw new WrongWaitKeyError(`run ${runId} waits on ${wait.wait_key}, not ${waitKey}`, { expected: wait.wait_key, got: waitKey });
    }
    if (!wait.allow_free_text && wait.choices && wait.choices.length > 0 && !wait.choices.includes(text)) {
      throw new ValidationError(`answer must be one of: ${wait.choices.join(', ')}`, { choices: wait.choices });
    }
    return this.resume(runId, wait.wait_key, { text });
  }

  async decideToolCalls(
    runId: string,
    waitKey: string,
    decisions: { call_id: string; approved: boolean; arguments?: JsonObject; reason?: string }[],
  ): Promise<RunState> {
    const state = this.writableRun(runId);
    const wait = this.requireWait(state, 'tool_calls');
    const pending = new Set((wait.tool_calls ?? []).map((c) => c.call_id));
    const unknown = decisions.filter((d) => !pending.has(d.call_id)).map((d) => d.call_id);
    if (unknown.length) throw new ValidationError(`no pending tool call with id ${unknown.join(', ')}`, { unknown, pending: [...pending] });
    const clean = decisions.map((d) => ({
      call_id: d.call_id,
      approved: d.approved,
      ...(d.arguments ? { arguments: d.arguments } : {}),
      ...(d.reason !== undefined ? { reason: d.reason } : {}),
    }));
    return this.resume(runId, waitKey, { decisions: clean });
  }

  /** Resumes the current wait (the key must match) and advances the run. */
  resume(runId: string, waitKey: string, payload: JsonValue, actor: ActorFingerprint = this.userActor): Promise<RunState> {
    return this.queues.run(runId, async () => {
      const before = this.writableRun(runId);
      this.publisher.mark(before);
      // The kernel's one-commit resume: the `resumed` record and the pure steps after it are
      // one transaction, unless a breakpoint or step mode must stop the run first.
      const resumeTo = before.waiting?.resume_to_node ?? null;
      const bps = this.prefs.breakpoints(runId);
      const stopFirst = this.prefs.stepMode(runId) || (resumeTo !== null && bps.includes(resumeTo));
      try {
        await this.runtime.resume(runId, {
          waitKey,
          payload,
          actor,
          ...(stopFirst ? {} : { advance: { maxSteps: CHUNK_STEPS, ...(bps.length ? { breakBefore: bps } : {}) } }),
        });
      } catch (err) {
        if (err instanceof ConcurrentUpdateError || err instanceof RunLeasedError) this.refuseIfResumedElsewhere(runId, waitKey);
        throw err;
      }
      this.refuseIfAnsweredElsewhere(runId, waitKey, payload, before);
      this.publisher.publish(runId);
      return this.advanceNow(runId, { skipFirstBreak: false });
    });
  }

  /** Our resume lost the commit race: if another process resumed this wait meanwhile, say so (not retryable). */
  private refuseIfResumedElsewhere(runId: string, waitKey: string): void {
    const now = this.store.getRun(runId);
    if (now && (now.status !== 'waiting' || now.waiting?.wait_key !== waitKey))
      throw new RunNotWaitingError(`run ${runId} was resumed meanwhile by another process; yours was not applied`, { runId, waitKey });
  }

  /**
   * Two processes answering one wait at once: the kernel applies the first and treats the
   * second as a repeat of it. A repeat with a different payload is another person's answer
   * that lost: it must hear so (nothing of it was written), not be told it was applied.
   */
  private refuseIfAnsweredElsewhere(runId: string, waitKey: string, payload: JsonValue, before: RunState): void {
    if (before.status === 'waiting' && before.waiting?.wait_key === waitKey) {
      const applied = this.store.findCompletedEffect(runId, waitKey);
      // The record may hold parts of the answer as artifacts: compare values, not storage.
      if (
        applied?.kind !== 'resumed' ||
        canonicalJson(resolveArtifacts(applied.result, hasArtifacts(this.store) ? this.store : undefined)) === canonicalJson(payload)
      )
        return;
      throw new RunNotWaitingError(`run ${runId} was resumed meanwhile by another process with a different answer; yours was not applied`, {
        runId,
        waitKey,
      });
    }
  }

  // ------------------------------------------------------------ lifecycle commands

  async cancelRun(runId: string, reason?: string): Promise<RunState> {
    const state = this.getRun(runId);
    if (state.origin?.kind === 'import' && this.notResumableReason(state)) throw new RunNotResumableError(this.notResumableReason(state)!);
    this.publisher.mark(state);
    // Not queued behind an in-flight advance: the kernel aborts that run's running effect.
    try {
      await this.runtime.cancel(runId, reason, this.userActor);
    } catch (err) {
      if (!(err instanceof ConcurrentUpdateError || err instanceof RunLeasedError)) throw err;
      await this.queues.run(runId, () => this.runtime.cancel(runId, reason, this.userActor));
    }
    const after = this.afterChange(runId);
    await this.cancelChildren(runId, reason);
    return after;
  }

  private async cancelChildren(parentRunId: string, reason?: string): Promise<void> {
    for (const child of this.listChildren(parentRunId)) {
      if ((TERMINAL_STATUSES as readonly string[]).includes(child.status)) continue;
      try {
        await this.cancelRun(child.run_id, reason ?? `parent run ${parentRunId} was cancelled`);
      } catch (err) {
        if (!(err instanceof RunTerminalError)) throw err;
      }
    }
  }

  /** Not queued: the kernel stops an advancing run at its next step, so a long loop pauses promptly. */
  async pauseRun(runId: string): Promise<RunState> {
    this.publisher.mark(this.getRun(runId));
    await this.runtime.pause(runId, this.userActor);
    return this.afterChange(runId);
  }

  unpauseRun(runId: string): Promise<RunState> {
    return this.queues.run(runId, async () => {
      this.publisher.mark(this.getRun(runId));
      await this.runtime.unpause(runId, this.userActor);
      this.publisher.publish(runId);
      return this.advanceNow(runId, { skipFirstBreak: false });
    });
  }

  // ------------------------------------------------------------ subworkflows

  /** Called by the start_subworkflow handler (inside the parent's tick): creates the child. */
  async startChild({ workflowId, version, vars, parentRunId, idempotencyKey }: StartChildRequest): Promise<string> {
    const childId = childRunIdFor(parentRunId, idempotencyKey);
    const existing = this.store.getRun(childId);
    if (existing) {
      // A retry after a crash: the child may have ended while its parent was not yet waiting.
      if ((TERMINAL_STATUSES as readonly string[]).includes(existing.status)) {
        void this.notifyParent(parentRunId, childId).catch(logBackground('resume parent'));
      } else void this.advance(childId).catch(logBackground(`advance child ${childId}`));
      return childId;
    }
    const def = this.requireWorkflow(workflowId, version);
    await this.runtime.start(def.id, vars, { version: def.version, parentRunId, runId: childId });
    this.publisher.markNew(childId);
    this.publisher.publish(childId);
    // Queued, not awaited: the parent's tick is still running and must commit its wait first.
    void this.advance(childId).catch(logBackground(`advance child ${childId}`));
    return childId;
  }

  private notifyParent(parentRunId: string, childRunId: string): Promise<RunState | null> {
    return this.queues.run(parentRunId, async () => {
      const parent = this.store.getRun(parentRunId);
      const child = this.store.getRun(childRunId);
      if (!child || !isWaitingForChild(parent, childRunId) || parent.paused || !this.workflowFor(parent)) return parent;
      this.publisher.mark(parent);
      const actor = makeActor('runtime', 'subworkflow', { child_run_id: childRunId, host: this.hostId });
      if (!(await this.resumeOnce(parentRunId, parent.waiting!.wait_key, childOutcomePayload(child), actor)))
        return this.store.getRun(parentRunId);
      this.publisher.publish(parentRunId);
      return this.advanceNow(parentRunId, { skipFirstBreak: false });
    });
  }

  /**
   * Resumes a wait and says whether THIS call applied it: a concurrent host (or a repeated
   * delivery) that got there first makes the kernel return without writing.
   */
  private async resumeOnce(runId: string, waitKey: string, payload: JsonValue, actor: ActorFingerprint): Promise<boolean> {
    try {
      await this.runtime.resume(runId, { waitKey, payload, actor });
    } catch (err) {
      if (isLostRace(err)) return false;
      throw err;
    }
    const record = this.store.findCompletedEffect(runId, waitKey);
    return record?.kind === 'resumed' && record.actor?.fingerprint === actor.fingerprint;
  }

  // ------------------------------------------------------------ timers and events

  /**
   * Fires every due wait_until once (actor scheduler), then advances those runs, WORK_BATCH at
   * a time: memory stays bounded however many timers are due.
   */
  async runDueTimers(): Promise<string[]> {
    const now = this.clock.now();
    const fired: string[] = [];
    for (let page = this.store.listDueTimers(now, { limit: WORK_BATCH }); page.length;) {
      await Promise.all(
        page.map(async (due) => {
          if (await this.fireTimer(due.run_id, due.waiting!.wait_key, now)) fired.push(due.run_id);
        }),
      );
      page = this.store.listDueTimers(now, { limit: WORK_BATCH, after: page[page.length - 1]! });
    }
    return fired;
  }

  private fireTimer(runId: string, waitKey: string, now: Date): Promise<boolean> {
    return this.queues.run(runId, async () => {
      const state = this.store.getRun(runId);
      const wait = state?.waiting;
      if (!state || state.status !== 'waiting' || state.paused || wait?.reason !== 'until' || wait.wait_key !== waitKey) return false;
      if (!wait.until || Date.parse(wait.until) > now.getTime() || !this.workflowFor(state)) return false;
      this.publisher.mark(state);
      const actor = makeActor('scheduler', 'scheduler', { host: this.hostId });
      if (!(await this.resumeOnce(runId, waitKey, { firedAt: now.toISOString() }, actor))) return false;
      this.publisher.publish(runId);
      await this.advanceNow(runId, { skipFirstBreak: false });
      return true;
    });
  }

  /** Resumes every run waiting for this event; none waiting is reported, not an error. */
  async emitEvent(name: string, payload: JsonValue = null): Promise<{ delivered: string[] }> {
    const delivered: string[] = [];
    const actor = makeActor('user', 'event-ingress', { event: name, host: this.hostId });
    for (let page = this.store.listWaitingForEvent(name, { limit: WORK_BATCH }); page.length;) {
      await this.deliverEvent(page, name, payload, actor, delivered);
      page = this.store.listWaitingForEvent(name, { limit: WORK_BATCH, after: page[page.length - 1]! });
    }
    delivered.sort();
    this.eventLog.record({ name, payload, at: this.clock.now().toISOString(), delivered });
    return { delivered };
  }

  private async deliverEvent(
    page: RunState[],
    name: string,
    payload: JsonValue,
    actor: ActorFingerprint,
    delivered: string[],
  ): Promise<void> {
    await Promise.all(
      page.map((run) =>
        this.queues.run(run.run_id, async () => {
          const state = this.store.getRun(run.run_id);
          const wait = state?.waiting;
          if (!state || state.status !== 'waiting' || wait?.reason !== 'event' || wait.event_name !== name || state.paused) return;
          if (!this.workflowFor(state)) return;
          this.publisher.mark(state);
          if (!(await this.resumeOnce(run.run_id, wait.wait_key, payload, actor))) return;
          delivered.push(run.run_id);
          this.publisher.publish(run.run_id);
          await this.advanceNow(run.run_id, { skipFirstBreak: false });
        }),
      ),
    );
  }

  recentEvents() {
    return this.eventLog.list();
  }

  /** Advances every `running` run (the kernel retries or parks interrupted effects), WORK_BATCH at a time. */
  async recoverOnStart(): Promise<string[]> {
    const runnable = this.store
      .listRunnable()
      .filter((r) => !r.paused && this.workflowFor(r))
      .map((r) => r.run_id);
    for (let i = 0; i < runnable.length; i += WORK_BATCH) {
      await Promise.all(runnable.slice(i, i + WORK_BATCH).map((id) => this.advance(id).catch(logBackground(`recover ${id}`))));
    }
    return runnable;
  }

  /**
   * One headless pass (CLI `tick`): claims whatever is runnable (interrupted runs, due timers,
   * parents whose child ended) WORK_BATCH at a time, each run at most once, and settles.
   */
  async tick(): Promise<TickReport> {
    const report: TickReport = { recovered: [], timersFired: [], parentsResumed: [] };
    const seen = new Set<string>();
    for (
      let claimed = this.claimWork(WORK_BATCH, (id) => seen.has(id));
      claimed.length;
      claimed = this.claimWork(WORK_BATCH, (id) => seen.has(id))
    ) {
      for (const id of claimed) seen.add(id);
      await Promise.all(
        claimed.map(async (id) => {
          const did = await this.work(id).catch(logBackground(`advance ${id}`));
          if (did === 'advanced') report.recovered.push(id);
          else if (did === 'timer') report.timersFired.push(id);
          else if (did === 'parent') report.parentsResumed.push(id);
        }),
      );
    }
    await this.whenIdle();
    return report;
  }

  /**
   * What a long-lived host (desktop app, `serve`, `worker`) does after opening: it becomes a
   * worker on its database and follows the change feed (other processes' commits become
   * its live events); the worker recovers interrupted runs, resumes parents whose children
   * ended meanwhile, fires due timers, and takes up whatever other processes leave runnable.
   */
  startServices(opts: WorkerOptions = {}): Worker {
    this.changeFeed.start();
    return this.startWorker(opts);
  }

  startScheduler(opts: { intervalMs?: number } = {}): void {
    this.scheduler.start(opts.intervalMs ?? 1000);
  }

  stopScheduler(): void {
    this.scheduler.stop();
  }

  whenIdle(): Promise<void> {
    return this.queues.whenIdle();
  }

  // ------------------------------------------------------------ the work queue

  get workQueue(): WorkQueueStore {
    return this.store;
  }

  /** Claims up to `limit` runnable runs this host can advance (leases taken in one transaction). */
  claimWork(limit: number, busy: (runId: string) => boolean = () => false): string[] {
    if (this.closed) return [];
    return this.store.claimRunnable({
      owner: this.hostId,
      now: this.clock.now(),
      ttlMs: CLAIM_TTL_MS,
      limit,
      accepts: (workflowId, version) => !!this.catalog.find({ workflow_id: workflowId, workflow_version: version }),
      busy: (runId) => busy(runId) || this.queues.busy(runId),
      ownerGone: isDeadLocalOwner,
    });
  }

  /**
   * Does what a claimed run needs: advance it (running: started, resumed, recovered), fire its
   * due timer, or resume it with its ended child's outcome. A run left runnable without having
   * moved (stopped at a breakpoint or in step mode) is held off the queue until a person acts.
   */
  async work(runId: string): Promise<WorkDone> {
    try {
      const state = this.store.getRun(runId);
      if (!state || this.closed || this.notResumableReason(state)) return null;
      const before = state.ledger_head?.seq ?? null;
      const child = awaitedChild(state);
      let did: WorkDone = null;
      if (state.status === 'running') {
        await this.advance(runId);
        did = 'advanced';
      } else if (state.waiting?.reason === 'until') {
        if (await this.fireTimer(runId, state.waiting.wait_key, this.clock.now())) did = 'timer';
      } else if (child) {
        const after = await this.notifyParent(runId, child);
        if (after && !isWaitingForChild(after, child)) did = 'parent';
      }
      const after = this.store.getRun(runId);
      if (after && (after.ledger_head?.seq ?? null) === before) {
        const ws = this.store.workState(runId);
        if (ws?.runnableAt != null && ws.runnableAt <= this.clock.now().getTime()) this.store.holdRun(runId, before);
      }
      return did;
    } finally {
      // The claim's lease; one a kernel operation of this host holds right now is left to it
      // (it releases it with its last commit).
      if (!this.runtime.holds(runId)) this.store.releaseLease(runId, this.hostId);
    }
  }

  /** Makes this host a worker on its database (see worker.ts). */
  startWorker(opts: WorkerOptions = {}): Worker {
    this.worker ??= new Worker(this, opts);
    this.worker.start();
    return this.worker;
  }

  /**
   * Why a run that should be advancing is not, or null: it has been runnable for
   * STALL_AFTER_MS and no live process holds its lease.
   */
  stalled(state: RunState): StalledInfo | null {
    if (isTerminal(state) || state.paused) return null;
    const ws = this.store.workState(state.run_id);
    const now = this.clock.now().getTime();
    if (ws?.runnableAt == null || ws.runnableAt > now - STALL_AFTER_MS) return null;
    if (ws.lease && ws.lease.expiresAt > now && !isDeadLocalOwner(ws.lease.owner)) return null;
    const since = new Date(ws.runnableAt).toISOString();
    const workers = this.store.liveWorkers(this.clock.now());
    const what =
      state.status === 'running'
        ? `run is runnable at node ${state.current_node}`
        : state.waiting?.reason === 'until'
          ? 'timer is due'
          : 'child run has ended';
    if (workers.length === 0)
      return {
        since,
        reason: `its ${what}, but no worker is running on this database (start \`abstractruntime worker\`, \`serve\` or the desktop app)`,
      };
    const key = `${state.workflow_id}@${state.workflow_version}`;
    if (!workers.some((w) => w.workflows.includes(key)))
      return { since, reason: `its ${what}, but none of the ${workers.length} live worker(s) has workflow ${key} registered` };
    return { since, reason: `its ${what}, but none of the ${workers.length} live worker(s) has claimed it yet` };
  }

  // ------------------------------------------------------------ snapshots

  async createSnapshot(runId: string, opts: { name: string; description?: string; tags?: string[] }): Promise<SnapshotSummary> {
    return this.queues.run(runId, async () => {
      this.publisher.mark(this.getRun(runId));
      const snap: Snapshot = await this.runtime.createSnapshot(runId, opts, this.userActor);
      this.publisher.publish(runId);
      const { state: _state, ...summary } = snap;
      return summary;
    });
  }

  searchSnapshots(query: SnapshotQuery): SnapshotSummary[] {
    return this.store.searchSnapshots(query);
  }

  getSnapshot(snapshotId: string): Snapshot {
    const snap = this.store.getSnapshot(snapshotId);
    if (!snap) throw new SnapshotNotFoundError(`snapshot ${snapshotId} does not exist`, { snapshotId });
    return snap;
  }

  /** The run's state becomes the snapshot's (a `restored` record; waits re-armed), then it advances. */
  async restoreSnapshot(snapshotId: string): Promise<RunState> {
    const snap = this.getSnapshot(snapshotId);
    const restored = await this.queues.run(snap.run_id, async () => {
      this.publisher.mark(this.writableRun(snap.run_id));
      await this.runtime.restore(snap.run_id, snap, this.userActor);
      this.publisher.publish(snap.run_id);
      return this.advanceNow(snap.run_id, { skipFirstBreak: false });
    });
    await this.settleChildrenAfterRestore(restored);
    return this.getRun(snap.run_id);
  }

  /**
   * After a restore, the children of the abandoned timeline are cancelled; a re-armed wait on
   * a child that already ended is resumed with its outcome (a running one resumes it itself).
   */
  private async settleChildrenAfterRestore(state: RunState): Promise<void> {
    const awaited = state.status === 'waiting' && state.waiting?.reason === 'subworkflow' ? state.waiting.child_run_id : null;
    for (const child of this.listChildren(state.run_id)) {
      if (child.run_id === awaited || (TERMINAL_STATUSES as readonly string[]).includes(child.status)) continue;
      await this.cancelRun(child.run_id, `parent run ${state.run_id} was restored to a snapshot`).catch((err) => {
        if (!(err instanceof RunTerminalError)) throw err;
      });
    }
    const child = awaited ? this.store.getRun(awaited) : null;
    if (child && (TERMINAL_STATUSES as readonly string[]).includes(child.status)) await this.notifyParent(state.run_id, child.run_id);
  }

  /** A new run from a snapshot (optionally with edited vars, recorded with the user as actor). */
  async forkSnapshot(snapshotId: string, vars?: JsonObject): Promise<RunState> {
    const snap = this.getSnapshot(snapshotId);
    const reason = this.notResumableReason(snap.state);
    if (reason) throw new RunNotResumableError(reason, { runId: snap.run_id });
    const forked = await this.runtime.fork(snap, { ...(vars ? { vars } : {}), actor: this.userActor });
    this.publisher.markNew(forked.run_id);
    this.publisher.publish(forked.run_id);
    return this.advance(forked.run_id);
  }

  // ------------------------------------------------------------ helpers

  private requireWorkflow(workflowId: string, version?: string): WorkflowDefinition {
    return this.catalog.require(workflowId, version);
  }

  /** A run that exists and whose workflow is registered here (else RunNotResumableError). */
  private writableRun(runId: string): RunState {
    const state = this.getRun(runId);
    const reason = this.notResumableReason(state);
    if (reason) throw new RunNotResumableError(`run ${runId} cannot be resumed: ${reason}`, { runId });
    return state;
  }

  private requireWait(state: RunState, reason: 'user' | 'tool_calls') {
    const wait = state.waiting;
    if (state.status !== 'waiting' || !wait)
      throw new RunNotWaitingError(`run ${state.run_id} is ${state.status}, not waiting`, { runId: state.run_id });
    if (wait.reason !== reason) {
      throw new RunNotWaitingError(
        `run ${state.run_id} waits for ${wait.reason}, not ${reason === 'user' ? 'an answer' : 'tool decisions'}`,
        {
          runId: state.run_id,
          reason: wait.reason,
        },
      );
    }
    return wait;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.stop();
    this.changeFeed.stop();
    await this.worker?.stop();
    this.foreign.close();
    await this.whenIdle();
    this.onClose?.();
  }
}

/** A concurrent host (or a duplicate delivery) got there first: nothing to do. */
function isLostRace(err: unknown): boolean {
  return (
    err instanceof RunLeasedError ||
    err instanceof ConcurrentUpdateError ||
    err instanceof WrongWaitKeyError ||
    err instanceof RunNotWaitingError ||
    err instanceof RunTerminalError
  );
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function logBackground(what: string) {
  return (err: unknown) => {
    console.error(`[abstractruntime] ${what} failed:`, (err as Error)?.message ?? err);
    return null;
  };
}

function localUserName(): string {
  try {
    return userInfo().username || 'local-user';
  } catch {
    return 'local-user';
  }
}

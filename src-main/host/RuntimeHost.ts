/**
 * RuntimeHost is what the CLI, the web host and Electron hold: one object per database with
 * the commands on a run (start, step, continue, answer, decide, resume, pause, cancel) and
 * the way in to the parts that do the host's other jobs, each a module of its own:
 * - commandPipeline.ts: the one pipeline every command goes through (claim → kernel →
 *   publish → continue), advancing a run chunk by chunk;
 * - claimedWork.ts: the work queue (claims, working a claimed run, `tick`, recovery);
 * - timersAndEvents.ts, childRunner.ts, snapshotCommands.ts: timers and events, parent and
 *   child runs, snapshots;
 * - publisher.ts, changeFeed.ts: `runUpdated` / `ledgerAppended` / `runsChanged` for its own
 *   commits and for other processes' (the change feed);
 * - worker.ts: this host as a worker on its database.
 * It is assembled in one place (hostWiring.ts `buildHostParts`).
 */
import { ForeignFolders } from './foreignFolders';
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { StalledInfo } from '../../src-shared/api';
import type { JsonObject, JsonValue } from '../../src-shared/json';
import { ConcurrentUpdateError, RunLeasedError, RunNotFoundError, RunNotResumableError, ValidationError } from '../../src-shared/errors';
import type { ActorFingerprint, RunState, RunSummary, Snapshot, SnapshotSummary, WorkflowInfo } from '../../src-shared/types';
import type { ClaimedRun, Clock, SnapshotQuery, WorkflowDefinition, WorkQueueStore } from '../runtime/contracts';
import { ChangeFeed } from './changeFeed';
import { Worker, type WorkerOptions } from './worker';
import { makeActor } from '../runtime/actor';
import type { Runtime } from '../runtime/index';
import type { AnswerKind } from '../runtime/answerRules';
import { DebugPrefs } from './debugPrefs';
import { EventBus } from './eventBus';
import { EventLog } from './eventLog';
import { RunPublisher } from './publisher';
import { RunActivity } from './runActivity';
import { ChildRunner } from './childRunner';
import { ClaimedWork, type TickReport, type WorkDone } from './claimedWork';
import { CHUNK_STEPS, CommandPipeline } from './commandPipeline';
import { SnapshotCommands } from './snapshotCommands';
import type { Continue, HostCommands } from './hostCommands';
import { stalledInfo, withStalled } from './stalledRuns';
import { TimersAndEvents } from './timersAndEvents';
import { Scheduler } from './scheduler';
import type { HostSettingsAccess } from './hostSettings';
import type { LoadedWorkflow, WorkflowLoadError } from './workflowLoader';
import type { WorkflowCatalog } from './workflowCatalog';
import { buildHostParts, type HostCreateOptions } from './hostWiring';
import type { HostParts, HostSigning, HostStore } from './hostParts';
import type { HandlerPool } from './handlerPool';
import { openRuntimeStore } from '../store/openRuntimeStore';
import { anchorRun, checkAnchors, SigningKeyStore, type AnchorProblem } from '../ledger/index';

export type { HostCreateOptions } from './hostWiring';

export interface HostOpenOptions extends Omit<HostCreateOptions, 'store' | 'signing' | 'onClose' | 'dataDir' | 'dbPath'> {
  dbPath: string;
  dataDir: string;
  durability?: 'full' | 'process';
}

export type { HostParts, HostStore } from './hostParts';

export type { TickReport, WorkDone } from './claimedWork';

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
  private readonly activity = new RunActivity();
  private readonly prefs: DebugPrefs;
  private readonly publisher: RunPublisher;
  private readonly timers: TimersAndEvents;
  private readonly children: ChildRunner;
  private readonly pipeline: CommandPipeline;
  private readonly claimed: ClaimedWork;
  private readonly snapshots: SnapshotCommands;
  private readonly scheduler: Scheduler;
  private readonly userActor: ActorFingerprint;
  private readonly onClose: (() => void) | undefined;
  private readonly handlerPool: HandlerPool | null;
  private readonly signing: HostSigning | null;
  /** This host's lease owner: part of the scheduler's actor fingerprint (which host fired). */
  readonly hostId: string;
  private closed = false;
  private worker: Worker | null = null;
  /** Other processes' commits as this host's events (started with the services). */
  readonly changeFeed: ChangeFeed;

  /** A host over a given store (tests, embedders): MemoryStore where SQLite is not the point. */
  static async create(opts: HostCreateOptions): Promise<RuntimeHost> {
    return new RuntimeHost(await buildHostParts(opts));
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
    this.catalog = parts.catalog;
    this.workflowErrors = parts.workflowErrors;
    this.settings = parts.settings;
    this.onClose = parts.onClose;
    this.handlerPool = parts.handlerPool;
    this.signing = parts.signing;
    this.hostId = parts.hostId;
    this.prefs = new DebugPrefs(parts.dataDir ? join(parts.dataDir, 'debug-prefs.json') : null);
    this.publisher = new RunPublisher(parts.store, parts.events);
    const commands: HostCommands = {
      command: (runId, op, then) => this.command(runId, op, then),
      advance: (runId, current) => this.command(runId, null, 'advance', current ? { current } : {}),
      cancelRun: (runId, reason) => this.cancelRun(runId, reason),
      workflowFor: (state) => this.workflowFor(state),
      listChildren: (runId) => this.listChildren(runId),
    };
    const eventLog = new EventLog(parts.dataDir ? join(parts.dataDir, 'events.jsonl') : null);
    const { store, runtime, clock, hostId, catalog } = parts;
    this.timers = new TimersAndEvents({ store, runtime, clock, hostId, eventLog, commands });
    this.children = new ChildRunner({ store, runtime, catalog, publisher: this.publisher, hostId, commands });
    const isClosed = () => this.closed;
    this.pipeline = new CommandPipeline({
      store,
      runtime,
      activity: this.activity,
      publisher: this.publisher,
      prefs: this.prefs,
      children: this.children,
      getRun: (runId) => this.getRun(runId),
      workflowFor: (state) => this.workflowFor(state),
      anchor: (runId) => this.anchor(runId),
      isClosed,
    });
    const { activity, timers, children } = this;
    this.claimed = new ClaimedWork({ store, runtime, clock, hostId, catalog, activity, timers, children, commands, isClosed });
    this.scheduler = new Scheduler(() => this.runDueTimers());
    this.changeFeed = new ChangeFeed(parts.store, this.publisher, parts.events);
    this.userActor = parts.userActor ?? makeActor('user', localUserName());
    this.snapshots = new SnapshotCommands({
      store,
      runtime,
      publisher: this.publisher,
      children,
      commands,
      userActor: this.userActor,
      writableRun: (runId) => this.writableRun(runId),
      getRun: (runId) => this.getRun(runId),
    });
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
    return this.runtime.notResumableReason(state);
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
    return withStalled(this.store, this.clock.now(), runs);
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
    return this.command(
      runId,
      () =>
        this.runtime.start(def.id, vars, {
          version: def.version,
          runId,
          ...(opts.parentRunId ? { parentRunId: opts.parentRunId } : {}),
          ...(advanceInStart ? { advance: { maxSteps: CHUNK_STEPS, ...(bps.length ? { breakBefore: bps } : {}) } } : {}),
        }),
      opts.detach ? 'none' : 'advance',
      { isNew: true },
    );
  }

  /** Advances a run until it waits, ends, pauses, reaches a breakpoint, or is in step mode. */
  advance(runId: string): Promise<RunState> {
    return this.command(runId, null, 'advance');
  }

  /** Exactly one step; the run is put in step mode so nothing advances it behind your back. */
  stepRun(runId: string): Promise<RunState> {
    return this.command(
      runId,
      async () => {
        const state = this.writableRun(runId);
        this.prefs.setStepMode(runId, true);
        if (state.status === 'running' && !state.paused) await this.pipeline.tickChunk(runId, 1);
      },
      'settle',
    );
  }

  /** Leaves step mode and advances (past the breakpoint the run is stopped at, if any). */
  continueRun(runId: string): Promise<RunState> {
    return this.command(
      runId,
      async () => {
        this.writableRun(runId);
        this.prefs.setStepMode(runId, false);
      },
      'advance past breakpoint',
    );
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

  private command(
    runId: string,
    op: (() => Promise<unknown>) | null,
    then: Continue,
    opts: { isNew?: boolean; current?: RunState } = {},
  ): Promise<RunState> {
    return this.pipeline.command(runId, op, then, opts);
  }

  // ------------------------------------------------------------ resuming

  /** Answers the run's question (the kernel checks it is one, and the choices). Without a key: the current wait's. */
  async answer(runId: string, text: string, waitKey?: string): Promise<RunState> {
    const key = waitKey ?? this.writableRun(runId).waiting?.wait_key ?? '';
    return this.resume(runId, key, { text }, this.userActor, 'user');
  }

  /** Decides pending tool calls (the kernel checks the wait holds them). */
  async decideToolCalls(
    runId: string,
    waitKey: string,
    decisions: { call_id: string; approved: boolean; arguments?: JsonObject; reason?: string }[],
  ): Promise<RunState> {
    const clean = decisions.map((d) => ({
      call_id: d.call_id,
      approved: d.approved,
      ...(d.arguments ? { arguments: d.arguments } : {}),
      ...(d.reason !== undefined ? { reason: d.reason } : {}),
    }));
    return this.resume(runId, waitKey, { decisions: clean }, this.userActor, 'tool_calls');
  }

  /** Resumes the current wait (the key must match) and advances the run. */
  resume(
    runId: string,
    waitKey: string,
    payload: JsonValue,
    actor: ActorFingerprint = this.userActor,
    answers?: AnswerKind,
  ): Promise<RunState> {
    const before = this.writableRun(runId);
    // The kernel's one-commit resume: the `resumed` record and the pure steps after it are
    // one transaction, unless a breakpoint or step mode must stop the run first.
    const resumeTo = before.waiting?.resume_to_node ?? null;
    const bps = this.prefs.breakpoints(runId);
    const stopFirst = this.prefs.stepMode(runId) || (resumeTo !== null && bps.includes(resumeTo));
    // The kernel refuses a wait resumed meanwhile elsewhere (a lost race, another answer).
    return this.command(
      runId,
      () =>
        this.runtime.resume(runId, {
          waitKey,
          payload,
          actor,
          ...(answers ? { answers } : {}),
          ...(stopFirst ? {} : { advance: { maxSteps: CHUNK_STEPS, ...(bps.length ? { breakBefore: bps } : {}) } }),
        }),
      'advance',
    );
  }

  // ------------------------------------------------------------ lifecycle commands

  async cancelRun(runId: string, reason?: string): Promise<RunState> {
    const state = this.getRun(runId);
    if (state.origin?.kind === 'import' && this.notResumableReason(state)) throw new RunNotResumableError(this.notResumableReason(state)!);
    // The kernel aborts the run's in-flight effect and step: cancel does not wait for them.
    const after = await this.command(
      runId,
      async () => {
        try {
          await this.runtime.cancel(runId, reason, this.userActor);
        } catch (err) {
          // Another commit landed between the kernel's read and its write: once more on the new head.
          if (!(err instanceof ConcurrentUpdateError || err instanceof RunLeasedError)) throw err;
          await this.runtime.cancel(runId, reason, this.userActor);
        }
      },
      'settle',
    );
    await this.children.cancelChildren(runId, reason);
    return after;
  }

  /** Not queued: the kernel stops an advancing run at its next step, so a long loop pauses promptly. */
  async pauseRun(runId: string): Promise<RunState> {
    this.getRun(runId);
    return this.command(runId, () => this.runtime.pause(runId, this.userActor), 'settle');
  }

  unpauseRun(runId: string): Promise<RunState> {
    this.getRun(runId);
    return this.command(runId, () => this.runtime.unpause(runId, this.userActor), 'advance');
  }

  // ------------------------------------------------------------ timers and events

  /** Fires every due wait_until once (actor scheduler), then advances those runs, in batches (timersAndEvents.ts). */
  runDueTimers(): Promise<string[]> {
    return this.timers.runDueTimers();
  }

  /** Resumes every run waiting for this event; none waiting is reported, not an error. */
  emitEvent(name: string, payload: JsonValue = null): Promise<{ delivered: string[] }> {
    return this.timers.emitEvent(name, payload);
  }

  recentEvents() {
    return this.timers.recentEvents();
  }

  /** Advances every `running` run (the kernel retries or parks interrupted effects), in batches (claimedWork.ts). */
  recoverOnStart(): Promise<string[]> {
    return this.claimed.recoverOnStart();
  }

  /**
   * One headless pass (CLI `tick`): claims whatever is runnable (interrupted runs, due timers,
   * parents whose child ended), each run at most once, and settles.
   */
  async tick(): Promise<TickReport> {
    const report = await this.claimed.tick();
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
    return this.activity.whenIdle();
  }

  // ------------------------------------------------------------ the work queue

  get workQueue(): WorkQueueStore {
    return this.store;
  }

  /** Claims up to `limit` runnable runs this host can advance (leases taken in one transaction). */
  claimWork(limit: number, busy: (runId: string) => boolean = () => false): ClaimedRun[] {
    return this.claimed.claim(limit, busy);
  }

  /** Does what a claimed run needs (claimedWork.ts), from the state its claim read if given, then releases its claim. */
  work(runId: string, claimed?: RunState | null): Promise<WorkDone> {
    return this.claimed.work(runId, claimed);
  }

  /** Makes this host a worker on its database (see worker.ts). */
  startWorker(opts: WorkerOptions = {}): Worker {
    this.worker ??= new Worker(this, opts);
    this.worker.start();
    return this.worker;
  }

  /** Why a run that should be advancing is not, or null (stalledRuns.ts). */
  stalled(state: RunState): StalledInfo | null {
    return stalledInfo(this.store, this.clock.now(), state);
  }

  // ------------------------------------------------------------ snapshots

  createSnapshot(runId: string, opts: { name: string; description?: string; tags?: string[] }): Promise<SnapshotSummary> {
    return this.snapshots.create(runId, opts);
  }

  searchSnapshots(query: SnapshotQuery): SnapshotSummary[] {
    return this.snapshots.search(query);
  }

  getSnapshot(snapshotId: string): Snapshot {
    return this.snapshots.get(snapshotId);
  }

  /** The run's state becomes the snapshot's (a `restored` record; waits re-armed), then it advances. */
  restoreSnapshot(snapshotId: string): Promise<RunState> {
    return this.snapshots.restore(snapshotId);
  }

  /** A new run from a snapshot (optionally with edited vars, recorded with the user as actor). */
  forkSnapshot(snapshotId: string, vars?: JsonObject): Promise<RunState> {
    return this.snapshots.fork(snapshotId, vars);
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.stop();
    this.changeFeed.stop();
    await this.worker?.stop();
    this.foreign.close();
    await this.whenIdle();
    await this.handlerPool?.close();
    this.onClose?.();
  }
}

function localUserName(): string {
  try {
    return userInfo().username || 'local-user';
  } catch {
    return 'local-user';
  }
}

/**
 * What a host does with the store's work queue: claims runnable runs it can advance (leases
 * taken in one transaction), does what each claimed run needs (advance it, fire its due
 * timer, start the child it waits on, resume it with its ended child's outcome), one
 * headless pass of all of that (CLI `tick`), and recovery on start. Each goes through the
 * host's command pipeline; the worker (worker.ts) decides when to claim.
 */
import type { RunState } from '../../src-shared/types';
import type { ClaimedRun, Clock } from '../runtime/contracts';
import type { Runtime } from '../runtime/index';
import { awaitedChild } from '../runtime/runnable';
import { isDeadLocalOwner } from '../store/processLeaseOwner';
import type { ChildRunner } from './childRunner';
import { isWaitingForChild } from './childRuns';
import { logBackground, type HostCommands } from './hostCommands';
import type { HostStore } from './hostParts';
import type { RunActivity } from './runActivity';
import { WORK_BATCH, type TimersAndEvents } from './timersAndEvents';
import type { WorkflowCatalog } from './workflowCatalog';

/** How long a worker's claim holds a run before another worker may take it over. */
const CLAIM_TTL_MS = 30_000;

/** What `work` did with a claimed run. */
export type WorkDone = 'advanced' | 'timer' | 'parent' | 'child' | null;

export interface TickReport {
  recovered: string[];
  timersFired: string[];
  parentsResumed: string[];
}

export interface ClaimedWorkDeps {
  store: HostStore;
  runtime: Runtime;
  clock: Clock;
  hostId: string;
  catalog: WorkflowCatalog;
  activity: RunActivity;
  timers: TimersAndEvents;
  children: ChildRunner;
  commands: HostCommands;
  isClosed(): boolean;
}

export class ClaimedWork {
  constructor(private readonly d: ClaimedWorkDeps) {}

  /** Claims up to `limit` runnable runs this host can advance (leases taken in one transaction), each with its state then. */
  claim(limit: number, busy: (runId: string) => boolean = () => false): ClaimedRun[] {
    const { store, catalog, activity } = this.d;
    if (this.d.isClosed()) return [];
    const claimed = store.claimRunnable({
      owner: this.d.hostId,
      now: this.d.clock.now(),
      ttlMs: CLAIM_TTL_MS,
      limit,
      accepts: (workflowId, version) => !!catalog.find({ workflow_id: workflowId, workflow_version: version }),
      busy: (runId) => busy(runId) || activity.busy(runId),
      ownerGone: isDeadLocalOwner,
    });
    // The kernel owns the claim from here: the run's last commit releases it.
    for (const { runId } of claimed) this.d.runtime.adoptClaim(runId);
    return claimed;
  }

  /**
   * Does what a claimed run needs: advance it (running: started, resumed, recovered), fire its
   * due timer, or resume it with its ended child's outcome. A run left runnable without having
   * moved (stopped at a breakpoint or in step mode) is held off the queue until a person acts.
   * `claimed`: the state the claim read, when the caller passes it on at once (the claim's
   * lease keeps every other process from committing, so it is the run's state still); none
   * or null (ClaimedRun: unreadable), the run is read here.
   */
  async work(runId: string, claimed?: RunState | null): Promise<WorkDone> {
    const { store, runtime, commands, children } = this.d;
    try {
      const state = claimed ?? store.getRun(runId);
      if (!state || this.d.isClosed() || runtime.notResumableReason(state)) return null;
      const before = state.ledger_head?.seq ?? null;
      const child = awaitedChild(state);
      let did: WorkDone = null;
      // The state the advance ended on (its last read, or the state an ended run was committed with).
      let ended: RunState | null = null;
      if (state.status === 'running') {
        ended = await commands.advance(runId, state);
        did = 'advanced';
      } else if (state.waiting?.reason === 'until') {
        if (await this.d.timers.fireTimer(runId, state.waiting.wait_key, this.d.clock.now())) did = 'timer';
      } else if (child && !store.getRun(child)) {
        // Its child was decided and committed, but not started (a crash in between): start it now.
        const after = await commands.command(runId, null, 'settle');
        if (store.getRun(child)) did = 'child';
        else if (after.ledger_head?.seq !== state.ledger_head?.seq) did = 'parent';
      } else if (child) {
        const after = await children.notifyParent(runId, child);
        if (after && !isWaitingForChild(after, child)) did = 'parent';
      }
      this.holdIfStuck(runId, before, ended);
      return did;
    } finally {
      // What of the claim no commit released (nothing moved, or no kernel operation ran).
      runtime.releaseClaim(runId);
    }
  }

  /** A run still runnable and due that did not move (a breakpoint, step mode) waits for a person, not the queue. */
  private holdIfStuck(runId: string, before: number | null, known: RunState | null): void {
    const { store, clock } = this.d;
    // `known` may be older than the store: if the run moved since, the hold (conditional on
    // the head `before`) does nothing.
    const after = known ?? store.getRun(runId);
    if (!after || (after.ledger_head?.seq ?? null) !== before) return;
    const ws = store.workState(runId);
    if (ws?.runnableAt != null && ws.runnableAt <= clock.now().getTime()) store.holdRun(runId, before);
  }

  /**
   * One headless pass (CLI `tick`): claims whatever is runnable (interrupted runs, due timers,
   * parents whose child ended) WORK_BATCH at a time, each run at most once. The caller settles.
   */
  async tick(): Promise<TickReport> {
    const report: TickReport = { recovered: [], timersFired: [], parentsResumed: [] };
    const seen = new Set<string>();
    for (
      let claimed = this.claim(WORK_BATCH, (id) => seen.has(id));
      claimed.length;
      claimed = this.claim(WORK_BATCH, (id) => seen.has(id))
    ) {
      for (const { runId } of claimed) seen.add(runId);
      await Promise.all(
        claimed.map(async ({ runId: id, state }) => {
          const did = await this.work(id, state).catch(logBackground(`advance ${id}`));
          if (did === 'advanced' || did === 'child') report.recovered.push(id);
          else if (did === 'timer') report.timersFired.push(id);
          else if (did === 'parent') report.parentsResumed.push(id);
        }),
      );
    }
    return report;
  }

  /** Advances every `running` run (the kernel retries or parks interrupted effects), WORK_BATCH at a time. */
  async recoverOnStart(): Promise<string[]> {
    const { store, catalog, commands } = this.d;
    const runnable = store
      .listRunnable()
      .filter((r) => !r.paused && catalog.find(r))
      .map((r) => r.run_id);
    for (let i = 0; i < runnable.length; i += WORK_BATCH) {
      await Promise.all(runnable.slice(i, i + WORK_BATCH).map((id) => commands.advance(id).catch(logBackground(`recover ${id}`))));
    }
    return runnable;
  }
}

/**
 * The one command pipeline every command on a run goes through:
 * claim (this host is busy with the run, so its worker does not take it meanwhile) →
 * kernel (`op` decides and commits; a kernel operation returns once its commit is durable) →
 * publish (events for what was committed) → continue: advance the run chunk by chunk, or
 * only settle what its new state implies for others (start the child it now waits on,
 * resume the parent of a run that ended), or nothing.
 */
import { ConcurrentUpdateError, RunLeasedError, RunNotFoundError } from '../../src-shared/errors';
import { TERMINAL_STATUSES, type RunState } from '../../src-shared/types';
import type { Runtime } from '../runtime/index';
import type { ChildRunner } from './childRunner';
import type { DebugPrefs } from './debugPrefs';
import { logBackground, type Continue } from './hostCommands';
import type { HostStore } from './hostParts';
import type { RunPublisher } from './publisher';
import type { RunActivity } from './runActivity';
import type { LoadedWorkflow } from './workflowLoader';

/** Steps per tick call while auto-advancing: progress is published between chunks. */
export const CHUNK_STEPS = 250;

export interface CommandPipelineDeps {
  store: HostStore;
  runtime: Runtime;
  activity: RunActivity;
  publisher: RunPublisher;
  prefs: DebugPrefs;
  children: () => ChildRunner;
  workflowFor(state: Pick<RunState, 'workflow_id' | 'workflow_version'>): LoadedWorkflow | null;
  /** With signing on: signs and anchors the run's head (after each command). */
  anchor(runId: string): void;
  isClosed(): boolean;
}

export class CommandPipeline {
  constructor(private readonly d: CommandPipelineDeps) {}

  /**
   * Runs one command: `op` returning false means it did not apply (another host got there
   * first): nothing continues. With `op` null (a worker's advance, a settle) the command
   * commits nothing itself: what follows marks and publishes what it commits.
   */
  command(runId: string, op: (() => Promise<unknown>) | null, then: Continue, opts: { isNew?: boolean } = {}): Promise<RunState> {
    const { activity, publisher, store } = this.d;
    return activity.track(runId, async () => {
      let applied: unknown = true;
      // The run as its publish read it, right after the operation (no await since).
      let published: RunState | null = null;
      if (op) {
        if (opts.isNew) publisher.markNew(runId);
        else publisher.mark(store.getRun(runId));
        try {
          applied = await op();
        } finally {
          published = publisher.publish(runId);
        }
      }
      if (applied === false || then === 'none') return published ?? this.requireRun(runId);
      if (then === 'settle') return this.afterChange(runId, published);
      return this.advanceNow(runId, { skipFirstBreak: then === 'advance past breakpoint' });
    });
  }

  /** One tick; false when nothing moved (another host holds the run, or it cannot go on). */
  async tickChunk(runId: string, maxSteps: number, before?: RunState, breakBefore?: string[]): Promise<boolean> {
    const { store, runtime, publisher } = this.d;
    const prior = before ?? store.getRun(runId);
    publisher.mark(prior);
    let after: RunState | null;
    try {
      await runtime.tick(runId, { maxSteps, ...(breakBefore?.length ? { breakBefore } : {}) });
    } catch (err) {
      if (err instanceof RunLeasedError || err instanceof ConcurrentUpdateError) return false;
      throw err;
    } finally {
      // publish reads the run as it now stands: that read tells whether it moved.
      after = publisher.publish(runId);
    }
    return !!after && (after.ledger_head?.seq ?? -1) !== (prior?.ledger_head?.seq ?? -1);
  }

  private async advanceNow(runId: string, opts: { skipFirstBreak: boolean }): Promise<RunState> {
    const { store, prefs } = this.d;
    let first = true;
    let state: RunState | null;
    for (;;) {
      // Read again after each chunk's yield: another process may have moved the run meanwhile
      // (a child ending resumes its parent), and what to do next depends on where it is now.
      state = store.getRun(runId);
      if (this.d.isClosed() || !state || state.status !== 'running' || state.paused || !this.d.workflowFor(state)) break;
      const skip = first && opts.skipFirstBreak;
      first = false;
      const bps = prefs.breakpoints(runId);
      if (!skip && (bps.includes(state.current_node) || prefs.stepMode(runId))) break;
      // The kernel runs the first node of a tick unconditionally and stops before any breakpoint after it.
      const progressed = await this.tickChunk(runId, CHUNK_STEPS, state, bps);
      state = null;
      if (!progressed) break;
      await yieldToEventLoop();
    }
    // The loop's last read, when it stopped on one (no await since): publish it as it is.
    return this.afterChange(runId, state);
  }

  /**
   * Publishes, then does what a run's new (committed, durable) state implies for others: a
   * child it now waits on is started, an ended run's parent is resumed. Runs in the run's queue.
   */
  private async afterChange(runId: string, justRead: RunState | null = null): Promise<RunState> {
    const { publisher, prefs } = this.d;
    const state = publisher.publish(runId, justRead) ?? this.requireRun(runId);
    this.d.anchor(runId);
    const children = this.d.children();
    if ((TERMINAL_STATUSES as readonly string[]).includes(state.status)) {
      prefs.forget(runId);
      if (state.parent_run_id) void children.notifyParent(state.parent_run_id, runId).catch(logBackground('resume parent'));
      return state;
    }
    if (!this.d.isClosed() && !state.paused && (await children.startAwaitedChild(state)))
      return this.advanceNow(runId, { skipFirstBreak: false });
    return state;
  }

  private requireRun(runId: string): RunState {
    const state = this.d.store.getRun(runId);
    if (!state) throw new RunNotFoundError(`run ${runId} does not exist`, { runId });
    return state;
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

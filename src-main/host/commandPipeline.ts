/**
 * The one command pipeline every command on a run goes through:
 * claim (this host is busy with the run, so its worker does not take it meanwhile) →
 * kernel (`op` decides and commits; a kernel operation returns once its commit is durable) →
 * publish (events for what was committed) → continue: advance the run chunk by chunk, or
 * only settle what its new state implies for others (start the child it now waits on,
 * resume the parent of a run that ended), or nothing.
 */
import { ConcurrentUpdateError, RunLeasedError } from '../../src-shared/errors';
import type { RunState } from '../../src-shared/types';
import { isTerminal } from '../runtime/runnable';
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
  children: ChildRunner;
  /** The run, or RunNotFoundError (the host's getRun). */
  getRun(runId: string): RunState;
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
  command(
    runId: string,
    op: (() => Promise<unknown>) | null,
    then: Continue,
    opts: { isNew?: boolean; current?: RunState } = {},
  ): Promise<RunState> {
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
          // A new run's start returns the state it committed (and made durable): published
          // as it is, without reading it back (a read per run created, one round trip each
          // on a server database). The publisher reads it if the run has moved on since.
          published = publisher.publish(runId, opts.isNew ? startedState(applied, runId) : null);
        }
      }
      if (applied === false || then === 'none') return published ?? this.d.getRun(runId);
      if (then === 'settle') return this.afterChange(runId, published);
      // With no op, the caller's read (no await since) is where the advance starts.
      return this.advanceNow(runId, { skipFirstBreak: then === 'advance past breakpoint', current: op ? null : (opts.current ?? null) });
    });
  }

  /**
   * One tick; `moved` false when nothing moved (another host holds the run, or it cannot go
   * on). `after`: the run as published after the tick.
   */
  async tickChunk(
    runId: string,
    maxSteps: number,
    before?: RunState,
    breakBefore?: string[],
  ): Promise<{ moved: boolean; after: RunState | null }> {
    const { store, runtime, publisher } = this.d;
    const prior = before ?? store.getRun(runId);
    publisher.mark(prior);
    let ticked: RunState | null = null;
    let after: RunState | null;
    try {
      // `prior` is a read made now (or the worker's, after its claim): the kernel starts from it if its claim is untouched.
      ticked = await runtime.tick(runId, { maxSteps, claimedState: prior ?? undefined, ...(breakBefore?.length ? { breakBefore } : {}) });
    } catch (err) {
      if (err instanceof RunLeasedError || err instanceof ConcurrentUpdateError) return { moved: false, after: null };
      throw err;
    } finally {
      // publish reads the run as it now stands: that read tells whether it moved. An ended
      // run is final (only a person's restore brings it back, in a command of its own), so
      // the state the kernel committed and made durable is how it stands.
      after = publisher.publish(runId, ticked && isTerminal(ticked) ? ticked : null);
    }
    return { moved: !!after && (after.ledger_head?.seq ?? -1) !== (prior?.ledger_head?.seq ?? -1), after };
  }

  private async advanceNow(runId: string, opts: { skipFirstBreak: boolean; current?: RunState | null }): Promise<RunState> {
    const { store, prefs } = this.d;
    let first = true;
    let state: RunState | null;
    for (;;) {
      // Read again after each chunk's yield: another process may have moved the run meanwhile
      // (a child ending resumes its parent), and what to do next depends on where it is now.
      state = first && opts.current ? opts.current : store.getRun(runId);
      if (this.d.isClosed() || !state || state.status !== 'running' || state.paused || !this.d.workflowFor(state)) break;
      const skip = first && opts.skipFirstBreak;
      first = false;
      const bps = prefs.breakpoints(runId);
      if (!skip && (bps.includes(state.current_node) || prefs.stepMode(runId))) break;
      // The kernel runs the first node of a tick unconditionally and stops before any breakpoint after it.
      const chunk = await this.tickChunk(runId, CHUNK_STEPS, state, bps);
      state = null;
      if (!chunk.moved) break;
      // Ended: nothing moves it again, no read needed to know.
      if (chunk.after && isTerminal(chunk.after)) {
        state = chunk.after;
        break;
      }
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
    const state = publisher.publish(runId, justRead) ?? this.d.getRun(runId);
    this.d.anchor(runId);
    const { children } = this.d;
    if (isTerminal(state)) {
      prefs.forget(runId);
      if (state.parent_run_id) void children.notifyParent(state.parent_run_id, runId).catch(logBackground('resume parent'));
      return state;
    }
    if (!this.d.isClosed() && !state.paused && (await children.startAwaitedChild(state)))
      return this.advanceNow(runId, { skipFirstBreak: false });
    return state;
  }
}

function startedState(applied: unknown, runId: string): RunState | null {
  const state = applied as RunState | null;
  return state && typeof state === 'object' && state.run_id === runId && state.ledger_head ? state : null;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Parent and child runs (start_subworkflow), once the kernel has committed what a parent
 * decided: starts the child a parent waits on (after the parent's commit; idempotent by the
 * child's deterministic id, so recovery after a crash in between starts it once), resumes a
 * parent when its child ends, and cancels the children a cancel or a restore abandons.
 */
import { RunTerminalError } from '../../src-shared/errors';
import { TERMINAL_STATUSES, type RunState } from '../../src-shared/types';
import { makeActor } from '../runtime/actor';
import type { Runtime } from '../runtime/index';
import { awaitedChildStart, childOutcomePayload, isWaitingForChild } from './childRuns';
import { logBackground, resumeOnce, type HostCommands } from './hostCommands';
import type { HostStore } from './hostParts';
import type { RunPublisher } from './publisher';
import type { WorkflowCatalog } from './workflowCatalog';

export interface ChildRunnerDeps {
  store: HostStore;
  runtime: Runtime;
  catalog: WorkflowCatalog;
  publisher: RunPublisher;
  hostId: string;
  commands: HostCommands;
}

export class ChildRunner {
  constructor(private readonly d: ChildRunnerDeps) {}

  /**
   * Starts the child a waiting parent has decided on, after the parent's wait is committed:
   * the kernel returned it as data (`waiting.details.child_start`). A parent with
   * `wait: false` is then resumed with `{child_run_id}`. True when the parent was resumed
   * (the caller advances it). Runs inside the parent's command.
   */
  async startAwaitedChild(parent: RunState): Promise<boolean> {
    const { store, runtime, catalog, publisher, hostId, commands } = this.d;
    const awaited = awaitedChildStart(parent);
    if (!awaited?.start) return false;
    const { childRunId, start, waitKey } = awaited;
    if (!store.getRun(childRunId)) {
      if (!catalog.find(start)) {
        console.error(
          `[abstractruntime] cannot start child ${childRunId}: workflow ${start.workflow_id}@${start.workflow_version} is not registered here`,
        );
        return false;
      }
      try {
        await runtime.start(start.workflow_id, start.vars, {
          version: start.workflow_version,
          parentRunId: parent.run_id,
          runId: childRunId,
        });
      } catch (err) {
        // Another worker started it first: the same child.
        if (!store.getRun(childRunId)) throw err;
      }
      publisher.markNew(childRunId);
      publisher.publish(childRunId);
      // Its own command, not awaited: the parent's command returns with the parent waiting.
      void commands.advance(childRunId).catch(logBackground(`advance child ${childRunId}`));
    }
    if (start.wait) return false;
    publisher.mark(parent);
    const actor = makeActor('runtime', 'subworkflow', { child_run_id: childRunId, host: hostId });
    if (!(await resumeOnce(runtime, store, parent.run_id, waitKey, { child_run_id: childRunId }, actor))) return false;
    publisher.publish(parent.run_id);
    return true;
  }

  /** Resumes a parent waiting on this (ended) child with its outcome, and advances it. */
  async notifyParent(parentRunId: string, childRunId: string): Promise<RunState | null> {
    const { store, runtime, hostId, commands } = this.d;
    if (!store.getRun(parentRunId)) return null;
    return commands.command(
      parentRunId,
      async () => {
        const parent = store.getRun(parentRunId);
        const child = store.getRun(childRunId);
        // A child not ended yet has no outcome: its parent was claimed in the moment between
        // its wait's commit and the child's first (runnable then, for whoever starts the
        // child), and the child's final commit wakes it again.
        if (!child || !isEnded(child) || !isWaitingForChild(parent, childRunId) || parent.paused || !commands.workflowFor(parent))
          return false;
        const actor = makeActor('runtime', 'subworkflow', { child_run_id: childRunId, host: hostId });
        return resumeOnce(runtime, store, parentRunId, parent.waiting!.wait_key, childOutcomePayload(child), actor);
      },
      'advance',
    );
  }

  /** Cancels the children of a cancelled parent that have not ended. */
  async cancelChildren(parentRunId: string, reason?: string): Promise<void> {
    for (const child of this.d.commands.listChildren(parentRunId)) {
      if (isEnded(child)) continue;
      await this.cancelQuietly(child.run_id, reason ?? `parent run ${parentRunId} was cancelled`);
    }
  }

  /**
   * After a restore, the children of the abandoned timeline are cancelled; a re-armed wait on
   * a child that already ended is resumed with its outcome (a running one resumes it itself).
   */
  async settleAfterRestore(state: RunState): Promise<void> {
    const awaited = state.status === 'waiting' && state.waiting?.reason === 'subworkflow' ? state.waiting.child_run_id : null;
    for (const child of this.d.commands.listChildren(state.run_id)) {
      if (child.run_id === awaited || isEnded(child)) continue;
      await this.cancelQuietly(child.run_id, `parent run ${state.run_id} was restored to a snapshot`);
    }
    const child = awaited ? this.d.store.getRun(awaited) : null;
    if (child && isEnded(child)) await this.notifyParent(state.run_id, child.run_id);
  }

  /** A child that ended meanwhile is not an error. */
  private async cancelQuietly(runId: string, reason: string): Promise<void> {
    try {
      await this.d.commands.cancelRun(runId, reason);
    } catch (err) {
      if (!(err instanceof RunTerminalError)) throw err;
    }
  }
}

function isEnded(run: Pick<RunState, 'status'>): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(run.status);
}

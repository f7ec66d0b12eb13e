/**
 * What the host's parts (timers and events, child runs) need from the host to act on a run:
 * its one command pipeline and a few lookups. Kept apart so the parts do not import
 * RuntimeHost (no cycle) and each part does one job.
 */
import { ConcurrentUpdateError, RunLeasedError, RunNotWaitingError, RunTerminalError, WrongWaitKeyError } from '../../src-shared/errors';
import type { JsonValue } from '../../src-shared/json';
import type { ActorFingerprint, RunState, RunSummary } from '../../src-shared/types';
import type { RuntimeStore } from '../runtime/contracts';
import type { Runtime } from '../runtime/index';
import type { LoadedWorkflow } from './workflowLoader';

/** What a command continues with once its commit is published (see RuntimeHost.command). */
export type Continue = 'advance' | 'advance past breakpoint' | 'settle' | 'none';

export interface HostCommands {
  /** The pipeline: claim → kernel (`op`; false = not applied) → publish → continue. */
  command(runId: string, op: (() => Promise<unknown>) | null, then: Continue): Promise<RunState>;
  /**
   * Advances a run in its own command (not awaited by whoever starts it, typically).
   * `current`: the caller's read of the run, made with no await since (spares a read).
   */
  advance(runId: string, current?: RunState): Promise<RunState>;
  cancelRun(runId: string, reason?: string): Promise<RunState>;
  workflowFor(state: Pick<RunState, 'workflow_id' | 'workflow_version'>): LoadedWorkflow | null;
  listChildren(runId: string): RunSummary[];
}

/**
 * Resumes a wait and says whether THIS call applied it: a concurrent host (or a repeated
 * delivery) that got there first makes the kernel return without writing, or refuse.
 */
export async function resumeOnce(
  runtime: Runtime,
  store: RuntimeStore,
  runId: string,
  waitKey: string,
  payload: JsonValue,
  actor: ActorFingerprint,
): Promise<boolean> {
  try {
    await runtime.resume(runId, { waitKey, payload, actor });
  } catch (err) {
    if (isLostRace(err)) return false;
    throw err;
  }
  const record = store.findCompletedEffect(runId, waitKey);
  return record?.kind === 'resumed' && record.actor?.fingerprint === actor.fingerprint;
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

export function logBackground(what: string) {
  return (err: unknown) => {
    console.error(`[abstractruntime] ${what} failed:`, (err as Error)?.message ?? err);
    return null;
  };
}

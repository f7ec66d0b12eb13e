/**
 * Which runnable runs nobody is advancing (*stalled*), and why: shown by the CLI (`show`,
 * `runs`), the runs list and the run view.
 */
import type { StalledInfo } from '../../src-shared/api';
import type { RunState, RunSummary } from '../../src-shared/types';
import { isTerminal } from '../runtime/runnable';
import { isDeadLocalOwner, isDeadLocalProcess } from '../store/processLeaseOwner';
import type { HostStore } from './hostParts';

/** A runnable run nobody has taken for this long is shown stalled (a claim takes milliseconds when a worker is alive). */
export const STALL_AFTER_MS = 5_000;

/** Why a run that should be advancing is not, or null: runnable for STALL_AFTER_MS and no live process holds its lease. */
export function stalledInfo(store: HostStore, now: Date, state: RunState): StalledInfo | null {
  if (isTerminal(state) || state.paused) return null;
  const ws = store.workState(state.run_id);
  const nowMs = now.getTime();
  if (ws?.runnableAt == null || ws.runnableAt > nowMs - STALL_AFTER_MS) return null;
  if (ws.lease && ws.lease.expiresAt > nowMs && !isDeadLocalOwner(ws.lease.owner)) return null;
  const since = new Date(ws.runnableAt).toISOString();
  // A worker of this machine that was killed keeps its row until it expires: it is not alive.
  const workers = store.liveWorkers(now).filter((w) => !isDeadLocalProcess(w.hostname, w.pid));
  const what =
    state.status === 'running'
      ? `run is runnable at node ${state.current_node}`
      : state.waiting?.reason === 'until'
        ? 'timer is due'
        : state.waiting?.child_run_id && !store.getRun(state.waiting.child_run_id)
          ? `child run ${state.waiting.child_run_id} is still to be started`
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

/** Run summaries with `stalled` filled in where it applies (a list shows it per row). */
export function withStalled(store: HostStore, now: Date, runs: RunSummary[]): RunSummary[] {
  return runs.map((r) => {
    if (isTerminal(r) || r.paused || (r.status === 'waiting' && r.waiting_reason !== 'until' && r.waiting_reason !== 'subworkflow'))
      return r;
    const state = store.getRun(r.run_id);
    const stalled = state ? stalledInfo(store, now, state) : null;
    return stalled ? { ...r, stalled: stalled.reason } : r;
  });
}

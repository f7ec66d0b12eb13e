/**
 * The open run: its view (state + workflow graph + debug settings), its verification report,
 * its snapshots, and every control the run view offers. Live updates coalesce: while a
 * refetch is in flight, further `runUpdated` events only mark the view dirty.
 */
import { create } from 'zustand';
import type { ApiRequest, RunView } from '../../src-shared/api';
import type { RunState, SnapshotSummary, VerifyReport } from '../../src-shared/types';
import { runtimeClient } from './clientRef';
import { describeError, toastError, useToastStore } from './toastStore';

type Decision = ApiRequest<'decideToolCalls'>['decisions'][number];

interface RunViewState {
  runId: string | null;
  view: RunView | null;
  error: string | null;
  verify: VerifyReport | null;
  verifying: boolean;
  snapshots: SnapshotSummary[];
  selectedNode: string | null;
  /** The ledger record the inspector focuses (state at this seq, detail pane). */
  selectedSeq: number | null;
  busy: boolean;
  /** Opens a run, optionally with a record selected (a `#/runs/<id>/records/<seq>` link). */
  open(runId: string, selectedSeq?: number | null): Promise<void>;
  refresh(): Promise<void>;
  selectNode(nodeId: string | null): void;
  selectSeq(seq: number | null): void;
  step(): Promise<void>;
  continueRun(): Promise<void>;
  cancel(reason?: string): Promise<void>;
  setStepMode(enabled: boolean): Promise<void>;
  toggleBreakpoint(nodeId: string): Promise<void>;
  answer(text: string, waitKey: string): Promise<boolean>;
  decide(waitKey: string, decisions: Decision[]): Promise<boolean>;
  /** Answers the current wait (event, timer…) with this payload. */
  resume(waitKey: string, payload: unknown, doneTitle: string): Promise<boolean>;
  /** Sends an event to every run waiting for it (this one included). */
  emitEvent(name: string, payload: unknown): Promise<string[] | null>;
  pause(): Promise<void>;
  unpause(): Promise<void>;
  runVerify(): Promise<void>;
  searchSnapshots(text?: string): Promise<void>;
  createSnapshot(name: string, tags: string[], description?: string): Promise<SnapshotSummary | null>;
  restore(snapshotId: string): Promise<boolean>;
  fork(snapshotId: string, vars?: Record<string, unknown>): Promise<RunState | null>;
  reset(): void;
}

let refreshing = false;
let dirty = false;
let verifyAgain = false;

/** Re-verify on every change a person watches (not on every step of a run racing ahead). */
function verdictMayBeStale(before: RunState, view: RunView): boolean {
  if (before.status !== view.state.status || before.current_node !== view.state.current_node) return true;
  const headMoved = before.ledger_head?.seq !== view.state.ledger_head?.seq;
  return headMoved && (view.state.status !== 'running' || view.stepMode);
}

const initial = {
  runId: null,
  view: null,
  error: null,
  verify: null,
  verifying: false,
  snapshots: [],
  selectedNode: null,
  selectedSeq: null,
  busy: false,
};

export const useRunViewStore = create<RunViewState>()((set, get) => {
  /** Runs one control call; a failure becomes a toast and `false`, the view is refetched either way. */
  async function control<T>(title: string, fn: () => Promise<T>): Promise<T | null> {
    set({ busy: true });
    try {
      const out = await fn();
      return out;
    } catch (err) {
      toastError(err, title, get().runId ?? undefined);
      return null;
    } finally {
      set({ busy: false });
      await get().refresh();
    }
  }
  const api = () => runtimeClient();
  const id = () => get().runId ?? '';

  return {
    ...initial,
    async open(runId, selectedSeq = null) {
      refreshing = false;
      dirty = false;
      verifyAgain = false;
      set({ ...initial, runId, selectedSeq });
      await Promise.all([get().refresh(), get().runVerify(), get().searchSnapshots()]);
    },
    async refresh() {
      const runId = get().runId;
      if (!runId) return;
      if (refreshing) {
        dirty = true;
        return;
      }
      refreshing = true;
      try {
        do {
          dirty = false;
          const view = await api().call('getRun', { runId });
          if (get().runId !== runId) return;
          const before = get().view?.state;
          set({ view, error: null });
          // A new status means new records: keep the verdict about the ledger as it is now.
          if (before && verdictMayBeStale(before, view)) void get().runVerify();
        } while (dirty);
      } catch (err) {
        if (get().runId === runId) set({ error: describeError(err) });
      } finally {
        refreshing = false;
      }
    },
    selectNode: (nodeId) => set({ selectedNode: nodeId }),
    selectSeq: (seq) => set({ selectedSeq: seq }),
    step: async () => void (await control('Step failed', () => api().call('stepRun', { runId: id() }))),
    continueRun: async () => void (await control('Continue failed', () => api().call('continueRun', { runId: id() }))),
    cancel: async (reason) =>
      void (await control('Cancel failed', () => api().call('cancelRun', { runId: id(), ...(reason ? { reason } : {}) }))),
    setStepMode: async (enabled) => void (await control('Step mode failed', () => api().call('setStepMode', { runId: id(), enabled }))),
    async toggleBreakpoint(nodeId) {
      const current = get().view?.breakpoints ?? [];
      const nodeIds = current.includes(nodeId) ? current.filter((n) => n !== nodeId) : [...current, nodeId];
      // Optimistic: the checkbox follows the click; a failure refetches the real list.
      const shown = get().view;
      if (shown) set({ view: { ...shown, breakpoints: nodeIds } });
      const view = await control('Breakpoint failed', () => api().call('setBreakpoints', { runId: id(), nodeIds }));
      if (view) set({ view });
    },
    answer: async (text, waitKey) => (await control('Answer failed', () => api().call('answer', { runId: id(), text, waitKey }))) !== null,
    decide: async (waitKey, decisions) =>
      (await control('Decision failed', () => api().call('decideToolCalls', { runId: id(), waitKey, decisions }))) !== null,
    async resume(waitKey, payload, doneTitle) {
      const ok =
        (await control('Sending failed', () => api().call('resume', { runId: id(), waitKey, payload: payload as never }))) !== null;
      if (ok) useToastStore.getState().push({ kind: 'info', title: doneTitle, message: 'The run continues.', runId: id() });
      return ok;
    },
    async emitEvent(name, payload) {
      const res = await control('Sending failed', () => api().call('emitEvent', { name, payload: payload as never }));
      if (res) {
        const n = res.delivered.length;
        useToastStore.getState().push({
          kind: 'info',
          title: `Event “${name}” sent`,
          message: n === 0 ? 'No run was waiting for it.' : `Delivered to ${n} run${n === 1 ? '' : 's'}.`,
          runId: id(),
        });
      }
      return res ? res.delivered : null;
    },
    pause: async () => void (await control('Pause failed', () => api().call('pauseRun', { runId: id() }))),
    unpause: async () => void (await control('Unpause failed', () => api().call('unpauseRun', { runId: id() }))),
    async runVerify() {
      const runId = get().runId;
      if (!runId) return;
      if (get().verifying) {
        verifyAgain = true; // the verdict in flight may predate the newest records
        return;
      }
      set({ verifying: true });
      try {
        const verify = await api().call('verifyRun', { runId });
        if (get().runId === runId) set({ verify });
      } catch (err) {
        toastError(err, 'Verification failed to run', runId);
      } finally {
        set({ verifying: false });
      }
      if (verifyAgain && get().runId === runId) {
        verifyAgain = false;
        await get().runVerify();
      }
    },
    async searchSnapshots(text) {
      const runId = get().runId;
      if (!runId) return;
      try {
        const snapshots = await api().call('searchSnapshots', { runId, ...(text ? { text } : {}) });
        if (get().runId === runId) set({ snapshots });
      } catch (err) {
        toastError(err, 'Snapshot search failed', runId);
      }
    },
    async createSnapshot(name, tags, description) {
      const snap = await control('Snapshot failed', () =>
        api().call('createSnapshot', { runId: id(), name, tags, ...(description ? { description } : {}) }),
      );
      if (snap) {
        useToastStore
          .getState()
          .push({ kind: 'info', title: 'Snapshot created', message: `${snap.name} at seq ${snap.ledger_seq}`, runId: id() });
        await get().searchSnapshots();
      }
      return snap;
    },
    async restore(snapshotId) {
      const ok = (await control('Restore failed', () => api().call('restoreSnapshot', { snapshotId }))) !== null;
      if (ok)
        useToastStore
          .getState()
          .push({ kind: 'info', title: 'Snapshot restored', message: 'The run continues from the snapshot.', runId: id() });
      return ok;
    },
    fork: (snapshotId, vars) =>
      control('Fork failed', () => api().call('forkSnapshot', { snapshotId, ...(vars ? { vars: vars as never } : {}) })),
    reset: () => set(initial),
  };
});

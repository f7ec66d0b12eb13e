/** The runs list: filters, the current page and live updates from `runUpdated`. */
import { create } from 'zustand';
import type { RunStatus, RunSummary, WorkflowInfo } from '../../src-shared/types';
import { runtimeClient } from './clientRef';
import { describeError } from './toastStore';

export interface RunFilters {
  status: RunStatus | 'all';
  workflowId: string;
  search: string;
}

interface RunsState {
  runs: RunSummary[];
  total: number;
  filters: RunFilters;
  workflows: WorkflowInfo[];
  loading: boolean;
  error: string | null;
  setFilters(f: Partial<RunFilters>): void;
  load(): Promise<void>;
  loadWorkflows(): Promise<void>;
  applyRunUpdated(run: RunSummary): void;
}

const PAGE = 500;

export const useRunsStore = create<RunsState>()((set, get) => ({
  runs: [],
  total: 0,
  filters: { status: 'all', workflowId: '', search: '' },
  workflows: [],
  loading: false,
  error: null,
  setFilters(f) {
    set((s) => ({ filters: { ...s.filters, ...f } }));
    void get().load();
  },
  async load() {
    const { filters } = get();
    set({ loading: true });
    try {
      const res = await runtimeClient().call('listRuns', {
        limit: PAGE,
        ...(filters.status !== 'all' ? { status: filters.status } : {}),
        ...(filters.workflowId ? { workflowId: filters.workflowId } : {}),
        ...(filters.search.trim() ? { search: filters.search.trim() } : {}),
      });
      set({ runs: res.runs, total: res.total, loading: false, error: null });
    } catch (err) {
      set({ loading: false, error: describeError(err) });
    }
  },
  async loadWorkflows() {
    try {
      set({ workflows: await runtimeClient().call('listWorkflows', {}) });
    } catch (err) {
      set({ error: describeError(err) });
    }
  },
  applyRunUpdated(run) {
    set((s) => {
      const i = s.runs.findIndex((r) => r.run_id === run.run_id);
      if (i >= 0) {
        const runs = s.runs.slice();
        runs[i] = run;
        return { runs };
      }
      if (!matchesFilters(run, s.filters)) return s;
      return { runs: [run, ...s.runs], total: s.total + 1 };
    });
  },
}));

export function matchesFilters(run: RunSummary, f: RunFilters): boolean {
  if (f.status !== 'all' && run.status !== f.status) return false;
  if (f.workflowId && run.workflow_id !== f.workflowId) return false;
  const q = f.search.trim().toLowerCase();
  if (q && !`${run.run_id} ${run.workflow_id} ${run.current_node} ${run.wait_prompt ?? ''}`.toLowerCase().includes(q)) return false;
  return true;
}

/** A run waits for a person when it asks a question, needs a tool approval, or needs recovery. */
export function waitsForPerson(run: Pick<RunSummary, 'status' | 'waiting_reason'>): boolean {
  return run.status === 'waiting' && (run.waiting_reason === 'user' || run.waiting_reason === 'tool_calls' || run.waiting_reason === 'recovery');
}

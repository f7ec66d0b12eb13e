/** The runs list: filters, the current page and live updates from `runUpdated`. */
import { create } from 'zustand';
import { runMatchesSearch } from '../../src-shared/textSearch';
import { RUN_STATUSES, type RunStatus, type RunSummary, type WorkflowInfo } from '../../src-shared/types';
import { runtimeClient } from './clientRef';
import { describeError } from './toastStore';

export interface RunFilters {
  status: RunStatus | 'all';
  workflowId: string;
  search: string;
  /** Created on or after this day (YYYY-MM-DD, local time), '' for no bound. */
  from: string;
  /** Created on or before this day (inclusive), '' for no bound. */
  to: string;
}

export const NO_FILTERS: RunFilters = { status: 'all', workflowId: '', search: '', from: '', to: '' };

/** The runs list's filters as they appear in the address (`#/runs?status=failed&q=…`). */
export function filtersFromQuery(q: URLSearchParams): RunFilters {
  const status = q.get('status') ?? 'all';
  const day = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '');
  return {
    status: (RUN_STATUSES as readonly string[]).includes(status) ? (status as RunStatus) : 'all',
    workflowId: q.get('workflow') ?? '',
    search: q.get('q') ?? '',
    from: day(q.get('from')),
    to: day(q.get('to')),
  };
}

export function queryFromFilters(f: RunFilters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.status !== 'all') q.set('status', f.status);
  if (f.workflowId) q.set('workflow', f.workflowId);
  if (f.search.trim()) q.set('q', f.search.trim());
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  return q;
}

/** Local midnight of a YYYY-MM-DD day, as an ISO instant (`to` is inclusive: the next midnight). */
function dayStart(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
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
  filters: NO_FILTERS,
  workflows: [],
  loading: false,
  error: null,
  setFilters(f) {
    const next = { ...get().filters, ...f };
    if (JSON.stringify(next) === JSON.stringify(get().filters) && get().runs.length) return;
    set({ filters: next });
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
        ...(filters.from ? { createdFrom: dayStart(filters.from) } : {}),
        ...(filters.to ? { createdTo: dayStart(filters.to, 1) } : {}),
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
  if (f.from && run.created_at < dayStart(f.from)) return false;
  if (f.to && run.created_at >= dayStart(f.to, 1)) return false;
  // The list asks the store with the trimmed text (loadRuns); a run arriving live is kept by the same rule.
  return runMatchesSearch(run, f.search.trim());
}

/** A run waits for a person when it asks a question, needs a tool approval, or needs recovery. */
export function waitsForPerson(run: Pick<RunSummary, 'status' | 'waiting_reason'>): boolean {
  return (
    run.status === 'waiting' && (run.waiting_reason === 'user' || run.waiting_reason === 'tool_calls' || run.waiting_reason === 'recovery')
  );
}

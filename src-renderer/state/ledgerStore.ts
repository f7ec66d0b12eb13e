/**
 * A window onto one run's ledger. Runs reach 100k+ records, so nothing ever loads them all:
 * records live in seq-aligned pages fetched on demand as the virtual list scrolls, the
 * first page comes from the end (`fromEnd`), far pages are evicted, and live records from
 * `ledgerAppended` are appended. Seqs are contiguous from 0, so list index = seq.
 */
import { create } from 'zustand';
import { isFilterActive, type LedgerFilter } from '../../src-shared/ledgerFilter';
import { stepCounter, type StepCounter, type StepCounts } from '../../src-shared/timeTravel';
import type { LedgerRecord, RunState } from '../../src-shared/types';
import { runtimeClient } from './clientRef';
import { describeError } from './toastStore';

export const LEDGER_PAGE = 200;
/** Pages kept in memory (~10k records): enough for fast scrolling back and forth. */
const MAX_PAGES = 50;

interface LedgerState {
  runId: string | null;
  total: number;
  records: ReadonlyMap<number, LedgerRecord>;
  /** Page indexes fully loaded. */
  loadedPages: number[];
  inflight: ReadonlySet<number>;
  error: string | null;
  /** Follow live: the list sticks to the newest record. */
  follow: boolean;
  filter: LedgerFilter;
  /** Seqs passing the filter, in order (null: no filter, every record shows). */
  matches: number[] | null;
  /** The host stopped counting matches at its limit. */
  matchesTruncated: boolean;
  /** Records left behind by restores: seqs strictly between [restored-to, restored-at]. */
  superseded: [number, number][];
  /** Visits and steps inside the superseded ranges (null: none, or not counted yet). */
  supersededCounts: StepCounts | null;
  hideSuperseded: boolean;
  /** The graph and the step count include the superseded branch (off: they leave it out). */
  countSuperseded: boolean;
  setCountSuperseded(count: boolean): void;
  setHideSuperseded(hide: boolean): Promise<void>;
  open(runId: string): Promise<void>;
  ensureRange(firstSeq: number, lastSeq: number): void;
  /** Loads the pages holding these seqs (a filtered list shows scattered seqs). */
  ensureSeqs(seqs: number[]): void;
  setFilter(patch: Partial<LedgerFilter>): Promise<void>;
  appendLive(runId: string, records: LedgerRecord[]): void;
  setFollow(follow: boolean): void;
  reset(): void;
}

/** Page at the centre of the last requested range (not state: it must not re-render). */
let focusPage = 0;

const empty = {
  runId: null,
  total: 0,
  records: new Map<number, LedgerRecord>(),
  loadedPages: [] as number[],
  inflight: new Set<number>(),
  error: null,
  follow: true,
  filter: {} as LedgerFilter,
  matches: null as number[] | null,
  matchesTruncated: false,
  superseded: [] as [number, number][],
  supersededCounts: null as StepCounts | null,
  hideSuperseded: false,
  countSuperseded: false,
};

export function supersededBy(ranges: readonly [number, number][], seq: number): [number, number] | null {
  return ranges.find(([from, at]) => seq > from && seq < at) ?? null;
}

export const useLedgerStore = create<LedgerState>()((set, get) => ({
  ...empty,
  async open(runId) {
    set({ ...empty, runId, records: new Map(), inflight: new Set() });
    try {
      const page = await runtimeClient().call('getLedger', { runId, fromEnd: true, limit: LEDGER_PAGE });
      if (get().runId !== runId) return;
      set((s) => ({ ...merge(s, page.records, fullPagesIn(page.records)), total: Math.max(page.total, s.total) }));
      void loadSuperseded(runId);
    } catch (err) {
      if (get().runId === runId) set({ error: describeError(err) });
    }
  },
  ensureRange(firstSeq, lastSeq) {
    const s = get();
    if (!s.runId || s.total === 0) return;
    const first = Math.max(0, Math.floor(firstSeq / LEDGER_PAGE));
    const last = Math.floor(Math.min(lastSeq, s.total - 1) / LEDGER_PAGE);
    focusPage = Math.floor((first + last) / 2);
    for (let p = first; p <= last; p++) {
      if (!s.loadedPages.includes(p) && !s.inflight.has(p)) void fetchPage(s.runId, p);
    }
  },
  ensureSeqs(seqs) {
    const s = get();
    if (!s.runId || seqs.length === 0) return;
    const pages = [...new Set(seqs.map((q) => Math.floor(q / LEDGER_PAGE)))];
    focusPage = pages[Math.floor(pages.length / 2)]!;
    for (const p of pages) if (!s.loadedPages.includes(p) && !s.inflight.has(p)) void fetchPage(s.runId, p);
  },
  async setFilter(patch) {
    const filter = { ...get().filter, ...patch };
    set({ filter });
    await refilter();
  },
  appendLive(runId, records) {
    if (get().runId !== runId || records.length === 0) return;
    set((s) => {
      const lastSeq = records[records.length - 1]!.seq;
      return { ...merge(s, records, []), total: Math.max(s.total, lastSeq + 1) };
    });
    if (records.some((r) => r.kind === 'restored')) void loadSuperseded(runId).then(() => get().matches && refilter());
    else if (get().matches) void refilter();
  },
  async setHideSuperseded(hide) {
    set({ hideSuperseded: hide });
    await refilter();
  },
  setCountSuperseded(count) {
    set({ countSuperseded: count });
  },
  setFollow(follow) {
    if (get().follow !== follow) set({ follow });
  },
  reset() {
    set({ ...empty, records: new Map(), inflight: new Set() });
  },
}));

let filtering = false;
let filterAgain = false;

/** Asks the host which records pass the filter; live records and quick typing coalesce into one request at a time. */
async function refilter(): Promise<void> {
  const st = useLedgerStore;
  if (filtering) {
    filterAgain = true;
    return;
  }
  filtering = true;
  try {
    do {
      filterAgain = false;
      const { runId, filter, hideSuperseded, superseded, total } = st.getState();
      if (!runId) return;
      const hiding = hideSuperseded && superseded.length > 0;
      const keep = (seqs: number[]) => (hiding ? seqs.filter((q) => !supersededBy(superseded, q)) : seqs);
      if (!isFilterActive(filter)) {
        st.setState({ matches: hiding ? keep(Array.from({ length: total }, (_, i) => i)) : null, matchesTruncated: false, error: null });
        continue;
      }
      const req = {
        runId,
        ...(filter.kind ? { kind: filter.kind } : {}),
        ...(filter.nodeId ? { nodeId: filter.nodeId } : {}),
        ...(filter.status ? { status: filter.status as 'completed' } : {}),
        ...(filter.show && filter.show !== 'all' ? { show: filter.show } : {}),
        ...(filter.text?.trim() ? { text: filter.text.trim() } : {}),
      };
      try {
        const res = await runtimeClient().call('findLedger', req);
        if (st.getState().runId === runId && st.getState().filter === filter)
          st.setState({ matches: keep(res.seqs), matchesTruncated: res.truncated, error: null });
      } catch (err) {
        if (st.getState().runId === runId) st.setState({ error: describeError(err) });
      }
    } while (filterAgain);
  } finally {
    filtering = false;
  }
}

/** Where each restore went back to (its `restored` record names the seq), so the rows between are marked. */
async function loadSuperseded(runId: string): Promise<void> {
  try {
    const client = runtimeClient();
    const { seqs } = await client.call('findLedger', { runId, kind: 'restored' });
    const ranges: [number, number][] = [];
    for (const seq of seqs) {
      const rec = (await client.call('getLedger', { runId, afterSeq: seq - 1, limit: 1 })).records[0];
      const to = (rec?.result as { snapshot_seq?: unknown } | null)?.snapshot_seq;
      if (typeof to === 'number' && to < seq) ranges.push([to, seq]);
    }
    const supersededCounts = ranges.length ? await countSupersededSteps(runId, ranges) : null;
    if (useLedgerStore.getState().runId === runId) useLedgerStore.setState({ superseded: ranges, supersededCounts });
  } catch {
    // Marking is a courtesy: the rows still show; a failure of the main read is reported there.
  }
}

/**
 * The visits the superseded records began: each rolled-back branch counted from the step
 * open at its restored-to record (a wait there goes on after the restore, so its later
 * records begin nothing), the rest of the ledger counted as the run lived it.
 */
async function countSupersededSteps(runId: string, ranges: [number, number][]): Promise<StepCounts> {
  const kept = stepCounter();
  const out: StepCounts = { visits: {}, steps: 0 };
  // Widened on purpose: assigned inside the loop, which TypeScript's narrowing from `null` does not see.
  let branch = null as { range: [number, number]; counter: StepCounter } | null;
  const lastAt = Math.max(...ranges.map(([, at]) => at));
  for (let after = -1; after < lastAt;) {
    const page = (await runtimeClient().call('getLedger', { runId, afterSeq: after, limit: 5000 })).records;
    if (page.length === 0) break;
    for (const r of page) {
      const range = supersededBy(ranges, r.seq);
      if (!range) {
        kept.add(r);
        continue;
      }
      if (branch?.range !== range) {
        if (branch) addCounts(out, branch.counter.counts);
        branch = { range, counter: stepCounter(kept.openStep()) };
      }
      branch.counter.add(r);
    }
    after = page[page.length - 1]!.seq;
  }
  if (branch) addCounts(out, branch.counter.counts);
  return out;
}

function addCounts(into: StepCounts, c: StepCounts): void {
  for (const [node, n] of Object.entries(c.visits)) into.visits[node] = (into.visits[node] ?? 0) + n;
  into.steps += c.steps;
}

/**
 * The run's visits and steps as the graph and header show them: the state's counters (which
 * never go back) minus what the superseded branches counted, unless those are asked for.
 */
export function liveStepCounts(
  state: Pick<RunState, 'visits' | 'step_count'>,
  superseded: StepCounts | null,
  includeSuperseded: boolean,
): StepCounts {
  if (!superseded || includeSuperseded) return { visits: state.visits, steps: state.step_count };
  const visits: Record<string, number> = {};
  for (const [node, n] of Object.entries(state.visits)) visits[node] = Math.max(0, n - (superseded.visits[node] ?? 0));
  return { visits, steps: Math.max(0, state.step_count - superseded.steps) };
}

async function fetchPage(runId: string, page: number): Promise<void> {
  const st = useLedgerStore;
  st.setState((s) => ({ inflight: new Set(s.inflight).add(page) }));
  try {
    const res = await runtimeClient().call('getLedger', { runId, afterSeq: page * LEDGER_PAGE - 1, limit: LEDGER_PAGE });
    if (st.getState().runId !== runId) return;
    st.setState((s) => ({ ...merge(s, res.records, [page]), total: Math.max(s.total, res.total), inflight: without(s.inflight, page) }));
  } catch (err) {
    if (st.getState().runId === runId) st.setState((s) => ({ error: describeError(err), inflight: without(s.inflight, page) }));
  }
}

function merge(s: LedgerState, records: LedgerRecord[], pages: number[]): Pick<LedgerState, 'records' | 'loadedPages'> {
  const map = new Map(s.records);
  for (const r of records) map.set(r.seq, r);
  let loaded = [...s.loadedPages.filter((p) => !pages.includes(p)), ...pages];
  if (loaded.length > MAX_PAGES) {
    // Evict the pages farthest from where the user is looking.
    const byDistance = [...loaded].sort((a, b) => Math.abs(a - focusPage) - Math.abs(b - focusPage));
    const evicted = byDistance.slice(MAX_PAGES);
    loaded = loaded.filter((p) => !evicted.includes(p));
    for (const p of evicted) for (let q = p * LEDGER_PAGE; q < (p + 1) * LEDGER_PAGE; q++) map.delete(q);
  }
  return { records: map, loadedPages: loaded };
}

/** Pages a fromEnd window covers completely (its first page is usually partial). */
function fullPagesIn(records: LedgerRecord[]): number[] {
  if (records.length === 0) return [];
  const firstSeq = records[0]!.seq;
  const lastSeq = records[records.length - 1]!.seq;
  const pages: number[] = [];
  for (let p = Math.floor(firstSeq / LEDGER_PAGE); p <= Math.floor(lastSeq / LEDGER_PAGE); p++) {
    const start = p * LEDGER_PAGE;
    const isLastPage = p === Math.floor(lastSeq / LEDGER_PAGE);
    if (start >= firstSeq && (isLastPage || (p + 1) * LEDGER_PAGE - 1 <= lastSeq)) pages.push(p);
  }
  return pages;
}

function without(set: ReadonlySet<number>, v: number): Set<number> {
  const next = new Set(set);
  next.delete(v);
  return next;
}

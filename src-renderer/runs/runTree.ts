/** Runs as a parent/child tree, and what a run waits for (or how it ended) in words. */
import type { RunSummary } from '../../src-shared/types';

export interface TreeRow {
  run: RunSummary;
  depth: number;
  /** A child whose parent is not on this page (filtered out or older). */
  orphan: boolean;
}

/** Children right under their parent (in list order), parents kept where the list put them. */
export function runTree(runs: RunSummary[]): TreeRow[] {
  const ids = new Set(runs.map((r) => r.run_id));
  const children = new Map<string, RunSummary[]>();
  for (const r of runs) {
    if (r.parent_run_id && ids.has(r.parent_run_id)) children.set(r.parent_run_id, [...(children.get(r.parent_run_id) ?? []), r]);
  }
  const out: TreeRow[] = [];
  const seen = new Set<string>();
  const visit = (r: RunSummary, depth: number) => {
    if (seen.has(r.run_id)) return; // a cycle in bad data must not hang the list
    seen.add(r.run_id);
    out.push({ run: r, depth, orphan: depth === 0 && !!r.parent_run_id });
    for (const c of children.get(r.run_id) ?? []) visit(c, depth + 1);
  };
  for (const r of runs) if (!r.parent_run_id || !ids.has(r.parent_run_id)) visit(r, 0);
  for (const r of runs) visit(r, 0);
  return out;
}

export function waitingFor(run: RunSummary): string | null {
  if (run.status === 'failed')
    return run.error_summary
      ? `Failed${run.error_summary.node_id ? ` at ${run.error_summary.node_id}` : ''}: ${run.error_summary.message}`
      : 'Failed';
  if (run.status !== 'waiting') return run.paused ? 'Paused' : null;
  switch (run.waiting_reason) {
    case 'user':
      return `Your answer${run.wait_prompt ? `: “${run.wait_prompt}”` : ''}`;
    case 'tool_calls':
      return 'Your approval of tool calls';
    case 'event':
      return `Event “${run.wait_event_name ?? '?'}”`;
    case 'until':
      return run.wait_until ? `Timer, due ${new Date(run.wait_until).toLocaleString()}` : 'Timer';
    case 'subworkflow':
      return `Child run ${run.wait_child_run_id ? shortId(run.wait_child_run_id) : ''}`.trim();
    case 'recovery':
      return 'Recovery decision (an effect was interrupted)';
    default:
      return run.waiting_reason ?? null;
  }
}

/** Enough of an id to tell siblings apart: its start and its end. */
export function shortId(id: string): string {
  return id.length <= 14 ? id : `${id.slice(0, 8)}…${id.slice(-4)}`;
}

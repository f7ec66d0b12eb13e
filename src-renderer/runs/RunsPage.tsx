/** The runs list: filters, search, a start button, and runs waiting for a person marked. */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { RUN_STATUSES, type RunStatus, type RunSummary } from '../../src-shared/types';
import { StatusPill } from '../shell/StatusPill';
import { navigate, runHref } from '../state/hashRoute';
import { useRunsStore, waitsForPerson } from '../state/runsStore';
import { StartRunDialog } from './StartRunDialog';
import { ForeignFolders } from '../foreign/ForeignFolders';
import { OpenFolderDialog } from '../foreign/OpenFolderDialog';

export function RunsPage() {
  const { runs, total, filters, workflows, error, loading } = useRunsStore(
    useShallow((s) => ({ runs: s.runs, total: s.total, filters: s.filters, workflows: s.workflows, error: s.error, loading: s.loading })),
  );
  const setFilters = useRunsStore((s) => s.setFilters);
  const [starting, setStarting] = useState(false);
  const [openingFolder, setOpeningFolder] = useState(false);
  const [search, setSearch] = useState(filters.search);

  useEffect(() => {
    void useRunsStore.getState().load();
    void useRunsStore.getState().loadWorkflows();
  }, []);
  useEffect(() => {
    if (search === filters.search) return;
    const t = setTimeout(() => setFilters({ search }), 250);
    return () => clearTimeout(t);
  }, [search, filters.search, setFilters]);

  return (
    <section className="page runs-page" aria-label="Runs">
      <header className="page-header">
        <h1>Runs</h1>
        <span className="header-actions">
          <button type="button" onClick={() => setOpeningFolder(true)}>Open folder…</button>
          <button type="button" className="primary" onClick={() => setStarting(true)}>Start run</button>
        </span>
      </header>
      <div className="filters" role="search">
        <label>
          Status
          <select value={filters.status} onChange={(e) => setFilters({ status: e.target.value as RunStatus | 'all' })}>
            <option value="all">all</option>
            {RUN_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          Workflow
          <select value={filters.workflowId} onChange={(e) => setFilters({ workflowId: e.target.value })}>
            <option value="">all</option>
            {workflows.map((w) => <option key={w.id} value={w.id}>{w.id}</option>)}
          </select>
        </label>
        <label className="grow">
          Search
          <input type="search" value={search} placeholder="run id, node, prompt…" onChange={(e) => setSearch(e.target.value)} />
        </label>
        <span className="muted">{loading ? 'Loading…' : `${total} run${total === 1 ? '' : 's'}`}</span>
      </div>
      {error ? <p className="inline-error" role="alert">{error}</p> : null}
      <RunsTable runs={runs} />
      <ForeignFolders />
      {starting ? <StartRunDialog onClose={() => setStarting(false)} /> : null}
      {openingFolder ? <OpenFolderDialog onClose={() => setOpeningFolder(false)} /> : null}
    </section>
  );
}

function RunsTable({ runs }: { runs: RunSummary[] }) {
  if (runs.length === 0) return <p className="empty">No runs match. Start one with “Start run”.</p>;
  return (
    <table className="runs-table">
      <thead>
        <tr>
          <th>Status</th><th>Workflow</th><th>Run</th><th>Node</th><th>Steps</th><th>Started</th><th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => <RunRow key={r.run_id} run={r} />)}
      </tbody>
    </table>
  );
}

function RunRow({ run }: { run: RunSummary }) {
  const person = waitsForPerson(run);
  const open = () => navigate(runHref(run.run_id));
  return (
    <tr
      className={person ? 'needs-person' : undefined}
      tabIndex={0}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === 'Enter') open();
        if (e.key === 'ArrowDown') (e.currentTarget.nextElementSibling as HTMLElement | null)?.focus();
        if (e.key === 'ArrowUp') (e.currentTarget.previousElementSibling as HTMLElement | null)?.focus();
      }}
      data-run-id={run.run_id}
    >
      <td>
        <StatusPill status={run.status} paused={run.paused} />
        {person ? <span className="attention-mark" title={run.wait_prompt ?? 'Waiting for you'}>needs you</span> : null}
        {run.stalled ? <span className="stalled-mark" title={run.stalled}>stalled</span> : null}
      </td>
      <td>{run.workflow_id}</td>
      <td><a href={runHref(run.run_id)} onClick={(e) => e.stopPropagation()}>{run.run_id.slice(0, 12)}</a></td>
      <td>{run.current_node}</td>
      <td className="num">{run.step_count}</td>
      <td>{formatTime(run.created_at)}</td>
      <td>{formatTime(run.updated_at)}</td>
    </tr>
  );
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

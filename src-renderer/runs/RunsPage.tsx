/**
 * The runs list: filters kept in the address (`#/runs?status=…&workflow=…&q=…&from=…&to=…`),
 * runs shown as a parent/child tree with what each waits for or why it failed, runs waiting
 * for a person marked, a start button, and the search inside every ledger.
 */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { RUN_STATUSES, type RunStatus, type RunSummary } from '../../src-shared/types';
import { count } from '../shell/plural';
import { StatusPill } from '../shell/StatusPill';
import { ErrorText } from '../shell/ErrorText';
import { compareHref, navigate, replaceHash, runHref, runsHref } from '../state/hashRoute';
import { filtersFromQuery, queryFromFilters, useRunsStore, waitsForPerson, type RunFilters } from '../state/runsStore';
import { exportRunToFile, type ExportResult } from '../shell/exportBundles';
import { runtimeClient } from '../state/clientRef';
import { toastError } from '../state/toastStore';
import { LedgerSearch } from './LedgerSearch';
import { RunId } from './RunId';
import { StartRunDialog } from './StartRunDialog';
import { ForeignFolders } from '../foreign/ForeignFolders';
import { OpenFolderDialog } from '../foreign/OpenFolderDialog';
import { runTree, waitingFor } from './runTree';

export function RunsPage({ query }: { query: URLSearchParams }) {
  const { runs, total, filters, workflows, error, loading } = useRunsStore(
    useShallow((s) => ({ runs: s.runs, total: s.total, filters: s.filters, workflows: s.workflows, error: s.error, loading: s.loading })),
  );
  const [starting, setStarting] = useState(false);
  const [openingFolder, setOpeningFolder] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const fromUrl = filtersFromQuery(query);
  const urlKey = queryFromFilters(fromUrl).toString();
  const [search, setSearch] = useState(fromUrl.search);

  // The address is the source of the filters: a link or Back restores them.
  useEffect(() => {
    useRunsStore.getState().setFilters(filtersFromQuery(new URLSearchParams(urlKey)));
    setSearch(filtersFromQuery(new URLSearchParams(urlKey)).search);
  }, [urlKey]);
  useEffect(() => {
    void useRunsStore.getState().loadWorkflows();
  }, []);
  const change = (patch: Partial<RunFilters>) => replaceHash(runsHref(queryFromFilters({ ...fromUrl, ...patch })));
  useEffect(() => {
    if (search === fromUrl.search) return;
    const t = setTimeout(() => change({ search }), 250);
    return () => clearTimeout(t);
  }, [search, fromUrl.search]);

  return (
    <section className="page runs-page" aria-label="Runs">
      <header className="page-header">
        <h1>Runs</h1>
        <span className="header-actions">
          <button type="button" onClick={() => setOpeningFolder(true)}>
            Open folder…
          </button>
          <button type="button" className="primary" onClick={() => setStarting(true)}>
            Start run
          </button>
        </span>
      </header>
      <div className="filters" role="search" aria-label="Run filters">
        <label>
          Status
          <select value={filters.status} onChange={(e) => change({ status: e.target.value as RunStatus | 'all' })}>
            <option value="all">all</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Workflow
          <select value={filters.workflowId} onChange={(e) => change({ workflowId: e.target.value })}>
            <option value="">all</option>
            {workflows.map((w) => (
              <option key={w.id} value={w.id}>
                {w.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Started from
          <input type="date" value={filters.from} onChange={(e) => change({ from: e.target.value })} />
        </label>
        <label>
          to
          <input type="date" value={filters.to} onChange={(e) => change({ to: e.target.value })} />
        </label>
        <label className="grow">
          Filter runs
          <input type="search" value={search} placeholder="run id, workflow, node…" onChange={(e) => setSearch(e.target.value)} />
        </label>
        <span className="muted" aria-live="polite">
          {loading ? 'Loading…' : count(total, 'run')}
        </span>
      </div>
      {error ? <ErrorText text={error} /> : null}
      <ExportSelected selected={selected} onDone={() => setSelected(new Set())} />
      <RunsTable runs={runs} selected={selected} onToggle={(id) => setSelected((s) => toggled(s, id))} />
      <LedgerSearch />
      <ForeignFolders />
      {starting ? <StartRunDialog onClose={() => setStarting(false)} /> : null}
      {openingFolder ? <OpenFolderDialog onClose={() => setOpeningFolder(false)} /> : null}
    </section>
  );
}

function toggled(s: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(s);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** Exports the chosen runs, one verified bundle file each. */
function ExportSelected({ selected, onDone }: { selected: ReadonlySet<string>; onDone(): void }) {
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<ExportResult[] | null>(null);
  if (selected.size === 0 && !results) return null;
  // (Export and compare act on the same selection.)
  const bad = results?.filter((r) => !r.report.valid) ?? [];
  return (
    <div className="row export-selected">
      {selected.size > 0 ? (
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            const out: ExportResult[] = [];
            try {
              for (const id of selected) out.push(await exportRunToFile(runtimeClient(), id));
              onDone();
            } catch (err) {
              toastError(err, 'Export failed');
            } finally {
              setResults(out);
              setBusy(false);
            }
          }}
        >
          {busy ? 'Exporting…' : `Export ${count(selected.size, 'selected run')}`}
        </button>
      ) : null}
      {selected.size === 2 ? (
        <a className="button-link" href={compareHref(...([...selected] as [string, string]))}>
          Compare these 2 runs
        </a>
      ) : null}
      {results ? (
        <span className={`badge ${bad.length ? 'badge-bad' : 'badge-ok'}`} role="status" aria-label="Export result">
          {bad.length
            ? `${count(bad.length, 'bundle')} of ${results.length} do not verify`
            : `Exported ${count(results.length, 'bundle')}, each verifies`}
        </span>
      ) : null}
    </div>
  );
}

function RunsTable({ runs, selected, onToggle }: { runs: RunSummary[]; selected: ReadonlySet<string>; onToggle(id: string): void }) {
  if (runs.length === 0) return <p className="empty">No runs match. Start one with “Start run”.</p>;
  return (
    <table className="runs-table" aria-label="Runs list">
      <thead>
        <tr>
          <th>
            <span className="sr-only">Select</span>
          </th>
          <th>Status</th>
          <th>Workflow</th>
          <th>Run</th>
          <th>Node</th>
          <th>Waiting for / outcome</th>
          <th className="num">Steps</th>
          <th>Started</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {runTree(runs).map(({ run, depth, orphan }) => (
          <RunRow
            key={run.run_id}
            run={run}
            depth={depth}
            orphan={orphan}
            selected={selected.has(run.run_id)}
            onToggle={() => onToggle(run.run_id)}
          />
        ))}
      </tbody>
    </table>
  );
}

function RunRow({
  run,
  depth,
  orphan,
  selected,
  onToggle,
}: {
  run: RunSummary;
  depth: number;
  orphan: boolean;
  selected: boolean;
  onToggle(): void;
}) {
  const person = waitsForPerson(run);
  const open = () => navigate(runHref(run.run_id));
  const outcome = waitingFor(run);
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
      data-depth={depth}
    >
      <td onClick={(e) => e.stopPropagation()}>
        <input type="checkbox" checked={selected} onChange={onToggle} aria-label={`Select run ${run.run_id}`} />
      </td>
      <td>
        <StatusPill status={run.status} paused={run.paused} />
        {person ? (
          <span className="attention-mark" title={run.wait_prompt ?? 'Waiting for you'}>
            needs you
          </span>
        ) : null}
        {run.stalled ? (
          <span className="stalled-mark" title={run.stalled}>
            stalled
          </span>
        ) : null}
      </td>
      <td>
        <span className="tree" style={{ paddingLeft: depth * 18 }}>
          {depth > 0 || orphan ? (
            <span className="tree-mark" title={orphan ? `Child of ${run.parent_run_id}` : 'Child run'}>
              ↳{' '}
            </span>
          ) : null}
          {run.workflow_id}
        </span>
      </td>
      <td>
        <RunId id={run.run_id} />
      </td>
      <td className="cell-text" title={run.current_node}>
        {run.current_node}
      </td>
      <td className={`cell-text${run.status === 'failed' ? ' bad' : ''}`} title={outcome ?? undefined}>
        {outcome ?? ''}
      </td>
      <td className="num">{run.step_count.toLocaleString('en-US')}</td>
      <td>{formatTime(run.created_at)}</td>
      <td>{formatTime(run.updated_at)}</td>
    </tr>
  );
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

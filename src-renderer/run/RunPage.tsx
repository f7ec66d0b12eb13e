/** One run: header with verdict, controls, graph + node, ledger, and the side panels. */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { StatusPill } from '../shell/StatusPill';
import { runHref } from '../state/hashRoute';
import { useLedgerStore } from '../state/ledgerStore';
import { useRunViewStore } from '../state/runViewStore';
import { AttentionPanel } from './AttentionPanel';
import { ControlsBar } from './ControlsBar';
import { LedgerView } from './LedgerView';
import { NodePanel } from './NodePanel';
import { SnapshotsPanel } from './SnapshotsPanel';
import { StatePanel } from './StatePanel';
import { VerifyBadge } from './VerifyBadge';
import { WorkflowGraph } from './WorkflowGraph';

export function RunPage({ runId }: { runId: string }) {
  const { view, error } = useRunViewStore(useShallow((s) => ({ view: s.view, error: s.error })));
  useEffect(() => {
    void useRunViewStore.getState().open(runId);
    void useLedgerStore.getState().open(runId);
  }, [runId]);
  useKeyboardShortcuts();

  if (error && !view) {
    return (
      <section className="page">
        <p className="inline-error" role="alert">{error}</p>
        <a href="#/runs">Back to runs</a>
      </section>
    );
  }
  if (!view || view.state.run_id !== runId) return <section className="page"><p className="muted">Loading run…</p></section>;
  const st = view.state;
  return (
    <section className="page run-page" aria-label={`Run ${runId}`}>
      <header className="run-header">
        <a href="#/runs" className="back">← Runs</a>
        <h1>{view.workflow?.label ?? st.workflow_id}</h1>
        <StatusPill status={st.status} paused={st.paused} />
        <span className="muted mono" title="Run id">{st.run_id}</span>
        <span className="muted">node <strong>{st.current_node}</strong> · {st.step_count} step{st.step_count === 1 ? '' : 's'}</span>
        {view.foreign ? (
          <span className="badge badge-foreign" title={view.foreign.path}>foreign · read-only · Python store {view.foreign.path}</span>
        ) : null}
        {st.session_id ? <span className="muted" title="Python session">session {st.session_id}</span> : null}
        <span className="spacer" />
        <VerifyBadge />
      </header>
      <RunLinks />
      {st.error ? <p className="inline-error" role="alert">{st.error.code}: {st.error.message}</p> : null}
      <ControlsBar />
      <div className="run-grid">
        <div className="col graph-col">
          <WorkflowGraph />
          <NodePanel />
        </div>
        <div className="col ledger-col"><LedgerView /></div>
        <div className="col side-col">
          <AttentionPanel />
          <StatePanel />
          <SnapshotsPanel />
        </div>
      </div>
    </section>
  );
}

/** Parent and child runs (subworkflows), and where a fork came from. */
function RunLinks() {
  const view = useRunViewStore((s) => s.view);
  if (!view) return null;
  const { parent_run_id, origin } = view.state;
  if (!parent_run_id && !view.children.length && origin?.kind !== 'fork') return null;
  return (
    <nav className="run-links" aria-label="Related runs">
      {parent_run_id ? <a href={runHref(parent_run_id)}>↑ Parent run {parent_run_id.slice(0, 12)}</a> : null}
      {origin?.kind === 'fork' ? <a href={runHref(origin.run_id)}>Forked from {origin.run_id.slice(0, 12)} at seq {origin.seq}</a> : null}
      {view.children.map((c) => (
        <a key={c.run_id} href={runHref(c.run_id)}>↓ Child {c.workflow_id} ({c.status})</a>
      ))}
    </nav>
  );
}

/** `s` steps, `c` continues, when focus is not in a text field. */
function useKeyboardShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      const s = useRunViewStore.getState();
      if (!s.view || !s.view.resumable || s.busy || s.view.state.status !== 'running') return;
      if (e.key === 's') void s.step();
      if (e.key === 'c') void s.continueRun();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

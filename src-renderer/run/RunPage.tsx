/** One run: header with verdict, controls, graph + node, ledger, and the side panels. */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { StatusPill } from '../shell/StatusPill';
import { ErrorText } from '../shell/ErrorText';
import { count } from '../shell/plural';
import { recordHref, replaceHash, runHref, withView, type RunTab } from '../state/hashRoute';
import { TimelineView } from './TimelineView';
import { liveStepCounts, useLedgerStore } from '../state/ledgerStore';
import type { RunState } from '../../src-shared/types';
import { useRunViewStore } from '../state/runViewStore';
import { AttentionPanel } from './AttentionPanel';
import { ControlsBar } from './ControlsBar';
import { ExportButton } from './ExportButton';
import { FailedRunPanel } from './FailedRunPanel';
import { LedgerView } from './LedgerView';
import { NodePanel } from './NodePanel';
import { SnapshotsPanel } from './SnapshotsPanel';
import { StatePanel } from './StatePanel';
import { VerifyBadge } from './VerifyBadge';
import { WorkflowGraph } from './WorkflowGraph';

export function RunPage({ runId, seq, view: tab }: { runId: string; seq: number | null; view: RunTab }) {
  const { view, error, selectedSeq } = useRunViewStore(useShallow((s) => ({ view: s.view, error: s.error, selectedSeq: s.selectedSeq })));
  useEffect(() => {
    void useRunViewStore.getState().open(runId, seq);
    void useLedgerStore.getState().open(runId);
    // Deliberately not a dependency: the seq of the link that opened the run; later ones are handled below
  }, [runId]);
  // The address names the selected record (`#/runs/<id>/records/<seq>`), both ways.
  useEffect(() => {
    const s = useRunViewStore.getState();
    if (s.runId === runId && s.view && seq !== null && seq !== s.selectedSeq) s.selectSeq(seq);
  }, [seq, runId]);
  const loaded = view?.state.run_id === runId;
  useEffect(() => {
    if (useRunViewStore.getState().runId !== runId || !loaded) return;
    replaceHash(withView(selectedSeq === null ? runHref(runId) : recordHref(runId, selectedSeq), tab));
  }, [selectedSeq, runId, loaded, tab]);
  useKeyboardShortcuts();

  if (error && !view) {
    return (
      <section className="page">
        <ErrorText text={error} />
        <a href="#/runs">Back to runs</a>
      </section>
    );
  }
  if (!view || view.state.run_id !== runId)
    return (
      <section className="page">
        <p className="muted">Loading run…</p>
      </section>
    );
  const st = view.state;
  return (
    <section className="page run-page" aria-label={`Run ${runId}`}>
      <header className="run-header">
        <a href="#/runs" className="back">
          ← Runs
        </a>
        <h1>{view.workflow?.label ?? st.workflow_id}</h1>
        <StatusPill status={st.status} paused={st.paused} />
        <span className="muted mono" title="Run id">
          {st.run_id}
        </span>
        <span className="muted">
          node <strong>{st.current_node}</strong> · <RunStepCount state={st} />
        </span>
        {view.foreign ? (
          <span className="badge badge-foreign" title={view.foreign.path}>
            foreign · read-only · Python store {view.foreign.path}
          </span>
        ) : null}
        {st.session_id ? (
          <span className="muted" title="Python session">
            session {st.session_id}
          </span>
        ) : null}
        <span className="spacer" />
        <ExportButton runId={runId} />
        <VerifyBadge />
      </header>
      <RunLinks />
      {/* A failed run's error is in its panel (with the retry); other errors (a cancelled run's) show here. */}
      {st.error && st.status !== 'failed' ? <ErrorText text={`${st.error.code}: ${st.error.message}`} /> : null}
      <ControlsBar />
      <div className="run-grid">
        <div className="col graph-col">
          <WorkflowGraph />
          <NodePanel />
        </div>
        <div className="col ledger-col">
          <nav className="ledger-tabs" aria-label="Run views">
            {(['ledger', 'timeline'] as const).map((t) => (
              <a
                key={t}
                href={withView(selectedSeq === null ? runHref(runId) : recordHref(runId, selectedSeq), t)}
                aria-current={tab === t ? 'page' : undefined}
              >
                {t === 'ledger' ? 'Ledger' : 'Timeline'}
              </a>
            ))}
          </nav>
          {tab === 'timeline' ? (
            <section className="panel timeline-panel" aria-label="Timeline view">
              <TimelineView />
            </section>
          ) : (
            <LedgerView />
          )}
        </div>
        <div className="col side-col">
          <AttentionPanel />
          <FailedRunPanel />
          <StatePanel />
          <SnapshotsPanel />
        </div>
      </div>
    </section>
  );
}

/** Parent and child runs (subworkflows), and where a fork came from. */
/** "N steps", leaving out steps a restore rolled back (the graph's toggle counts them again). */
function RunStepCount({ state }: { state: RunState }) {
  const { superseded, on } = useLedgerStore(useShallow((s) => ({ superseded: s.supersededCounts, on: s.countSuperseded })));
  const { steps } = liveStepCounts(state, superseded, on);
  if (!superseded) return <span data-testid="run-steps">{count(steps, 'step')}</span>;
  return (
    <span
      data-testid="run-steps"
      title={on ? 'Including the steps restores rolled back' : `${count(superseded.steps, 'step')} rolled back by restores not counted`}
    >
      {count(steps, 'step')}
      {on ? ' (with superseded)' : ''}
    </span>
  );
}

function RunLinks() {
  const view = useRunViewStore((s) => s.view);
  if (!view) return null;
  const { parent_run_id, origin } = view.state;
  if (!parent_run_id && !view.children.length && origin?.kind !== 'fork') return null;
  return (
    <nav className="run-links" aria-label="Related runs">
      {parent_run_id ? <a href={runHref(parent_run_id)}>↑ Parent run {parent_run_id.slice(0, 12)}</a> : null}
      {origin?.kind === 'fork' ? (
        <a href={runHref(origin.run_id)}>
          Forked from {origin.run_id.slice(0, 12)} at seq {origin.seq}
        </a>
      ) : null}
      {view.children.map((c) => (
        <a key={c.run_id} href={runHref(c.run_id)}>
          ↓ Child {c.workflow_id} ({c.status})
        </a>
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

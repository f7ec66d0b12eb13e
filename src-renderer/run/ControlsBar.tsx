/** Step / Continue / Cancel run, step mode, and the breakpoints currently set. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { TERMINAL_STATUSES } from '../../src-shared/types';
import { ConfirmDialog } from '../shell/ConfirmDialog';
import { useRunViewStore } from '../state/runViewStore';

export function ControlsBar() {
  const { view, busy } = useRunViewStore(useShallow((s) => ({ view: s.view, busy: s.busy })));
  const [confirmCancel, setConfirmCancel] = useState(false);
  if (!view) return null;
  const s = useRunViewStore.getState();
  const terminal = TERMINAL_STATUSES.includes(view.state.status);
  const blocked = terminal || !view.resumable || busy;
  return (
    <>
      <HaltNotice />
      <div className="controls" role="toolbar" aria-label="Run controls">
        <button
          type="button"
          onClick={() => void s.step()}
          disabled={blocked || view.state.status === 'waiting'}
          title="Run exactly one step (s)"
        >
          Step
        </button>
        <button
          type="button"
          onClick={() => void s.continueRun()}
          disabled={blocked || view.state.status === 'waiting'}
          title="Run until a wait, the end or a breakpoint (c)"
        >
          Continue
        </button>
        <label className="checkbox">
          <input type="checkbox" checked={view.stepMode} disabled={blocked} onChange={(e) => void s.setStepMode(e.target.checked)} />
          Step mode
        </label>
        <span className="muted">
          Breakpoints: {view.breakpoints.length ? view.breakpoints.join(', ') : 'none (select a node to set one)'}
        </span>
        <span className="spacer" />
        {view.state.paused ? (
          <button type="button" onClick={() => void s.unpause()} disabled={terminal || !view.resumable || busy}>
            Unpause
          </button>
        ) : (
          <button
            type="button"
            onClick={() => void s.pause()}
            disabled={terminal || !view.resumable || busy}
            title="Nothing runs, resumes or fires until you unpause"
          >
            Pause
          </button>
        )}
        <button type="button" className="danger" onClick={() => setConfirmCancel(true)} disabled={terminal || busy || !!view.foreign}>
          Cancel run
        </button>
        {!view.resumable && view.notResumableReason ? <span className="muted">Read-only: {view.notResumableReason}</span> : null}
        {view.stalled ? (
          <span className="stalled-mark" role="status" title={`runnable since ${view.stalled.since}`}>
            Stalled: {view.stalled.reason}
          </span>
        ) : null}
        {confirmCancel ? (
          <ConfirmDialog
            title="Cancel this run?"
            confirmLabel="Cancel the run"
            dismissLabel="Keep the run"
            onCancel={() => setConfirmCancel(false)}
            onConfirm={() => {
              setConfirmCancel(false);
              void s.cancel('cancelled from the inspector');
            }}
          >
            The run stops for good at node “{view.state.current_node}”. Its ledger and snapshots stay; you can still fork a snapshot later.
          </ConfirmDialog>
        ) : null}
      </div>
    </>
  );
}

/**
 * Why a `running` run is not moving, and the action that moves it: step mode, a breakpoint
 * before the current node, or a pause. (A run that is really running shows nothing.)
 */
function HaltNotice() {
  const { view, busy } = useRunViewStore(useShallow((s) => ({ view: s.view, busy: s.busy })));
  if (!view || busy) return null;
  const st = view.state;
  const s = useRunViewStore.getState();
  let text: string | null = null;
  let action: { label: string; run(): void } | null = null;
  if (st.paused && !TERMINAL_STATUSES.includes(st.status)) {
    text = `Paused at “${st.current_node}”: nothing runs, resumes or fires until you unpause.`;
    action = { label: 'Unpause the run', run: () => void s.unpause() };
  } else if (st.status === 'running' && view.stepMode) {
    text = `Halted in step mode before “${st.current_node}”.`;
    action = { label: 'Run the next step', run: () => void s.step() };
  } else if (st.status === 'running' && view.breakpoints.includes(st.current_node)) {
    text = `Halted at the breakpoint before “${st.current_node}”.`;
    action = { label: 'Continue past the breakpoint', run: () => void s.continueRun() };
  }
  if (!text) return null;
  return (
    <div className="halt-notice" role="status" aria-label="Why the run is halted">
      <span>{text}</span>
      {action && view.resumable ? (
        <button type="button" className="primary" onClick={action.run}>
          {action.label}
        </button>
      ) : null}
      <span className="muted">{st.paused ? '' : 'Keys: s steps, c continues.'}</span>
    </div>
  );
}

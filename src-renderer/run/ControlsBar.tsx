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
    <div className="controls" role="toolbar" aria-label="Run controls">
      <button type="button" onClick={() => void s.step()} disabled={blocked || view.state.status === 'waiting'} title="Run exactly one step (s)">
        Step
      </button>
      <button type="button" onClick={() => void s.continueRun()} disabled={blocked || view.state.status === 'waiting'} title="Run until a wait, the end or a breakpoint (c)">
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
  );
}

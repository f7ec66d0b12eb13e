/** Start a run: pick a workflow, edit its vars as JSON (validated before sending). */
import { useMemo, useState } from 'react';
import { parseVarsObject } from '../shell/jsonInput';
import { runtimeClient } from '../state/clientRef';
import { navigate, runHref } from '../state/hashRoute';
import { useRunsStore } from '../state/runsStore';
import { describeError } from '../state/toastStore';

export function StartRunDialog({ onClose }: { onClose(): void }) {
  const workflows = useRunsStore((s) => s.workflows);
  const [workflowId, setWorkflowId] = useState(workflows[0]?.id ?? '');
  const wf = workflows.find((w) => w.id === workflowId);
  const [varsText, setVarsText] = useState(() => JSON.stringify(workflows[0]?.default_vars ?? {}, null, 2));
  const [stepMode, setStepMode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const parsed = useMemo(() => parseVarsObject(varsText), [varsText]);

  const pick = (id: string) => {
    setWorkflowId(id);
    setVarsText(JSON.stringify(workflows.find((w) => w.id === id)?.default_vars ?? {}, null, 2));
  };
  const start = async () => {
    if (!parsed.ok || !workflowId) return;
    try {
      const run = await runtimeClient().call('startRun', { workflowId, vars: parsed.value as never, stepMode });
      onClose();
      navigate(runHref(run.run_id));
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-label="Start a run">
        <h2>Start a run</h2>
        <label>
          Workflow
          <select value={workflowId} onChange={(e) => pick(e.target.value)} autoFocus>
            {workflows.map((w) => <option key={w.id} value={w.id}>{w.label} ({w.id})</option>)}
          </select>
        </label>
        {wf ? <p className="muted">{wf.description}</p> : null}
        <label>
          Vars (JSON)
          <textarea rows={8} value={varsText} onChange={(e) => setVarsText(e.target.value)} aria-invalid={!parsed.ok} spellCheck={false} />
        </label>
        {!parsed.ok ? <p className="inline-error" role="alert">{parsed.message}</p> : null}
        <label className="checkbox">
          <input type="checkbox" checked={stepMode} onChange={(e) => setStepMode(e.target.checked)} />
          Start in step mode
        </label>
        {error ? <p className="inline-error" role="alert">{error}</p> : null}
        <div className="modal-actions">
          <button type="button" onClick={onClose}>Close</button>
          <button type="button" className="primary" disabled={!parsed.ok || !workflowId} onClick={() => void start()}>Start</button>
        </div>
      </div>
    </div>
  );
}

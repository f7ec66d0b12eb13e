/**
 * Start a run: pick a workflow, give its vars in a form rendered from the workflow's input
 * schema or as JSON, checked against that schema (each problem names its field) before
 * anything is sent. The host checks again: the schema is the kernel's rule, shown early here.
 */
import { useMemo, useState } from 'react';
import type { JsonObject } from '../../src-shared/json';
import { validateJsonSchema } from '../../src-shared/jsonSchema';
import { parseVarsObject } from '../shell/jsonInput';
import { runtimeClient } from '../state/clientRef';
import { navigate, runHref } from '../state/hashRoute';
import { useRunsStore } from '../state/runsStore';
import { describeError } from '../state/toastStore';
import { SchemaForm } from './SchemaForm';
import { stringifyExact } from '../../src-shared/exactJson';
import { ErrorText } from '../shell/ErrorText';

type Mode = 'form' | 'json';

function undeclaredVars(schema: JsonObject, vars: Record<string, unknown>): string[] {
  const props = schema.properties;
  if (typeof props !== 'object' || props === null || Array.isArray(props)) return [];
  return Object.keys(vars).filter((k) => !Object.hasOwn(props, k));
}

export function StartRunDialog({ onClose }: { onClose(): void }) {
  const workflows = useRunsStore((s) => s.workflows);
  const [workflowId, setWorkflowId] = useState(workflows[0]?.id ?? '');
  const wf = workflows.find((w) => w.id === workflowId);
  const schema = wf?.input_schema ?? null;
  const [varsText, setVarsText] = useState(() => stringifyExact(workflows[0]?.default_vars ?? {}, 2));
  const [mode, setMode] = useState<Mode>(() => (workflows[0]?.input_schema ? 'form' : 'json'));
  const [stepMode, setStepMode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const parsed = useMemo(() => parseVarsObject(varsText), [varsText]);
  const problems = useMemo(
    () => (parsed.ok && schema ? validateJsonSchema(parsed.value as JsonObject, schema, 'vars') : []),
    [parsed, schema],
  );
  const undeclared = useMemo(
    () => (parsed.ok && schema && schema.additionalProperties !== false ? undeclaredVars(schema, parsed.value) : []),
    [parsed, schema],
  );

  const pick = (id: string) => {
    const next = workflows.find((w) => w.id === id);
    setWorkflowId(id);
    setVarsText(stringifyExact(next?.default_vars ?? {}, 2));
    setMode(next?.input_schema ? 'form' : 'json');
  };
  const start = async () => {
    if (!parsed.ok || problems.length || !workflowId) return;
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
            {workflows.map((w) => (
              <option key={w.id} value={w.id}>
                {w.label} ({w.id})
              </option>
            ))}
          </select>
        </label>
        {wf ? <p className="muted">{wf.description}</p> : null}
        {schema ? (
          <div className="mode-switch" role="radiogroup" aria-label="Vars editor">
            <label className="radio">
              <input type="radio" checked={mode === 'form'} onChange={() => setMode('form')} disabled={!parsed.ok} />
              Form
            </label>
            <label className="radio">
              <input type="radio" checked={mode === 'json'} onChange={() => setMode('json')} />
              JSON
            </label>
          </div>
        ) : null}
        {mode === 'form' && schema && parsed.ok ? (
          <SchemaForm
            key={workflowId}
            schema={schema}
            vars={parsed.value as JsonObject}
            onChange={(v) => setVarsText(stringifyExact(v, 2))}
          />
        ) : (
          <label>
            Vars (JSON)
            <textarea
              rows={8}
              value={varsText}
              onChange={(e) => setVarsText(e.target.value)}
              aria-invalid={!parsed.ok}
              spellCheck={false}
            />
          </label>
        )}
        {!parsed.ok ? (
          <p className="inline-error" role="alert">
            {parsed.message}
          </p>
        ) : null}
        {problems.length ? (
          <ul className="inline-error" role="alert" aria-label="Input problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
        {undeclared.length ? (
          <p className="muted" role="status" aria-label="Input warnings">
            Not declared by this workflow (a typo?): {undeclared.map((k) => `vars.${k}`).join(', ')}
          </p>
        ) : null}
        <label className="checkbox">
          <input type="checkbox" checked={stepMode} onChange={(e) => setStepMode(e.target.checked)} />
          Start in step mode
        </label>
        {error ? <ErrorText text={error} /> : null}
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={!parsed.ok || problems.length > 0 || !workflowId}
            onClick={() => void start()}
          >
            Start
          </button>
        </div>
      </div>
    </div>
  );
}

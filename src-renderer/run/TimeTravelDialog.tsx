/**
 * "Restore to here" / "Fork from here" on a ledger record: first the host's preview of the
 * consequences (effects that run again, results reused, the wait that re-arms, records left
 * behind), then — for a fork — the vars to start from, editable.
 */
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { forkVarProblems } from '../../src-shared/forkVars';
import type { JsonObject } from '../../src-shared/json';
import type { JsonSchema } from '../../src-shared/jsonSchema';
import type { TimeTravelPreview } from '../../src-shared/timeTravel';
import { CopyCode, ErrorText, splitError } from '../shell/ErrorText';
import { parseJsonPayload } from '../shell/jsonInput';
import { count } from '../shell/plural';
import { runtimeClient } from '../state/clientRef';
import { navigate, runHref } from '../state/hashRoute';
import { describeError, useToastStore } from '../state/toastStore';
import { useRunViewStore } from '../state/runViewStore';

export type TravelAction = 'restore' | 'fork';

export function TimeTravelDialog({ runId, seq, action, onClose }: { runId: string; seq: number; action: TravelAction; onClose(): void }) {
  const [preview, setPreview] = useState<TimeTravelPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [varsText, setVarsText] = useState('');
  const [busy, setBusy] = useState(false);
  /** The host's own refusal of the vars, field by field (when it names them). */
  const [hostProblems, setHostProblems] = useState<string[] | null>(null);
  const workflow = useRunViewStore((s) => s.view?.workflow ?? null);
  const schema = (workflow?.input_schema ?? null) as JsonSchema | null;
  useEffect(() => {
    let live = true;
    runtimeClient()
      .call('previewTimeTravel', { runId, seq })
      .then((p) => {
        if (!live) return;
        setPreview(p);
        setVarsText(JSON.stringify(p.vars, null, 2));
      })
      .catch((err: unknown) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, [runId, seq]);
  const edited = preview ? editedVars(preview.vars, varsText) : null;
  const problems =
    action === 'fork' && preview && edited?.ok && workflow
      ? forkVarProblems(workflow.id, schema, edited.value as JsonObject, (preview.vars ?? {}) as JsonObject)
      : [];
  const title = action === 'restore' ? `Restore the run to record #${seq}?` : `Fork a new run from record #${seq}?`;

  const confirm = async () => {
    if (!preview || (edited && !edited.ok) || problems.length) return;
    setBusy(true);
    setHostProblems(null);
    try {
      if (action === 'restore') {
        await runtimeClient().call('restoreToRecord', { runId, seq });
        useToastStore.getState().push({
          kind: 'info',
          title: `Restored to record #${seq}`,
          message: 'Later records stay in the ledger, marked superseded.',
          runId,
        });
        onClose();
        // The record's state is kept as a snapshot ("record #n"): it joins the list.
        await Promise.all([useRunViewStore.getState().refresh(), useRunViewStore.getState().searchSnapshots()]);
      } else {
        const vars = edited?.ok && Object.keys(edited.value).length ? edited.value : undefined;
        const fork = await runtimeClient().call('forkFromRecord', { runId, seq, ...(vars ? { vars: vars as never } : {}) });
        onClose();
        navigate(runHref(fork.run_id));
      }
    } catch (err) {
      const named = (err as { details?: { problems?: unknown } } | null)?.details?.problems;
      if (action === 'fork' && Array.isArray(named) && named.every((p) => typeof p === 'string')) setHostProblems(named);
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  // A portal: the record detail sits in a transformed (virtual-list) row, where a fixed modal would be boxed in.
  return createPortal(
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="modal wide" role="dialog" aria-modal="true" aria-label={title}>
        <h2>{title}</h2>
        {hostProblems && error ? (
          <VarProblems
            title="The runtime refused these vars:"
            problems={hostProblems}
            label="Vars refused by the runtime"
            code={splitError(error).code}
          />
        ) : error ? (
          <ErrorText text={error} />
        ) : null}
        {!preview && !error ? <p className="muted">Working out what this does…</p> : null}
        {preview ? (
          <section aria-label="Consequences">
            <p>
              The {action === 'restore' ? 'run' : 'new run'} continues at <strong>{preview.node}</strong> ({preview.status}).
              {action === 'restore'
                ? ` ${count(preview.superseded, 'later record')} stay in the ledger, marked superseded.`
                : ' This run is left as it is.'}
            </p>
            <h3>
              Effects that will run again: {preview.effectsAgain.length}
              {preview.moreEffects ? '+' : ''}
            </h3>
            {preview.effectsAgain.length ? (
              <ul className="consequences" aria-label="Effects that will run again">
                {preview.effectsAgain.map((e) => (
                  <li key={e.seq}>
                    #{e.seq} {e.type}
                    {e.node_id ? ` at ${e.node_id}` : ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None were recorded after this point.</p>
            )}
            <p aria-label="Results reused">
              Results reused from the ledger: {preview.reusedResults} — {action === 'restore' ? 'a restore' : 'a fork'} gives every effect a
              new idempotency key, so each one is done again (LLM calls re-asked, tools re-run).
            </p>
            <p aria-label="Wait that re-arms">
              {preview.waitReArms
                ? `The wait re-arms: ${preview.waitReArms.reason}${preview.waitReArms.event_name ? ` for event “${preview.waitReArms.event_name}”` : ''}${preview.waitReArms.prompt ? ` (“${preview.waitReArms.prompt}”)` : ''}, with a new wait key.`
                : 'No wait re-arms: the state is not waiting.'}
            </p>
            {action === 'fork' ? (
              <>
                <label>
                  Vars of the new run (JSON; edit before forking)
                  <textarea
                    rows={8}
                    value={varsText}
                    onChange={(e) => setVarsText(e.target.value)}
                    aria-invalid={edited ? !edited.ok : undefined}
                    spellCheck={false}
                  />
                </label>
                {edited && !edited.ok ? (
                  <p className="inline-error" role="alert">
                    {edited.message}
                  </p>
                ) : null}
                {problems.length ? (
                  <VarProblems
                    title={`The input schema of ${workflow?.label ?? workflow?.id} refuses these vars:`}
                    problems={problems}
                    label="Vars refused by the input schema"
                  />
                ) : null}
                {edited?.ok && Object.keys(edited.value).length ? (
                  <p className="muted" aria-label="Edited vars">
                    Edited: {Object.keys(edited.value).join(', ')} (recorded in the fork's first record)
                  </p>
                ) : null}
                <p className="muted">
                  {schema
                    ? `Edited vars are checked against the input schema of ${workflow?.label ?? workflow?.id} before forking.`
                    : 'This workflow declares no input schema: vars are checked as a JSON object with exact numbers.'}
                </p>
              </>
            ) : null}
          </section>
        ) : null}
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={!preview || busy || (edited ? !edited.ok : false) || problems.length > 0}
            onClick={() => void confirm()}
          >
            {action === 'restore' ? `Restore to #${seq}` : 'Fork the new run'}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}

/** Problems named by field, in words: `vars.eventName: needs …` reads “eventName: needs …”. */
function VarProblems({ title, problems, label, code = null }: { title: string; problems: string[]; label: string; code?: string | null }) {
  return (
    <div className="inline-error var-problems" role="alert" aria-label={label} title={code ? `Error code ${code}` : undefined}>
      <span>{title}</span>
      {code ? <CopyCode code={code} /> : null}
      <ul>
        {problems.map((p) => (
          <li key={p}>{p.replace(/^vars\./, '')}</li>
        ))}
      </ul>
    </div>
  );
}

/** The top-level vars the person changed (the host merges them over the rebuilt vars). */
function editedVars(base: unknown, text: string): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  const parsed = parseJsonPayload(text);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, message: 'Vars must be a JSON object' };
  const before = (base ?? {}) as Record<string, unknown>;
  const removed = Object.keys(before).filter((k) => !(k in v));
  if (removed.length) return { ok: false, message: `Removing a var is not supported (${removed.join(', ')}): set it to null instead` };
  const changed: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (JSON.stringify(val) !== JSON.stringify(before[k])) changed[k] = val;
  return { ok: true, value: changed };
}

/** Vars as they were after any record (`getStateAt`), and what changed between two records. */
import { useEffect, useState } from 'react';
import type { ApiResponses } from '../../src-shared/api';
import { JsonView } from '../shell/JsonView';
import { runtimeClient } from '../state/clientRef';
import { useRunViewStore } from '../state/runViewStore';
import { describeError } from '../state/toastStore';
import { diffJson } from './jsonDiff';
import { stringifyExact } from '../../src-shared/exactJson';

type StateAt = ApiResponses['getStateAt'];

function useStateAt(runId: string | null, seq: number | null): { state: StateAt | null; error: string | null } {
  const [out, setOut] = useState<{ state: StateAt | null; error: string | null }>({ state: null, error: null });
  useEffect(() => {
    if (!runId || seq === null || seq < 0) return setOut({ state: null, error: null });
    let live = true;
    runtimeClient()
      .call('getStateAt', { runId, seq })
      .then((state) => live && setOut({ state, error: null }))
      .catch((err: unknown) => live && setOut({ state: null, error: describeError(err) }));
    return () => {
      live = false;
    };
  }, [runId, seq]);
  return out;
}

export function StatePanel() {
  const runId = useRunViewStore((s) => s.runId);
  const view = useRunViewStore((s) => s.view);
  const selectedSeq = useRunViewStore((s) => s.selectedSeq);
  const [baseText, setBaseText] = useState('');
  useEffect(() => setBaseText(selectedSeq !== null && selectedSeq > 0 ? String(selectedSeq - 1) : ''), [selectedSeq]);
  const baseSeq = baseText.trim() === '' || !Number.isInteger(Number(baseText)) ? null : Number(baseText);
  const at = useStateAt(runId, selectedSeq);
  const base = useStateAt(runId, baseSeq);

  if (!view) return null;
  if (selectedSeq === null) {
    return (
      <section className="panel state-panel" aria-label="State">
        <h2>State (now)</h2>
        <p className="muted">Select a ledger record to see vars at that step and the diff against an earlier one.</p>
        <JsonView value={view.state.vars} label="Current vars" />
        {view.state.output !== null ? (
          <>
            <h3>Output</h3>
            <JsonView value={view.state.output} label="Output" />
          </>
        ) : null}
      </section>
    );
  }
  const diff = at.state && base.state ? diffJson(base.state.vars, at.state.vars) : null;
  return (
    <section className="panel state-panel" aria-label="State">
      <h2>State after #{selectedSeq}</h2>
      {at.error ? (
        <p className="inline-error" role="alert">
          {at.error}
        </p>
      ) : null}
      {at.state ? (
        <p className="muted">
          status {at.state.status} · node {at.state.current_node ?? '—'}
        </p>
      ) : null}
      <JsonView value={at.state?.vars} label={`Vars at ${selectedSeq}`} />
      <label className="inline">
        Diff against seq
        <input value={baseText} onChange={(e) => setBaseText(e.target.value)} size={8} inputMode="numeric" />
      </label>
      {base.error ? <p className="inline-error">{base.error}</p> : null}
      {diff ? <DiffTable entries={diff} /> : null}
    </section>
  );
}

const SHOWN_CHARS = 400;

function shortJson(v: unknown): string {
  const s = v === undefined ? 'undefined' : stringifyExact(v);
  return s.length > SHOWN_CHARS ? `${s.slice(0, SHOWN_CHARS)}… (${s.length} chars)` : s;
}

export function DiffTable({ entries }: { entries: ReturnType<typeof diffJson> }) {
  if (entries.length === 0)
    return (
      <p className="muted" aria-label="Diff">
        No change in vars.
      </p>
    );
  return (
    <ul className="diff" aria-label="Diff">
      {entries.map((d) => (
        <li key={d.path} className={`diff-${d.kind}`}>
          <div>
            <span className="mono">{d.path}</span> <span className="muted">{d.kind}</span>
          </div>
          {d.kind !== 'added' ? (
            <div className="mono diff-before" title="before">
              − {shortJson(d.before)}
            </div>
          ) : null}
          {d.kind !== 'removed' ? (
            <div className="mono diff-after" title="after">
              + {shortJson(d.after)}
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

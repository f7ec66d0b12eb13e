/**
 * Waits a person can answer from where they are shown: an event (sent with a JSON payload to
 * this run or to every run waiting for it) and a timer (a live countdown, fired now on request).
 */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { WaitState } from '../../src-shared/types';
import { parseJsonPayload } from '../shell/jsonInput';
import { useRunViewStore } from '../state/runViewStore';

export function EventWaitPanel({ wait, disabled }: { wait: WaitState; disabled: boolean }) {
  const { resume, emit, busy } = useRunViewStore(useShallow((s) => ({ resume: s.resume, emit: s.emitEvent, busy: s.busy })));
  const [text, setText] = useState('{}');
  useEffect(() => setText('{}'), [wait.wait_key]);
  const parsed = parseJsonPayload(text);
  const name = wait.event_name ?? '';
  return (
    <section className="panel attention" aria-label="Waiting for an event">
      <h2>Waiting for the event “{name}”</h2>
      <p className="muted">
        Send it from here: the payload becomes the wait's result{wait.result_key ? ` (vars.${wait.result_key})` : ''}.
      </p>
      <label>
        Event payload (JSON)
        <textarea rows={4} value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} aria-invalid={!parsed.ok} />
      </label>
      {!parsed.ok ? (
        <p className="inline-error" role="alert">
          {parsed.message}
        </p>
      ) : null}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={disabled || busy || !parsed.ok}
          onClick={() => parsed.ok && void resume(wait.wait_key, parsed.value, `Event “${name}” sent to this run`)}
        >
          Send to this run
        </button>
        <button type="button" disabled={disabled || busy || !parsed.ok || !name} onClick={() => parsed.ok && void emit(name, parsed.value)}>
          Send to every run waiting for “{name}”
        </button>
      </div>
    </section>
  );
}

export function TimerWaitPanel({ wait, disabled, paused }: { wait: WaitState; disabled: boolean; paused: boolean }) {
  const { resume, busy } = useRunViewStore(useShallow((s) => ({ resume: s.resume, busy: s.busy })));
  const now = useNow(1000);
  const due = wait.until ? Date.parse(wait.until) : NaN;
  const left = Number.isFinite(due) ? due - now : null;
  return (
    <section className="panel attention" aria-label="Waiting for a timer">
      <h2>Waiting for a timer</h2>
      {wait.until ? <p>Due {new Date(wait.until).toLocaleString()}</p> : null}
      <p className="countdown" aria-label="Time left">
        {left === null
          ? 'no due time'
          : left > 0
            ? `fires in ${formatDuration(left)}`
            : paused
              ? 'due — the run is paused'
              : 'due now — firing at the next scheduler tick'}
      </p>
      <button
        type="button"
        className="primary"
        disabled={disabled || busy || paused}
        title={paused ? 'Unpause the run first' : undefined}
        onClick={() =>
          void resume(
            wait.wait_key,
            { firedAt: new Date().toISOString(), firedEarly: left !== null && left > 0, by: 'inspector' },
            'Timer fired now',
          )
        }
      >
        Fire timer now
      </button>
    </section>
  );
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function formatDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d} d ${h} h ${m} min`;
  if (h > 0) return `${h} h ${m} min ${sec} s`;
  if (m > 0) return `${m} min ${sec} s`;
  return `${sec} s`;
}

/** What the run is waiting for: a question (ask_user), tool calls to approve, or anything else. */
import { useEffect, useState } from 'react';
import type { WaitState } from '../../src-shared/types';
import { useRunViewStore } from '../state/runViewStore';
import { ToolApprovalPanel } from './ToolApprovalPanel';
import { EventWaitPanel, TimerWaitPanel } from './WaitPanels';

export function AttentionPanel() {
  const view = useRunViewStore((s) => s.view);
  const waiting = view?.state.status === 'waiting' ? view.state.waiting : null;
  if (!waiting || !view) return null;
  if (waiting.reason === 'user') return <AskUserPanel wait={waiting} disabled={!view.resumable} />;
  if (waiting.reason === 'tool_calls') return <ToolApprovalPanel wait={waiting} disabled={!view.resumable} />;
  if (waiting.reason === 'event') return <EventWaitPanel wait={waiting} disabled={!view.resumable || view.state.paused} />;
  if (waiting.reason === 'until') return <TimerWaitPanel wait={waiting} disabled={!view.resumable} paused={view.state.paused} />;
  return (
    <section className="panel attention" aria-label="Waiting">
      <h2>
        {waiting.reason === 'subworkflow'
          ? 'Waiting for a child run'
          : waiting.reason === 'recovery'
            ? 'Waiting for a recovery decision'
            : `Waiting: ${waiting.reason}`}
      </h2>
      {waiting.event_name ? <p>For event “{waiting.event_name}”.</p> : null}
      {waiting.until ? <p>Until {new Date(waiting.until).toLocaleString()}.</p> : null}
      {waiting.child_run_id ? (
        <p>
          For child run <a href={`#/runs/${encodeURIComponent(waiting.child_run_id)}`}>{waiting.child_run_id}</a>.
        </p>
      ) : null}
      {waiting.prompt ? <p>{waiting.prompt}</p> : null}
    </section>
  );
}

function AskUserPanel({ wait, disabled }: { wait: WaitState; disabled: boolean }) {
  const answer = useRunViewStore((s) => s.answer);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  useEffect(() => setText(''), [wait.wait_key]);
  const send = async (value: string) => {
    setSending(true);
    await answer(value, wait.wait_key);
    setSending(false);
  };
  const choicesOnly = !!wait.choices?.length && !wait.allow_free_text;
  return (
    <section className="panel attention" aria-label="Question">
      <h2>The run asks</h2>
      <p className="prompt">{wait.prompt ?? '(no prompt)'}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (text) void send(text);
        }}
      >
        {wait.choices?.length ? (
          <fieldset className="choices">
            <legend>Choices</legend>
            {wait.choices.map((c) => (
              <label key={c} className="radio">
                <input type="radio" name="answer-choice" value={c} checked={text === c} onChange={() => setText(c)} />
                {c}
              </label>
            ))}
          </fieldset>
        ) : null}
        {!choicesOnly ? (
          <label>
            Answer
            <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
        ) : null}
        <button type="submit" className="primary" disabled={disabled || sending || !text}>
          Send answer
        </button>
      </form>
    </section>
  );
}

/** Each proposed tool call with editable JSON arguments, an optional denial reason, and its own Approve / Deny. */
import { useState } from 'react';
import type { ToolCall, WaitState } from '../../src-shared/types';
import { parseVarsObject } from '../shell/jsonInput';
import { useRunViewStore } from '../state/runViewStore';
import { stringifyExact } from '../../src-shared/exactJson';

interface Draft {
  args: string;
  reason: string;
  decision: 'approve' | 'deny' | null;
}

const DEFAULT_DENIAL = 'denied in the inspector';

export function ToolApprovalPanel({ wait, disabled }: { wait: WaitState; disabled: boolean }) {
  const decide = useRunViewStore((s) => s.decide);
  const calls = wait.tool_calls ?? [];
  const [drafts, setDrafts] = useState<Record<string, Draft>>(() =>
    Object.fromEntries(calls.map((c) => [c.call_id, { args: stringifyExact(c.arguments, 2), reason: '', decision: null }])),
  );
  const update = (id: string, patch: Partial<Draft>) => {
    const next = { ...drafts, [id]: { ...drafts[id]!, ...patch } };
    setDrafts(next);
    // One call: its Approve / Deny is the decision, no second click needed.
    if (calls.length === 1 && patch.decision) submit(next);
  };
  const ready = calls.length > 0 && calls.every((c) => drafts[c.call_id]?.decision && parseVarsObject(drafts[c.call_id]!.args).ok);

  const allParse = calls.every((c) => parseVarsObject(drafts[c.call_id]!.args).ok);
  /** Every call decided the same way (edited arguments and reasons kept). */
  const every = (decision: 'approve' | 'deny'): Record<string, Draft> => {
    const next = Object.fromEntries(calls.map((c) => [c.call_id, { ...drafts[c.call_id]!, decision }]));
    setDrafts(next);
    return next;
  };
  const submit = (all: Record<string, Draft> = drafts) => {
    void decide(
      wait.wait_key,
      calls.map((c) => decisionFor(c, all[c.call_id]!)),
    );
  };

  return (
    <section className="panel attention" aria-label="Tool approval">
      <h2>Tool calls need approval</h2>
      {wait.prompt ? <p>{wait.prompt}</p> : null}
      {calls.map((c) => (
        <ToolCallDraft key={c.call_id} call={c} draft={drafts[c.call_id]!} disabled={disabled} onChange={(p) => update(c.call_id, p)} />
      ))}
      {calls.length > 1 ? (
        <div className="row">
          <button type="button" className="primary" disabled={disabled || !ready} onClick={() => submit()}>
            Submit decisions
          </button>
          <span className="spacer" />
          <button type="button" disabled={disabled || !allParse} onClick={() => submit(every('approve'))}>
            Approve all
          </button>
          <button type="button" disabled={disabled} onClick={() => submit(every('deny'))}>
            Deny all
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** Arguments are sent only when the person changed them, so the ledger's `edited_arguments` means an edit. */
function decisionFor(call: ToolCall, d: Draft) {
  const parsed = parseVarsObject(d.args, 'Arguments');
  if (d.decision !== 'approve') return { call_id: call.call_id, approved: false, reason: d.reason.trim() || DEFAULT_DENIAL };
  const edited = parsed.ok && stringifyExact(parsed.value) !== stringifyExact(call.arguments);
  return { call_id: call.call_id, approved: true, ...(edited ? { arguments: parsed.value as never } : {}) };
}

function ToolCallDraft(props: { call: ToolCall; draft: Draft; disabled: boolean; onChange(p: Partial<Draft>): void }) {
  const { call, draft } = props;
  const parsed = parseVarsObject(draft.args, 'Arguments');
  // Tall enough for the whole argument object (one spare row for a long value that wraps), so nothing hides behind a scrollbar.
  const rows = Math.min(12, Math.max(3, draft.args.split('\n').length + 1));
  return (
    <div className="tool-call" data-decision={draft.decision ?? 'none'}>
      <div className="tool-call-head">
        <strong>{call.name}</strong> <span className="muted">{call.call_id}</span>
      </div>
      <label>
        Arguments for {call.name}
        <textarea
          rows={rows}
          value={draft.args}
          spellCheck={false}
          onChange={(e) => props.onChange({ args: e.target.value })}
          aria-invalid={!parsed.ok}
        />
      </label>
      {!parsed.ok ? <p className="inline-error">{parsed.message}</p> : null}
      <label>
        Reason if denied
        <input
          type="text"
          value={draft.reason}
          placeholder={`optional (default: ${DEFAULT_DENIAL})`}
          disabled={props.disabled}
          onChange={(e) => props.onChange({ reason: e.target.value })}
        />
      </label>
      <div className="row">
        <button
          type="button"
          aria-pressed={draft.decision === 'approve'}
          disabled={props.disabled || !parsed.ok}
          onClick={() => props.onChange({ decision: 'approve' })}
        >
          Approve
        </button>
        <button
          type="button"
          aria-pressed={draft.decision === 'deny'}
          disabled={props.disabled}
          onClick={() => props.onChange({ decision: 'deny' })}
        >
          Deny
        </button>
      </div>
    </div>
  );
}

/** Each proposed tool call with editable JSON arguments and its own Approve / Deny. */
import { useState } from 'react';
import type { ToolCall, WaitState } from '../../src-shared/types';
import { parseVarsObject } from '../shell/jsonInput';
import { useRunViewStore } from '../state/runViewStore';

interface Draft {
  args: string;
  decision: 'approve' | 'deny' | null;
}

export function ToolApprovalPanel({ wait, disabled }: { wait: WaitState; disabled: boolean }) {
  const decide = useRunViewStore((s) => s.decide);
  const calls = wait.tool_calls ?? [];
  const [drafts, setDrafts] = useState<Record<string, Draft>>(() =>
    Object.fromEntries(calls.map((c) => [c.call_id, { args: JSON.stringify(c.arguments, null, 2), decision: null }])),
  );
  const update = (id: string, patch: Partial<Draft>) => {
    const next = { ...drafts, [id]: { ...drafts[id]!, ...patch } };
    setDrafts(next);
    // One call: its Approve / Deny is the decision, no second click needed.
    if (calls.length === 1 && patch.decision) submit(next);
  };
  const ready = calls.length > 0 && calls.every((c) => drafts[c.call_id]?.decision && parseVarsObject(drafts[c.call_id]!.args).ok);

  const submit = (all: Record<string, Draft> = drafts) => {
    const decisions = calls.map((c) => {
      const d = all[c.call_id]!;
      const parsed = parseVarsObject(d.args);
      return {
        call_id: c.call_id,
        approved: d.decision === 'approve',
        ...(parsed.ok && d.decision === 'approve' ? { arguments: parsed.value as never } : {}),
        ...(d.decision === 'deny' ? { reason: 'denied in the inspector' } : {}),
      };
    });
    void decide(wait.wait_key, decisions);
  };

  return (
    <section className="panel attention" aria-label="Tool approval">
      <h2>Tool calls need approval</h2>
      {wait.prompt ? <p>{wait.prompt}</p> : null}
      {calls.map((c) => (
        <ToolCallDraft key={c.call_id} call={c} draft={drafts[c.call_id]!} disabled={disabled} onChange={(p) => update(c.call_id, p)} />
      ))}
      {calls.length > 1 ? (
        <button type="button" className="primary" disabled={disabled || !ready} onClick={() => submit()}>
          Submit decisions
        </button>
      ) : null}
    </section>
  );
}

function ToolCallDraft(props: { call: ToolCall; draft: Draft; disabled: boolean; onChange(p: Partial<Draft>): void }) {
  const { call, draft } = props;
  const parsed = parseVarsObject(draft.args);
  return (
    <div className="tool-call" data-decision={draft.decision ?? 'none'}>
      <div className="tool-call-head">
        <strong>{call.name}</strong> <span className="muted">{call.call_id}</span>
      </div>
      <label>
        Arguments for {call.name}
        <textarea rows={4} value={draft.args} spellCheck={false} onChange={(e) => props.onChange({ args: e.target.value })} aria-invalid={!parsed.ok} />
      </label>
      {!parsed.ok ? <p className="inline-error">{parsed.message}</p> : null}
      <div className="row">
        <button type="button" aria-pressed={draft.decision === 'approve'} disabled={props.disabled || !parsed.ok} onClick={() => props.onChange({ decision: 'approve' })}>
          Approve
        </button>
        <button type="button" aria-pressed={draft.decision === 'deny'} disabled={props.disabled} onClick={() => props.onChange({ decision: 'deny' })}>
          Deny
        </button>
      </div>
    </div>
  );
}

/**
 * What an answer to a wait on a person must be, decided by the kernel under the run's lock
 * (so a check and the resume it guards see the same wait): an `answer` goes to a question
 * (`user`), and is one of its choices unless free text is allowed; tool decisions go to a
 * `tool_calls` wait and name only calls it holds.
 */
import { RunNotWaitingError, ValidationError } from '../../src-shared/errors';
import type { JsonValue } from '../../src-shared/json';
import type { RunState, WaitState } from '../../src-shared/types';

/** What the caller answers: a question, or tool decisions (ResumeOptions.answers). */
export type AnswerKind = 'user' | 'tool_calls';

export function checkAnswer(state: RunState, wait: WaitState, kind: AnswerKind, payload: JsonValue): void {
  if (wait.reason !== kind)
    throw new RunNotWaitingError(`run ${state.run_id} waits for ${wait.reason}, not ${kind === 'user' ? 'an answer' : 'tool decisions'}`, {
      runId: state.run_id,
      reason: wait.reason,
    });
  const p = payload as { text?: unknown; decisions?: unknown } | null;
  if (kind === 'user') {
    const text = p && typeof p === 'object' ? p.text : undefined;
    if (!wait.allow_free_text && wait.choices && wait.choices.length > 0 && !wait.choices.includes(text as string))
      throw new ValidationError(`answer must be one of: ${wait.choices.join(', ')}`, { choices: wait.choices });
    return;
  }
  const pending = new Set((wait.tool_calls ?? []).map((c) => c.call_id));
  const decisions = p && typeof p === 'object' && Array.isArray(p.decisions) ? (p.decisions as { call_id?: unknown }[]) : [];
  const unknown = decisions.map((d) => String(d?.call_id)).filter((id) => !pending.has(id));
  if (unknown.length) throw new ValidationError(`no pending tool call with id ${unknown.join(', ')}`, { unknown, pending: [...pending] });
}

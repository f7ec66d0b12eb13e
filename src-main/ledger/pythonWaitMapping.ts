/**
 * How a wait crosses to the Python runtime and back (docs/interop-python.md). Python's
 * WaitState has no event name, tool calls or child run id, and knows only the reasons
 * user / event / until / job / subworkflow; what it lacks travels in `details` under one
 * key, which Python keeps as it is. Reading a wait back prefers that key, so a wait exported
 * from here comes back unchanged, and a wait Python created is read by Python's own rules
 * (its event is named by its wait_key).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../src-shared/json';
import type { ToolCall, WaitReason, WaitState } from '../../src-shared/types';

/** The key in Python's `waiting.details` holding the fields Python's WaitState lacks. */
export const DESKTOP_WAIT_KEY = 'abstractruntime_desktop';

const PYTHON_REASONS = ['user', 'event', 'until', 'job', 'subworkflow'] as const;
const OUR_REASONS: WaitReason[] = ['user', 'event', 'until', 'tool_calls', 'subworkflow', 'recovery'];

/** Python's `waiting` object for one of our waits. */
export function toPythonWait(w: WaitState, isoForPython: (iso: string) => string): JsonObject {
  // Tool approvals and recovery wait for a person: the nearest Python reason is "user".
  const reason = (PYTHON_REASONS as readonly string[]).includes(w.reason) ? w.reason : 'user';
  const extra: JsonObject = {};
  if (w.reason !== reason) extra.reason = w.reason;
  if (w.event_name !== null) extra.event_name = w.event_name;
  if (w.tool_calls !== null) extra.tool_calls = w.tool_calls as unknown as JsonValue;
  if (w.child_run_id !== null) extra.child_run_id = w.child_run_id;
  const details: JsonObject | null = Object.keys(extra).length ? { ...(w.details ?? {}), [DESKTOP_WAIT_KEY]: extra } : w.details;
  return {
    reason,
    wait_key: w.wait_key,
    until: w.until === null ? null : isoForPython(w.until),
    resume_to_node: w.resume_to_node,
    result_key: w.result_key,
    prompt: w.prompt,
    choices: w.choices,
    allow_free_text: w.allow_free_text,
    details,
  };
}

/** Our WaitState for a Python `waiting` object (one Python wrote, or one we exported). */
export function fromPythonWait(w: JsonObject): WaitState {
  const s = (v: JsonValue | undefined) => (typeof v === 'string' ? v : null);
  const rawDetails = isJsonObject(w.details) ? w.details : null;
  const ours = rawDetails && isJsonObject(rawDetails[DESKTOP_WAIT_KEY]) ? (rawDetails[DESKTOP_WAIT_KEY] as JsonObject) : null;
  let details: JsonObject | null = rawDetails;
  if (ours && rawDetails) {
    const { [DESKTOP_WAIT_KEY]: _ours, ...rest } = rawDetails;
    details = Object.keys(rest).length ? rest : null;
  }
  const declared = s(ours?.reason) ?? s(w.reason);
  const known = OUR_REASONS.includes(declared as WaitReason);
  // A reason we do not have (Python's "job") waits for an outside signal like an event.
  const reason: WaitReason = known ? (declared as WaitReason) : 'event';
  if (!known) details = { ...(details ?? {}), python_reason: w.reason ?? null };
  return {
    reason,
    wait_key: s(w.wait_key) ?? '',
    result_key: s(w.result_key),
    resume_to_node: s(w.resume_to_node),
    until: s(w.until),
    prompt: s(w.prompt),
    choices: Array.isArray(w.choices) ? w.choices.filter((c): c is string => typeof c === 'string') : null,
    allow_free_text: w.allow_free_text !== false,
    // A Python event wait is resumed by its wait_key: that is its event's name here.
    event_name: reason === 'event' ? (s(ours?.event_name) ?? s(w.event_name) ?? s(w.wait_key)) : null,
    tool_calls: toolCallsOf(ours?.tool_calls),
    child_run_id: s(ours?.child_run_id) ?? s(w.child_run_id),
    details,
  };
}

/** Tool calls as we wrote them; anything else in their place is dropped, not trusted. */
function toolCallsOf(v: JsonValue | undefined): ToolCall[] | null {
  if (!Array.isArray(v)) return null;
  const calls = v.filter(
    (c): c is JsonObject => isJsonObject(c) && typeof c.name === 'string' && typeof c.call_id === 'string' && isJsonObject(c.arguments),
  );
  return calls.length === v.length ? (calls as unknown as ToolCall[]) : null;
}

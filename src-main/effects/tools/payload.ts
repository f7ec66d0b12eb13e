/**
 * The `tool_calls` payload: `{tool_calls: [{name, arguments, call_id}]}` (the OpenAI wire
 * shape `{id, function: {name, arguments: "<json>"}}` is accepted too).
 */
import { ValidationError } from '../../../src-shared/errors';
import { parseJsonExact } from '../../../src-shared/exactJson';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../src-shared/json';
import type { ToolCallResult } from '../../../src-shared/types';

export interface ParsedCall {
  index: number;
  name: string;
  /** An object when valid; anything else is reported as bad arguments for that call. */
  arguments: JsonValue;
  call_id: string;
}

/**
 * `allowed_tools`: the names the calls may use. A model may name any tool, offered or not,
 * so the payload must say which were offered (an `llm_call` result's `offered_tools`); a
 * workflow running calls it wrote itself lists them too. Absent or malformed: nothing is allowed.
 */
export function allowedToolsOf(payload: JsonObject): Set<string> | string {
  const list = payload.allowed_tools;
  if (list === undefined)
    return 'the tool_calls payload names no `allowed_tools` (the tools offered to the model, or the ones the workflow runs)';
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string'))
    return 'the tool_calls payload `allowed_tools` must be an array of tool names';
  return new Set(list as string[]);
}

export function parseToolCalls(payload: JsonObject): ParsedCall[] {
  const list = payload.tool_calls;
  if (!Array.isArray(list)) throw new ValidationError('tool_calls payload needs a `tool_calls` array');
  return list.map((raw, index) => parseCall(raw, index));
}

function parseCall(raw: JsonValue, index: number): ParsedCall {
  if (!isJsonObject(raw)) throw new ValidationError(`tool_calls[${index}] must be an object`);
  const fn = isJsonObject(raw.function) ? raw.function : null;
  const name = fn ? fn.name : raw.name;
  if (typeof name !== 'string' || !name) throw new ValidationError(`tool_calls[${index}] needs a name`);
  const args = fn ? fn.arguments : raw.arguments;
  const id = raw.call_id ?? raw.id;
  return {
    index,
    name,
    arguments: typeof args === 'string' ? parseJsonArgs(args) : (args ?? {}),
    call_id: typeof id === 'string' && id ? id : `call_${index}`,
  };
}

/** Wire-shape arguments text, numbers kept as written; text that cannot be read exactly stays a string (the call fails saying why). */
function parseJsonArgs(s: string): JsonValue {
  if (s.trim() === '') return {};
  try {
    return parseJsonExact(s, 'arguments');
  } catch {
    return s;
  }
}

/**
 * The payload as it should be keyed for idempotency: call ids dropped (a provider invents
 * new ones when a turn is re-asked after a crash), names and arguments kept in order. Two
 * payloads that differ only in call ids get the same key, so the completed result is reused.
 */
export function normalizeToolCallsPayload(payload: JsonObject): JsonObject {
  try {
    const calls = parseToolCalls(payload).map((c) => ({ name: c.name, arguments: c.arguments }));
    const allowed = allowedToolsOf(payload);
    return typeof allowed === 'string' ? { tool_calls: calls } : { tool_calls: calls, allowed_tools: [...allowed].sort() };
  } catch {
    return payload;
  }
}

/**
 * A reused result (from a replay whose calls carried other ids) with the call ids of the
 * request at hand, position by position.
 */
export function realignToolResults(result: JsonValue, payload: JsonObject): JsonValue {
  if (!isJsonObject(result) || !Array.isArray(result.results)) return result;
  let calls: ParsedCall[];
  try {
    calls = parseToolCalls(payload);
  } catch {
    return result;
  }
  const results = result.results.map((r, i) => (isJsonObject(r) && calls[i] ? { ...r, call_id: calls[i]!.call_id } : r));
  return { ...result, results };
}

export function errorResult(call: ParsedCall, error: string, extra: JsonObject = {}): ToolCallResult & JsonObject {
  return { call_id: call.call_id, name: call.name, success: false, output: null, error, ...extra };
}

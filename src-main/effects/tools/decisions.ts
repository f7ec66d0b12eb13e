/**
 * Reading a tool_calls resume payload. Accepted shapes (as in the Python runtime, plus
 * per-call forms): `{approved, reason?, arguments?}` for every call awaiting approval;
 * `{decisions: [{call_id, approved, arguments?, reason?}]}`; `{results: [{call_id,
 * success?, output, error?}]}` for passthrough calls. Decisions and results may be combined.
 */
import type { JsonObject, JsonValue } from '../../../src-shared/json';

export interface Decision {
  approved: boolean;
  arguments?: JsonObject;
  reason?: string;
}

export interface ExternalResult {
  success: boolean;
  output: JsonValue;
  error: string | null;
}

export interface ResumeInput {
  /** By call id; `*` applies to every call awaiting approval. */
  decisions: Map<string, Decision>;
  results: Map<string, ExternalResult>;
  problems: string[];
}

export function readResumePayload(payload: JsonValue): ResumeInput {
  const input: ResumeInput = { decisions: new Map(), results: new Map(), problems: [] };
  if (!isObject(payload)) {
    input.problems.push('the resume payload must be an object ({approved}, {decisions: [...]}, or {results: [...]})');
    return input;
  }
  if (typeof payload.approved === 'boolean') addDecision(input, '*', payload, 'payload');
  if (payload.decisions !== undefined) readList(input, payload.decisions, 'decisions', addDecision);
  if (payload.results !== undefined) readList(input, payload.results, 'results', addResult);
  return input;
}

type Reader = (input: ResumeInput, callId: string, item: JsonObject, where: string) => void;

function readList(input: ResumeInput, list: JsonValue, name: string, read: Reader): void {
  if (!Array.isArray(list)) {
    input.problems.push(`${name} must be an array`);
    return;
  }
  list.forEach((item, i) => {
    const where = `${name}[${i}]`;
    if (!isObject(item) || typeof item.call_id !== 'string' || !item.call_id) input.problems.push(`${where} needs a call_id`);
    else read(input, item.call_id, item, where);
  });
}

function addDecision(input: ResumeInput, callId: string, item: JsonObject, where: string): void {
  if (typeof item.approved !== 'boolean') {
    input.problems.push(`${where}.approved must be true or false`);
    return;
  }
  if (item.arguments !== undefined && !isObject(item.arguments)) {
    input.problems.push(`${where}.arguments must be an object`);
    return;
  }
  const d: Decision = { approved: item.approved };
  if (isObject(item.arguments)) d.arguments = item.arguments;
  if (typeof item.reason === 'string' && item.reason) d.reason = item.reason;
  input.decisions.set(callId, d);
}

function addResult(input: ResumeInput, callId: string, item: JsonObject): void {
  const error = typeof item.error === 'string' && item.error ? item.error : null;
  const success = typeof item.success === 'boolean' ? item.success : error === null;
  input.results.set(callId, { success, output: item.output ?? null, error: success ? null : (error ?? 'failed (no error given)') });
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Turns an `llm_call` payload into a chat-completions request. The payload is what a
 * workflow recorded, so it must hold no secrets: the key and the endpoint come from settings.
 */
import { ValidationError } from '../../../src-shared/errors';
import type { JsonObject, JsonValue } from '../../../src-shared/json';
import { stringifyExact } from '../../../src-shared/exactJson';

export interface LlmCallPayload {
  messages: JsonObject[];
  model: string | null;
  tools: JsonObject[] | null;
  params: JsonObject;
  /** Remote mode: forwarded in the body for AbstractCore's OpenAI-compatible routing. */
  baseUrl: string | null;
  timeoutS: number | null;
}

/** Params a workflow may not set through `params`: the handler owns them. */
const RESERVED_PARAMS = new Set(['model', 'messages', 'tools', 'stream', 'base_url', 'timeout_s', 'api_key']);

export function parseLlmPayload(payload: JsonObject): LlmCallPayload {
  const params = optionalObject(payload.params, 'params') ?? {};
  for (const k of Object.keys(params)) {
    if (RESERVED_PARAMS.has(k))
      throw new ValidationError(`llm_call params.${k} is not allowed (set it at the payload's top level, or not at all)`);
  }
  const baseUrl = optionalString(payload.base_url ?? payload.baseUrl, 'base_url');
  if (baseUrl !== null) checkUrl(baseUrl);
  const timeoutS = payload.timeout_s ?? null;
  if (timeoutS !== null && (typeof timeoutS !== 'number' || !(timeoutS > 0)))
    throw new ValidationError('llm_call timeout_s must be a positive number of seconds');
  return {
    messages: buildMessages(payload),
    model: optionalString(payload.model, 'model'),
    tools: payload.tools == null ? null : toolSpecs(payload.tools),
    params,
    baseUrl,
    timeoutS: timeoutS as number | null,
  };
}

function buildMessages(payload: JsonObject): JsonObject[] {
  const system = optionalString(payload.system, 'system');
  let messages: JsonObject[];
  if (payload.messages != null) {
    if (!Array.isArray(payload.messages) || payload.messages.length === 0)
      throw new ValidationError('llm_call messages must be a non-empty array');
    messages = payload.messages.map((m, i) => toMessage(m, i));
  } else if (typeof payload.prompt === 'string' && payload.prompt) {
    messages = [{ role: 'user', content: payload.prompt }];
  } else {
    throw new ValidationError('llm_call needs `messages` (non-empty array) or `prompt` (non-empty string)');
  }
  return system ? [{ role: 'system', content: system }, ...messages] : messages;
}

function toMessage(m: JsonValue, i: number): JsonObject {
  if (!isObject(m) || typeof m.role !== 'string') throw new ValidationError(`llm_call messages[${i}] needs a string role`);
  if (m.role !== 'assistant' || !Array.isArray(m.tool_calls)) return m;
  return { ...m, tool_calls: m.tool_calls.map((c, j) => toWireToolCall(c, `messages[${i}].tool_calls[${j}]`)) };
}

/** Accepts recorded calls (`{name, arguments, call_id}`, as llm_call returns them) or the wire shape. */
function toWireToolCall(c: JsonValue, where: string): JsonObject {
  if (!isObject(c)) throw new ValidationError(`llm_call ${where} must be an object`);
  if (isObject(c.function)) return c;
  if (typeof c.name !== 'string') throw new ValidationError(`llm_call ${where} needs a name`);
  const args = typeof c.arguments === 'string' ? c.arguments : stringifyExact(c.arguments ?? {});
  return { id: String(c.call_id ?? c.id ?? ''), type: 'function', function: { name: c.name, arguments: args } };
}

/** Accepts `{name, description?, parameters?}` or the wire `{type: 'function', function: {...}}`. */
function toolSpecs(tools: JsonValue): JsonObject[] {
  if (!Array.isArray(tools)) throw new ValidationError('llm_call tools must be an array');
  return tools.map((t, i) => {
    if (!isObject(t)) throw new ValidationError(`llm_call tools[${i}] must be an object`);
    if (isObject(t.function)) return t;
    if (typeof t.name !== 'string' || !t.name) throw new ValidationError(`llm_call tools[${i}] needs a name`);
    const fn: JsonObject = { name: t.name, parameters: isObject(t.parameters) ? t.parameters : { type: 'object', properties: {} } };
    if (typeof t.description === 'string') fn.description = t.description;
    return { type: 'function', function: fn };
  });
}

function checkUrl(u: string): void {
  try {
    const url = new URL(u);
    if (url.protocol === 'http:' || url.protocol === 'https:') return;
  } catch {
    // fall through to the error below
  }
  throw new ValidationError(`llm_call base_url must be an http(s) URL; got ${JSON.stringify(u)}`);
}

function optionalString(v: JsonValue | undefined, name: string): string | null {
  if (v == null) return null;
  if (typeof v !== 'string') throw new ValidationError(`llm_call ${name} must be a string`);
  return v || null;
}

function optionalObject(v: JsonValue | undefined, name: string): JsonObject | null {
  if (v == null) return null;
  if (!isObject(v)) throw new ValidationError(`llm_call ${name} must be an object`);
  return v;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

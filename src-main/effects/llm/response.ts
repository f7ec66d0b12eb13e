/** The `llm_call` result as recorded in the ledger (snake_case, JSON only). */
import { parseJsonExact } from '../../../src-shared/exactJson';
import { isJsonObject, type JsonObject } from '../../../src-shared/json';

export interface LlmToolCall {
  name: string;
  /** Parsed JSON arguments; the raw string when the model produced invalid JSON (the tool reports it). */
  arguments: JsonObject | string;
  call_id: string;
}

export interface LlmCallResult {
  content: string;
  tool_calls: LlmToolCall[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  model: string;
  finish_reason: string | null;
  latency_ms: number;
  /** The tool names this call offered the model: a following `tool_calls` effect passes them as `allowed_tools`. */
  offered_tools: string[];
}

interface CompletionLike {
  model?: string;
  choices?: { message?: { content?: string | null; tool_calls?: unknown[] | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
}

export function toLlmResult(
  completion: CompletionLike,
  requestedModel: string,
  latencyMs: number,
  offeredTools: string[] = [],
): LlmCallResult {
  const choice = completion.choices?.[0];
  const usage = completion.usage ?? {};
  const prompt = usage.prompt_tokens ?? 0;
  const out = usage.completion_tokens ?? 0;
  return {
    content: choice?.message?.content ?? '',
    tool_calls: (choice?.message?.tool_calls ?? []).flatMap((c, i) => toToolCall(c, i)),
    usage: { prompt_tokens: prompt, completion_tokens: out, total_tokens: usage.total_tokens ?? prompt + out },
    model: completion.model || requestedModel,
    finish_reason: choice?.finish_reason ?? null,
    latency_ms: latencyMs,
    offered_tools: offeredTools,
  };
}

function toToolCall(c: unknown, i: number): LlmToolCall[] {
  const call = c as { id?: string; type?: string; function?: { name?: string; arguments?: string } };
  if (!call?.function?.name) return [];
  return [{ name: call.function.name, arguments: parseArguments(call.function.arguments), call_id: call.id || `call_${i}` }];
}

/**
 * The model's arguments text under the number policy (`98765432109876543210`, `1.0` kept as
 * written). Text that is not a JSON object, or holds a number that cannot be kept exactly,
 * stays the raw string: the tool call then fails saying why, naming the path.
 */
function parseArguments(raw: string | undefined): JsonObject | string {
  if (raw === undefined || raw.trim() === '') return {};
  try {
    const v = parseJsonExact(raw, 'arguments');
    return isJsonObject(v) ? v : raw;
  } catch {
    return raw;
  }
}

/**
 * Reads the parts of a ledger record a person looks for: what kind of step it was, and for
 * LLM calls the prompt, reply, tokens and latency; for tool calls the arguments and results.
 * Payload shapes vary by provider, so each reader is lenient and returns null when absent.
 */
import type { LedgerRecord } from '../../src-shared/types';

export function recordTitle(r: LedgerRecord): string {
  if (r.kind === 'effect' && r.effect) return `${r.effect.type} · ${r.status}${hasError(r) ? ' with errors' : ''}`;
  return r.kind;
}

/** A record that completed with failed parts (a failed tool call): shown as an error, not a success. */
export function hasError(r: LedgerRecord): boolean {
  return r.status === 'completed' && !!r.error;
}

export function latencyMs(r: LedgerRecord): number | null {
  if (!r.ended_at) return null;
  const ms = Date.parse(r.ended_at) - Date.parse(r.started_at);
  return Number.isFinite(ms) ? ms : null;
}

const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

export interface LlmInsight {
  prompt: unknown;
  reply: unknown;
  tokens: { prompt: number | null; completion: number | null; total: number | null } | null;
  model: string | null;
  /** The provider call's own latency when recorded, else the record's duration. */
  latencyMs: number | null;
  finishReason: string | null;
}

export function llmInsight(r: LedgerRecord): LlmInsight | null {
  if (r.effect?.type !== 'llm_call') return null;
  const p = r.effect.payload;
  const res = obj(r.result);
  const usage = obj(res?.usage);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    prompt:
      typeof p.system === 'string' ? { system: p.system, messages: p.messages ?? p.prompt ?? null } : (p.messages ?? p.prompt ?? null),
    reply: res ? replyOf(res) : null,
    tokens: usage
      ? {
          prompt: num(usage.prompt_tokens ?? usage.input_tokens),
          completion: num(usage.completion_tokens ?? usage.output_tokens),
          total: num(usage.total_tokens),
        }
      : null,
    model: typeof res?.model === 'string' ? res.model : typeof p.model === 'string' ? p.model : null,
    latencyMs: num(res?.latency_ms) ?? latencyMs(r),
    finishReason: typeof res?.finish_reason === 'string' ? res.finish_reason : null,
  };
}

/** Text when there is some; a reply that only calls tools shows its tool calls. */
function replyOf(res: Record<string, unknown>): unknown {
  const text = res.content ?? res.text ?? res.message;
  const calls = Array.isArray(res.tool_calls) && res.tool_calls.length ? res.tool_calls : null;
  if (typeof text === 'string' && text !== '') return calls ? { content: text, tool_calls: calls } : text;
  return calls ?? text ?? null;
}

export interface ToolInsight {
  calls: { call_id: string; name: string; arguments: unknown }[];
  results: unknown;
}

export function toolInsight(r: LedgerRecord): ToolInsight | null {
  if (r.effect?.type !== 'tool_calls') return null;
  const raw = r.effect.payload.tool_calls;
  const calls = Array.isArray(raw)
    ? raw.map((c) => {
        const o = obj(c) ?? {};
        return { call_id: String(o.call_id ?? ''), name: String(o.name ?? ''), arguments: o.arguments ?? {} };
      })
    : [];
  const res = obj(r.result);
  return { calls, results: res?.results ?? r.result };
}

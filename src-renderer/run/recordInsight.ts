/**
 * Reads the parts of a ledger record a person looks for: what kind of step it was, and for
 * LLM calls the prompt, reply, tokens and latency; for tool calls the arguments and results.
 * Payload shapes vary by provider, so each reader is lenient and returns null when absent.
 */
import type { LedgerRecord } from '../../src-shared/types';

export function recordTitle(r: LedgerRecord): string {
  if (r.kind === 'effect' && r.effect) return `${r.effect.type} · ${r.status}`;
  return r.kind;
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
}

export function llmInsight(r: LedgerRecord): LlmInsight | null {
  if (r.effect?.type !== 'llm_call') return null;
  const p = r.effect.payload;
  const res = obj(r.result);
  const usage = obj(res?.usage);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    prompt: p.messages ?? p.prompt ?? null,
    reply: res ? (res.content ?? res.text ?? res.message ?? res.tool_calls ?? null) : null,
    tokens: usage
      ? {
          prompt: num(usage.prompt_tokens ?? usage.input_tokens),
          completion: num(usage.completion_tokens ?? usage.output_tokens),
          total: num(usage.total_tokens),
        }
      : null,
    model: typeof p.model === 'string' ? p.model : typeof res?.model === 'string' ? res.model : null,
  };
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

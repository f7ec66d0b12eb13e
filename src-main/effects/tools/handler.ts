/**
 * The `tool_calls` effect. Trusted calls run at once; calls needing approval or an external
 * result put the run in `waiting` (reason `tool_calls`) with the partial results kept in
 * the wait; `resume` applies decisions/results and completes with every result, aligned
 * position by position with the request: `{mode: "executed", results: [...]}`.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../src-shared/json';
import type { LlmMode, ToolCall, ToolCallResult, WaitState } from '../../../src-shared/types';
import type { EffectContext, EffectHandler, EffectOutcome, EffectRequest } from '../../runtime/contracts';
import { readResumePayload, type Decision, type ExternalResult, type ResumeInput } from './decisions';
import { allowedToolsOf, errorResult, normalizeToolCallsPayload, parseToolCalls, realignToolResults, type ParsedCall } from './payload';
import type { ToolRegistry, ToolTrust } from './registry';
import { argumentsProblem, runToolCall } from './runTool';

export interface ToolCallsHandlerOptions {
  /** remote: every call is passthrough (the app executes nothing); local/hybrid: each tool's trust applies. A function is read per call, so settings edits apply at once. */
  mode?: LlmMode | (() => LlmMode);
}

/** How one call is settled: its tool's trust, or `error` when it was answered at once (unknown tool, bad arguments). */
type CallMode = ToolTrust | 'error';
type Result = ToolCallResult & JsonObject;

interface Progress {
  modes: CallMode[];
  results: (Result | null)[];
}

export function createToolCallsEffectHandler(registry: ToolRegistry, opts: ToolCallsHandlerOptions = {}): EffectHandler {
  const mode = (): LlmMode => (typeof opts.mode === 'function' ? opts.mode() : (opts.mode ?? 'local'));
  const runsLocally = (call: ParsedCall, effect: EffectRequest): boolean => {
    const tool = registry.get(call.name);
    return mode() !== 'remote' && !!tool && tool.trust !== 'passthrough' && notOffered(effect, call) === null;
  };

  return {
    isIdempotent(effect) {
      const calls = tryParse(effect);
      return !calls || calls.every((c) => !runsLocally(c, effect) || registry.get(c.name)!.idempotent);
    },
    // Provider call ids change when an LLM turn is re-asked after a crash: key on the calls only.
    keyPayload: (effect) => normalizeToolCallsPayload(effect.payload),
    adaptReusedResult: (result, effect) => realignToolResults(result, effect.payload),
    hasSideEffects(effect) {
      const calls = tryParse(effect);
      return !!calls && calls.some((c) => runsLocally(c, effect));
    },
    async execute(effect, ctx) {
      const calls = parseOrFail(effect);
      if (!Array.isArray(calls)) return calls;
      const progress: Progress = {
        modes: calls.map((c) => (notOffered(effect, c) ? 'error' : modeOf(registry, mode(), c))),
        results: calls.map(() => null),
      };
      for (const call of calls) {
        const m = progress.modes[call.index]!;
        if (m === 'error') progress.results[call.index] = notOfferedResult(effect, call) ?? immediateError(registry, call);
        else if (m === 'trusted')
          progress.results[call.index] = executed(
            await runToolCall(registry.get(call.name)!, call, call.arguments, envOf(ctx)),
            call.arguments,
          );
      }
      return settle(calls, progress, []);
    },
    async resume(effect, wait, payload, ctx) {
      const calls = parseOrFail(effect);
      if (!Array.isArray(calls)) return calls;
      const progress = readProgress(wait, calls.length);
      const input = readResumePayload(payload);
      const applied = await applyInput(registry, calls, progress, input, ctx);
      const problems = [...input.problems];
      if (applied === 0)
        problems.push('the resume payload settled none of the pending calls (pending: ' + pendingIds(calls, progress) + ')');
      return settle(calls, progress, problems);
    },
  };
}

/** Why `call` may not run (its tool was not offered), or null. Decided before trust, arguments or registration. */
function notOffered(effect: EffectRequest, call: ParsedCall): string | null {
  const allowed = allowedToolsOf(effect.payload);
  if (typeof allowed === 'string') return `tool "${call.name}" refused: ${allowed}`;
  return allowed.has(call.name) ? null : `tool "${call.name}" was not offered to this call (allowed: ${[...allowed].join(', ') || 'none'})`;
}

function notOfferedResult(effect: EffectRequest, call: ParsedCall): Result | null {
  const reason = notOffered(effect, call);
  return reason ? errorResult(call, reason, { denied: 'not_offered' }) : null;
}

function modeOf(registry: ToolRegistry, mode: LlmMode, call: ParsedCall): CallMode {
  if (mode === 'remote') return 'passthrough';
  const tool = registry.get(call.name);
  if (!tool) return 'error';
  if (tool.trust !== 'passthrough' && argumentsProblem(tool, call.arguments)) return 'error';
  return tool.trust;
}

function immediateError(registry: ToolRegistry, call: ParsedCall): Result {
  const tool = registry.get(call.name);
  if (!tool) return executed(errorResult(call, `unknown tool "${call.name}"`), call.arguments);
  return executed(errorResult(call, argumentsProblem(tool, call.arguments) ?? 'tool call refused'), call.arguments);
}

/** A result with the arguments the call was run (or refused) with, so the record says what ran. */
function executed(result: Result, args: JsonValue): Result {
  return { ...result, arguments: args };
}

async function applyInput(
  registry: ToolRegistry,
  calls: ParsedCall[],
  p: Progress,
  input: ResumeInput,
  ctx: EffectContext,
): Promise<number> {
  let applied = 0;
  for (const call of calls) {
    if (p.results[call.index] !== null) continue;
    const m = p.modes[call.index];
    if (m === 'approval') {
      const d = input.decisions.get(call.call_id) ?? input.decisions.get('*');
      if (!d) continue;
      p.results[call.index] = await decide(registry, call, d, ctx);
      applied++;
    } else if (m === 'passthrough') {
      const r = input.results.get(call.call_id);
      if (!r) continue;
      p.results[call.index] = externalResult(call, r);
      applied++;
    }
  }
  return applied;
}

async function decide(registry: ToolRegistry, call: ParsedCall, d: Decision, ctx: EffectContext): Promise<Result> {
  const approval: JsonObject = { approved: d.approved };
  if (ctx.resumedBy) approval.decided_by = { kind: ctx.resumedBy.kind, id: ctx.resumedBy.id };
  if (d.reason) approval.reason = d.reason;
  // A denied call never ran: its arguments are the ones proposed.
  if (!d.approved) return executed(errorResult(call, `denied by user${d.reason ? `: ${d.reason}` : ''}`, { approval }), call.arguments);
  if (d.arguments) {
    approval.edited_arguments = d.arguments;
    approval.original_arguments = call.arguments;
  }
  const args = d.arguments ?? call.arguments;
  const tool = registry.get(call.name);
  if (!tool) return executed(errorResult(call, `unknown tool "${call.name}" (it was unregistered while waiting)`, { approval }), args);
  const result = await runToolCall(tool, call, args, envOf(ctx));
  return { ...executed(result, args), approval };
}

function externalResult(call: ParsedCall, r: ExternalResult): Result {
  return { call_id: call.call_id, name: call.name, arguments: call.arguments, success: r.success, output: r.output, error: r.error };
}

function settle(calls: ParsedCall[], p: Progress, problems: string[]): EffectOutcome {
  const pending = calls.filter((c) => p.results[c.index] === null);
  if (pending.length === 0) {
    const results = p.results as Result[];
    const error = failureOf(results);
    return { kind: 'completed', result: { mode: 'executed', results }, ...(error ? { error } : {}) };
  }
  const toolCalls: ToolCall[] = pending.map((c) => ({ name: c.name, arguments: asObject(c.arguments), call_id: c.call_id }));
  const details: JsonObject = { modes: p.modes, results: p.results, pending_modes: pending.map((c) => p.modes[c.index]!) };
  if (problems.length) details.last_error = problems.join('; ');
  return { kind: 'waiting', wait: { reason: 'tool_calls', tool_calls: toolCalls, prompt: promptFor(pending, p), details } };
}

const SHOWN_ERROR_CHARS = 300;

/**
 * The calls that failed (a denial is a person's decision, not a failure), as the error the
 * kernel records beside the result and applies the node's onEffectError policy to.
 */
function failureOf(results: Result[]): { code: string; message: string } | null {
  const failed = results.filter((r) => !r.success && !isDenied(r));
  if (failed.length === 0) return null;
  const shown = failed.map((r) => {
    const why = r.error ?? 'failed';
    return `${r.call_id} (${r.name}): ${why.length > SHOWN_ERROR_CHARS ? `${why.slice(0, SHOWN_ERROR_CHARS)}…` : why}`;
  });
  return { code: 'TOOL_CALLS_FAILED', message: `${failed.length} of ${results.length} tool calls failed: ${shown.join('; ')}` };
}

function isDenied(r: Result): boolean {
  const a = r.approval;
  return isJsonObject(a) && a.approved === false;
}

function promptFor(pending: ParsedCall[], p: Progress): string {
  const approvals = pending.filter((c) => p.modes[c.index] === 'approval').map((c) => c.name);
  const external = pending.filter((c) => p.modes[c.index] === 'passthrough').map((c) => c.name);
  const parts: string[] = [];
  if (approvals.length) parts.push(`Approve, edit or deny: ${approvals.join(', ')}`);
  if (external.length) parts.push(`Waiting for external results: ${external.join(', ')}`);
  return parts.join('. ');
}

function readProgress(wait: WaitState, n: number): Progress {
  const d = wait.details ?? {};
  const modes = Array.isArray(d.modes) && d.modes.length === n ? (d.modes as CallMode[]) : Array<CallMode>(n).fill('approval');
  const results =
    Array.isArray(d.results) && d.results.length === n ? (d.results as (Result | null)[]) : Array<Result | null>(n).fill(null);
  return { modes: [...modes], results: [...results] };
}

function pendingIds(calls: ParsedCall[], p: Progress): string {
  return calls
    .filter((c) => p.results[c.index] === null)
    .map((c) => `${c.call_id} (${p.modes[c.index]})`)
    .join(', ');
}

function envOf(ctx: EffectContext) {
  return { signal: ctx.signal, idempotencyKey: ctx.idempotencyKey, now: ctx.now, runId: ctx.run.run_id };
}

function tryParse(effect: EffectRequest): ParsedCall[] | null {
  try {
    return parseToolCalls(effect.payload);
  } catch {
    return null;
  }
}

function parseOrFail(effect: EffectRequest): ParsedCall[] | EffectOutcome {
  try {
    return parseToolCalls(effect.payload);
  } catch (err) {
    return { kind: 'failed', error: { code: 'VALIDATION_ERROR', message: (err as Error).message }, retryable: false };
  }
}

function asObject(v: JsonValue): JsonObject {
  return isJsonObject(v) ? v : { _raw: v };
}

/**
 * Runs one tool call in the main process: arguments checked against the tool's schema,
 * a timeout enforced, and every failure turned into an error result (never a thrown crash).
 */
import { NumberNotExactError } from '../../../src-shared/errors';
import { parseJsonExact } from '../../../src-shared/exactJson';
import { findNonJsonPath, type JsonObject, type JsonValue } from '../../../src-shared/json';
import { findUnstorable } from '../../../src-shared/storableJson';
import type { ToolCallResult } from '../../../src-shared/types';
import { validateJsonSchema } from './jsonSchema';
import { errorResult, type ParsedCall } from './payload';
import { DEFAULT_TOOL_TIMEOUT_MS, type ToolContext, type ToolDefinition } from './registry';
import { cloneJson } from '../../runtime/cloneJson';
import { loopTimeout } from '../../runtime/loopTimeout';

export interface RunToolEnv {
  signal: AbortSignal;
  /** The effect's idempotency key; each call gets `<key>:<index>`. */
  idempotencyKey: string;
  now: Date;
  runId: string;
}

/** Why the arguments do not fit the tool, or null when they do. */
export function argumentsProblem(tool: ToolDefinition, args: JsonValue): string | null {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    if (typeof args === 'string') return `bad arguments for tool "${tool.name}": ${whyNotAnObject(args)}`;
    return `bad arguments for tool "${tool.name}": arguments must be a JSON object, got ${JSON.stringify(args)}`;
  }
  const problems = validateJsonSchema(args, tool.parameters);
  return problems.length ? `bad arguments for tool "${tool.name}": ${problems.join('; ')}` : null;
}

/** Why arguments text was kept as text: not JSON, not an object, or a number that cannot be kept exactly (named by path). */
function whyNotAnObject(text: string): string {
  const shown = `invalid JSON ${JSON.stringify(text.slice(0, 200))}`;
  try {
    parseJsonExact(text, 'arguments');
  } catch (err) {
    if (err instanceof NumberNotExactError) return err.message;
  }
  return `arguments must be a JSON object, got ${shown}`;
}

export async function runToolCall(
  tool: ToolDefinition,
  call: ParsedCall,
  args: JsonValue,
  env: RunToolEnv,
): Promise<ToolCallResult & JsonObject> {
  const bad = argumentsProblem(tool, args);
  if (bad) return errorResult(call, bad);
  if (!tool.execute) return errorResult(call, `tool "${tool.name}" has no local implementation`);
  if (env.signal.aborted) return errorResult(call, `tool "${tool.name}" not run: the run was cancelled`);
  const timeoutMs = tool.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const controller = new AbortController();
  const onAbort = () => controller.abort(env.signal.reason);
  env.signal.addEventListener('abort', onAbort, { once: true });
  let cancelTimeout = () => {};
  const timedOut = new Promise<'timeout'>((resolve) => {
    cancelTimeout = loopTimeout(timeoutMs, () => resolve('timeout'));
  });
  const ctx: ToolContext = {
    signal: controller.signal,
    callId: call.call_id,
    idempotencyKey: `${env.idempotencyKey}:${call.index}`,
    now: env.now,
    runId: env.runId,
  };
  try {
    const outcome = await Promise.race([invoke(tool, args as JsonObject, ctx), timedOut]);
    if (outcome === 'timeout') {
      controller.abort(new Error('tool timeout'));
      return errorResult(call, `tool "${tool.name}" timed out after ${timeoutMs} ms`);
    }
    if ('error' in outcome) return errorResult(call, `tool "${tool.name}" failed: ${outcome.error}`);
    return { call_id: call.call_id, name: call.name, success: true, output: outcome.output, error: null };
  } finally {
    cancelTimeout();
    env.signal.removeEventListener('abort', onAbort);
  }
}

async function invoke(tool: ToolDefinition, args: JsonObject, ctx: ToolContext): Promise<{ output: JsonValue } | { error: string }> {
  try {
    const raw = await tool.execute!(cloneJson(args), ctx);
    const output = (raw === undefined ? null : raw) as JsonValue;
    const bad = findNonJsonPath(output, 'output');
    if (bad) return { error: `returned a value that is not plain JSON at ${bad}` };
    const unstorable = findUnstorable(output, 'output');
    return unstorable ? { error: `returned a value that cannot be stored exactly: ${unstorable.message}` } : { output };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

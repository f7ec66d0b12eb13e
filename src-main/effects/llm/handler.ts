/**
 * The `llm_call` effect: one chat-completions call through the `openai` client, wired for
 * the configured mode. local: the provider directly, key as Bearer token. remote/hybrid: an
 * AbstractCore server (`provider/model` names, `base_url`/`timeout_s` in the body, the key
 * only in X-AbstractCore-Provider-API-Key, trace headers); it returns tool calls unexecuted.
 */
import OpenAI from 'openai';
import type { JsonObject } from '../../../src-shared/json';
import type { EffectContext, EffectHandler, EffectOutcome, EffectRequest } from '../../runtime/contracts';
import { makeActor } from '../../runtime/actor';
import { exactRequestText, fetchWithExactBody } from './exactBody';
import { llmFailure } from './failure';
import { parseLlmPayload, type LlmCallPayload } from './request';
import { toLlmResult } from './response';
import type { LlmSettings } from './settings';

export interface LlmHandlerOptions {
  /** Latency source (default Date.now); latency is informational, never used for decisions. */
  nowMs?: () => number;
  /** Passed to the client (tests inject nothing: they use a real local server). */
  fetch?: typeof fetch;
}

export const ABSTRACTCORE_HEADERS = {
  providerKey: 'X-AbstractCore-Provider-API-Key',
  runId: 'X-AbstractCore-Run-Id',
  actorId: 'X-AbstractCore-Actor-Id',
  parentRunId: 'X-AbstractCore-Parent-Run-Id',
} as const;

export function createLlmEffectHandler(getSettings: () => LlmSettings, opts: LlmHandlerOptions = {}): EffectHandler {
  const nowMs = opts.nowMs ?? Date.now;
  return {
    // Asking again after a crash is harmless; the idempotency key header lets a provider dedupe.
    isIdempotent: () => true,
    hasSideEffects: () => true,
    async execute(effect: EffectRequest, ctx: EffectContext): Promise<EffectOutcome> {
      let settings: LlmSettings | null = null;
      try {
        settings = getSettings();
        const call = parseLlmPayload(effect.payload);
        const model = call.model ?? settings.model;
        const started = nowMs();
        const body = requestBody(settings, call, model);
        const client = createClient(settings, call, fetchWithExactBody(opts.fetch ?? fetch, body, exactRequestText(body)));
        const completion = await client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, {
          signal: ctx.signal,
          headers: requestHeaders(settings, call, ctx),
          timeout: timeoutMs(settings, call),
        });
        const result = toLlmResult(completion, model, Math.max(0, nowMs() - started), offeredToolNames(call));
        return { kind: 'completed', result: result as unknown as JsonObject, actor: llmActor(settings, result.model) };
      } catch (err) {
        return llmFailure(err, settings?.apiKey ?? null);
      }
    },
  };
}

function offeredToolNames(call: LlmCallPayload): string[] {
  return (call.tools ?? []).map((t) => (t.function as JsonObject).name as string);
}

/** local mode: a per-call base_url is a different provider, and the configured key is not sent there. */
function isForeignEndpoint(s: LlmSettings, call: LlmCallPayload): boolean {
  return s.mode === 'local' && call.baseUrl !== null && call.baseUrl.replace(/\/+$/, '') !== s.baseUrl;
}

/** The key goes as a Bearer token only to the configured local provider. */
function bearerKey(s: LlmSettings, call: LlmCallPayload): string | null {
  return s.mode === 'local' && !isForeignEndpoint(s, call) ? s.apiKey : null;
}

function createClient(s: LlmSettings, call: LlmCallPayload, sendExact: typeof fetch): OpenAI {
  return new OpenAI({
    baseURL: isForeignEndpoint(s, call) ? call.baseUrl! : s.baseUrl,
    apiKey: bearerKey(s, call) ?? 'no-key',
    maxRetries: s.maxRetries,
    timeout: s.timeoutMs,
    // The client's debug log prints request headers, which may carry the provider key.
    logLevel: 'off',
    fetch: sendExact,
  });
}

function requestBody(s: LlmSettings, call: LlmCallPayload, model: string): JsonObject {
  const body: JsonObject = { ...call.params, model, messages: call.messages };
  if (call.tools && call.tools.length > 0) body.tools = call.tools;
  if (s.mode !== 'local') {
    if (call.baseUrl) body.base_url = call.baseUrl;
    body.timeout_s = call.timeoutS ?? s.timeoutMs / 1000;
  }
  return body;
}

function requestHeaders(s: LlmSettings, call: LlmCallPayload, ctx: EffectContext): Record<string, string | null> {
  const h: Record<string, string | null> = { 'Idempotency-Key': ctx.idempotencyKey };
  // null removes the client's placeholder Bearer header.
  if (!bearerKey(s, call)) h.Authorization = null;
  if (s.mode === 'local') return h;
  h[ABSTRACTCORE_HEADERS.runId] = ctx.run.run_id;
  if (ctx.run.actor_id) h[ABSTRACTCORE_HEADERS.actorId] = ctx.run.actor_id;
  if (ctx.run.parent_run_id) h[ABSTRACTCORE_HEADERS.parentRunId] = ctx.run.parent_run_id;
  if (s.apiKey) h[ABSTRACTCORE_HEADERS.providerKey] = s.apiKey;
  return h;
}

function timeoutMs(s: LlmSettings, call: LlmCallPayload): number {
  return call.timeoutS !== null ? Math.round(call.timeoutS * 1000) : s.timeoutMs;
}

function llmActor(s: LlmSettings, model: string) {
  // Identity = where the answer came from; never the key.
  return makeActor('llm', model, { mode: s.mode, base_url: endpointIdentity(s.baseUrl), model });
}

/** The endpoint without user-info, query or fragment: a URL may carry a credential, a record never does. */
function endpointIdentity(baseUrl: string): string {
  try {
    const u = new URL(baseUrl);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

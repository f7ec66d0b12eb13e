/** The `llm_call` effect handler and its settings. */
export { createLlmEffectHandler, ABSTRACTCORE_HEADERS, type LlmHandlerOptions } from './handler';
export {
  resolveLlmSettings,
  redactLlmSettings,
  LLM_ENV,
  LLM_MODES,
  DEFAULT_LOCAL_BASE_URL,
  DEFAULT_REMOTE_BASE_URL,
  DEFAULT_LOCAL_MODEL,
  DEFAULT_REMOTE_MODEL,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_MAX_RETRIES,
  type LlmSettings,
} from './settings';
export { parseLlmPayload, type LlmCallPayload } from './request';
export { toLlmResult, type LlmCallResult, type LlmToolCall } from './response';

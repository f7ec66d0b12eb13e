/** The `llm_call` effect handler and its settings. */
export { createLlmEffectHandler } from './handler';
export {
  resolveLlmSettings,
  LLM_ENV,
  redactLlmSettings,
  DEFAULT_LOCAL_BASE_URL,
  DEFAULT_REMOTE_BASE_URL,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_MAX_RETRIES,
  type LlmSettings,
} from './settings';

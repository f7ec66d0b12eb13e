/**
 * A failed LLM call as the ledger records it: the provider's status and message (never
 * the key), and whether trying again can help (the kernel then applies the node's retry policy).
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { NumberNotExactError, ValidationError } from '../../../src-shared/errors';
import type { EffectOutcome } from '../../runtime/contracts';

type Failed = Extract<EffectOutcome, { kind: 'failed' }>;

export function llmFailure(err: unknown, secret: string | null): Failed {
  const fail = (code: string, message: string, retryable: boolean, status?: number): Failed => {
    const error: { code: string; message: string; status?: number } = { code, message: scrub(message, secret) };
    if (status !== undefined) error.status = status;
    return { kind: 'failed', error, retryable };
  };
  if (err instanceof ValidationError || err instanceof NumberNotExactError) return fail(err.code, err.message, false);
  if (err instanceof APIUserAbortError) return fail('LLM_CANCELLED', 'the LLM call was cancelled with its run', false);
  if (err instanceof APIConnectionTimeoutError) return fail('LLM_TIMEOUT', `the LLM call timed out: ${err.message}`, true);
  if (err instanceof APIConnectionError) return fail('LLM_UNREACHABLE', `the LLM endpoint is unreachable: ${causeOf(err)}`, true);
  if (err instanceof APIError && typeof err.status === 'number') {
    const retryable = err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
    return fail('LLM_CALL_FAILED', `provider returned HTTP ${err.status}: ${providerMessage(err)}`, retryable, err.status);
  }
  return fail('LLM_CALL_FAILED', err instanceof Error ? err.message : String(err), false);
}

function providerMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string') return body.message;
  return err.message.replace(/^\d{3}\s*/, '') || 'no message';
}

function causeOf(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}

/** A provider may echo what it was sent; the key must not reach the ledger through an error. */
function scrub(message: string, secret: string | null): string {
  return secret ? message.split(secret).join('***') : message;
}

/**
 * The one boundary every transport (IPC, HTTP, CLI) crosses: looks the method up, validates
 * the payload with the shared zod schema, calls the handler, and turns any failure into an
 * `ApiResult` error. It never throws, so a bad request can never crash a transport.
 */
import type { z } from 'zod';
import { apiMethods, type ApiHandlers, type ApiMethod, type ApiResult } from '../../src-shared/api';
import { NonJsonValueError, UnknownMethodError, ValidationError, toErrorPayload, type ErrorPayload } from '../../src-shared/errors';
import { findUnstorable } from '../../src-shared/storableJson';

export function isApiMethod(method: unknown): method is ApiMethod {
  return typeof method === 'string' && Object.prototype.hasOwnProperty.call(apiMethods, method);
}

export async function dispatch(handlers: ApiHandlers, method: unknown, rawPayload: unknown): Promise<ApiResult<unknown>> {
  if (!isApiMethod(method)) {
    return fail(
      new UnknownMethodError(`unknown API method ${JSON.stringify(String(method)).slice(0, 120)}`, {
        method: String(method).slice(0, 200),
      }),
    );
  }
  // Before the schema: its recursive walk is what a hostile depth would overflow.
  const unstorable = findUnstorable(rawPayload, 'payload');
  if (unstorable)
    return fail(
      new NonJsonValueError(`invalid ${method} request: ${unstorable.message}`, {
        method,
        path: unstorable.path,
        problem: unstorable.problem,
      }),
    );
  const parsed = apiMethods[method].request.safeParse(rawPayload === undefined ? {} : rawPayload);
  if (!parsed.success) return fail(validationError(method, parsed.error));
  try {
    const handler = handlers[method] as (req: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    return fail(err);
  }
}

/** Names every bad field (`vars.x: expected …`) so the caller can fix the request. */
export function validationError(method: string, error: z.ZodError): ValidationError {
  const issues = error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(payload)', message: i.message }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new ValidationError(`invalid ${method} request: ${summary}`, { method, issues });
}

function fail(err: unknown): ApiResult<never> {
  const error: ErrorPayload = toErrorPayload(err);
  if (error.code === 'INTERNAL_ERROR') logInternal(err);
  // Only the code and message cross the boundary: stacks stay in the host's log.
  return { ok: false, error };
}

function logInternal(err: unknown): void {
  if (process.env.ABSTRACTRUNTIME_QUIET_INTERNAL === '1') return;
  console.error('[abstractruntime] internal error in an API handler:', err instanceof Error ? (err.stack ?? err.message) : err);
}

/**
 * `POST /api/<method>` with a JSON body → the `ApiResult` as JSON. Status 200 when ok, else
 * the code's status (httpStatus.ts). The body must be `application/json` (a cross-site form
 * cannot send that without a CORS preflight, which we never grant) and at most `maxBodyBytes`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP_API_PREFIX, type ApiHandlers, type ApiResult } from '../../../src-shared/api';
import { parseJsonExact, stringifyExact } from '../../../src-shared/exactJson';
import { ValidationError, type RuntimeError } from '../../../src-shared/errors';
import { dispatch } from '../dispatch';
import { SECURITY_HEADERS } from './csp';
import { httpStatusFor } from './httpStatus';

export class PayloadTooLargeError extends ValidationError {}

export async function handleApiRequest(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: ApiHandlers,
  maxBodyBytes: number,
): Promise<void> {
  const method = methodFromUrl(req.url ?? '');
  if (method === null) return sendResult(res, failure(new ValidationError('the API path is not valid percent-encoding')), 400);
  if (req.method !== 'POST')
    return sendResult(res, failure(new ValidationError(`use POST for ${HTTP_API_PREFIX}${method}`)), 405, { Allow: 'POST' });
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/json') {
    req.resume();
    return sendResult(
      res,
      failure(new ValidationError(`Content-Type must be application/json, got ${JSON.stringify(contentType || '(none)')}`)),
      415,
    );
  }
  let payload: unknown;
  try {
    payload = parseBody(await readBody(req, maxBodyBytes));
  } catch (err) {
    const status = err instanceof PayloadTooLargeError ? 413 : 400;
    return sendResult(res, failure(err as RuntimeError), status, status === 413 ? { Connection: 'close' } : {});
  }
  const result = await dispatch(handlers, method, payload);
  sendResult(res, result, result.ok ? 200 : httpStatusFor(result.error.code));
}

function methodFromUrl(url: string): string | null {
  try {
    return decodeURIComponent(url.split('?')[0]!.slice(HTTP_API_PREFIX.length));
  } catch {
    return null;
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) return reject(tooLarge(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`request body exceeds ${limit} bytes`, { limit });
}

/** The body under the one number policy (src-shared/exactJson): a number it would not keep exactly is refused, naming its path. */
function parseBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return parseJsonExact(text);
  } catch (err) {
    if (err instanceof ValidationError)
      throw new ValidationError(`request body is not valid JSON: ${err.message.replace(/^the text is not valid JSON: /, '')}`);
    throw err;
  }
}

function failure(err: RuntimeError): ApiResult<never> {
  return { ok: false, error: err.toPayload() };
}

function sendResult(res: ServerResponse, result: ApiResult<unknown>, status: number, extra: Record<string, string> = {}): void {
  let body: string;
  try {
    // Exact: a client reads 98765432109876543210 or 1.0 as stored (see src-shared/exactJson.ts).
    body = stringifyExact(result);
  } catch (err) {
    status = 500;
    body = JSON.stringify({
      ok: false,
      error: { code: 'INTERNAL_ERROR', message: `response is not JSON: ${(err as Error).message}`, retryable: false },
    });
  }
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

/**
 * `POST /upload/verify-bundle` with the bundle file's raw bytes (`application/octet-stream`,
 * a type no other site can send without a CORS preflight, which is never granted): the
 * bytes are streamed to a private temporary file — never held as one request body — and
 * the bundle is verified from it by `verifyBundleFile` (artifacts streamed, through the API's
 * own `verifyBundle`), so a 100 MB bundle opens while ordinary API calls keep their 10 MB
 * limit. The file is removed afterwards.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ApiHandlers, ApiResult } from '../../../src-shared/api';
import { ValidationError } from '../../../src-shared/errors';
import { verifyBundleFile } from '../verifyBundleFile';
import { SECURITY_HEADERS } from './csp';
import { httpStatusFor } from './httpStatus';

/** A bundle larger than this is refused before it fills the disk. */
export const MAX_BUNDLE_UPLOAD_BYTES = 1024 * 1024 * 1024;

export async function handleBundleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: ApiHandlers,
  limit = MAX_BUNDLE_UPLOAD_BYTES,
): Promise<void> {
  if (req.method !== 'POST') return send(res, refuse(new ValidationError('use POST to upload a bundle')), 405, { Allow: 'POST' });
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/octet-stream') {
    req.resume();
    return send(
      res,
      refuse(new ValidationError(`Content-Type must be application/octet-stream, got ${JSON.stringify(contentType || '(none)')}`)),
      415,
    );
  }
  if (Number(req.headers['content-length'] ?? NaN) > limit) {
    req.resume();
    return send(res, refuse(new ValidationError(`the bundle exceeds ${limit} bytes`, { limit })), 413, { Connection: 'close' });
  }
  const dir = await mkdtemp(join(tmpdir(), 'abstractruntime-bundle-'));
  try {
    const file = join(dir, 'bundle.json');
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        done(size > limit ? new ValidationError(`the bundle exceeds ${limit} bytes`, { limit }) : null, chunk);
      },
    });
    try {
      await pipeline(req, counted, createWriteStream(file, { mode: 0o600 }));
    } catch (err) {
      if (err instanceof ValidationError) return send(res, refuse(err), 413, { Connection: 'close' });
      throw err;
    }
    const result = await verifyBundleFile(handlers, file);
    send(res, result, result.ok ? 200 : httpStatusFor(result.error.code));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function refuse(err: ValidationError): ApiResult<never> {
  return { ok: false, error: err.toPayload() };
}

function send(res: ServerResponse, result: ApiResult<unknown>, status: number, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
  res.end(JSON.stringify(result));
}

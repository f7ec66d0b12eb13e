/**
 * Verifies a bundle file on this machine through the API's own `verifyBundle`, reading it
 * with artifacts streamed (ledger/bundleFile.ts): the one path behind the web host's
 * `POST /upload/verify-bundle` (after the upload is on disk) and Electron's "Open bundle…"
 * and dropped files, so a 100 MB bundle never crosses IPC or sits whole in memory.
 */
import { stat } from 'node:fs/promises';
import type { ApiHandlers, ApiResponses, ApiResult } from '../../src-shared/api';
import { BUNDLE_PREVIEW_RECORDS, type BundleFileVerdict, type BundlePreview } from '../../src-shared/bundleFile';
import { ImportError, RuntimeError, toErrorPayload } from '../../src-shared/errors';
import { readBundleFile } from '../ledger/bundleFile';
import { dispatch } from './dispatch';

export async function verifyBundleFile(handlers: ApiHandlers, path: string): Promise<ApiResult<BundleFileVerdict>> {
  let bundle: unknown;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ImportError(`${path} is not a file`, { path });
    bundle = await readBundleFile(path);
  } catch (err) {
    const typed = err instanceof RuntimeError ? err : new ImportError(`cannot read ${path}: ${(err as Error).message}`, { path });
    return { ok: false, error: toErrorPayload(typed) };
  }
  const result = await dispatch(handlers, 'verifyBundle', { bundle });
  if (!result.ok) return result;
  const report = result.value as ApiResponses['verifyBundle'];
  return { ok: true, value: { ...report, preview: report.valid ? preview(bundle) : null } };
}

/** A verified bundle has passed the schema: its rows are as bundleSchema says. */
function preview(bundle: unknown): BundlePreview {
  const rows = (bundle as { records: BundlePreview['records'] }).records;
  return {
    records: rows.slice(0, BUNDLE_PREVIEW_RECORDS).map(({ seq, record_hash, signature, body }) => ({ seq, record_hash, signature, body })),
    recordCount: rows.length,
  };
}

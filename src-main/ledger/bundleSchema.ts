/** The shape of an export bundle, checked field by field so a bad file names what is wrong. */
import { z } from 'zod';
import { BundleInvalidError } from '../../src-shared/errors';
import { RUN_ID_PATTERN, RUN_ID_RULE } from '../../src-shared/runId';
import { findUnstorable } from '../../src-shared/storableJson';
import type { ExportBundle } from './bundleFormat';
import { parseJsonExact } from '../../src-shared/exactJson';

const runId = z.string().regex(RUN_ID_PATTERN, `must be a run id (${RUN_ID_RULE})`);

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

const signedHead = z.object({
  run_id: z.string(),
  seq: z.number().int().min(0),
  hash: hex64,
  sig: z.string(),
  public_key: z.string(),
});

const bundleSchema = z.object({
  format: z.literal('abstractruntime-bundle'),
  version: z.literal(1),
  exported_at: z.string(),
  run_id: runId,
  workflow_id: z.string(),
  origin: z.unknown().nullable(),
  state: z.looseObject({
    run_id: runId,
    workflow_id: z.string(),
    ledger_head: z.object({ seq: z.number(), hash: z.string() }).nullable(),
  }),
  records: z.array(
    z.object({
      seq: z.number().int().min(0),
      record_hash: z.string(),
      signature: z.string().nullable(),
      foreign: z.boolean(),
      body: z.string(),
    }),
  ),
  snapshots: z.array(z.looseObject({ snapshot_id: z.string().min(1), run_id: z.string() })),
  artifacts: z.array(z.object({ ref: z.string(), mime: z.string(), size: z.number().int().min(0), base64: z.string() })),
  signing: z.object({ public_key: z.string(), key_id: z.string(), signed_head: signedHead.nullable() }).nullable(),
});

export function parseBundle(input: unknown): ExportBundle {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = parseJsonExact(input, 'bundle');
    } catch (err) {
      throw new BundleInvalidError(`the bundle is not JSON: ${(err as Error).message}`);
    }
  }
  const unstorable = findUnstorable(value, 'bundle');
  if (unstorable) throw new BundleInvalidError(`not a valid AbstractRuntime bundle: ${unstorable.message}`, { field: unstorable.path });
  const parsed = bundleSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ['bundle', ...issue.path.map(String)].join('.');
    throw new BundleInvalidError(`not a valid AbstractRuntime bundle: ${field}: ${issue.message}`, { field });
  }
  return value as ExportBundle;
}

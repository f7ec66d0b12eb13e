/**
 * Importing an export bundle: verified first (an invalid one is refused with the seq and
 * reason), then its run, records, snapshots and artifacts are stored; importing the same
 * bundle twice writes nothing the second time.
 */
import { LedgerInvalidError } from '../../src-shared/errors';
import type { RunState } from '../../src-shared/types';
import type { ArtifactStore, RuntimeStore, SnapshotStore } from '../runtime/contracts';
import type { ExportBundle } from './bundle';
import { verifyBundle } from './bundle';
import { parseBundle } from './bundleSchema';
import { writeImportedRun, type ImportResult } from './importRun';

type ImportStore = RuntimeStore & Partial<SnapshotStore> & Partial<ArtifactStore> & { saveSignedHead?(h: unknown): void };

export function importBundle(store: ImportStore, input: unknown, opts: { now?: Date; path?: string | null } = {}): ImportResult {
  const bundle = parseBundle(input);
  const report = verifyBundle(bundle);
  if (!report.valid)
    throw new LedgerInvalidError(`the bundle does not verify: ${report.message}`, { seq: report.firstBadSeq, reason: report.reason });
  for (const a of bundle.artifacts) store.putArtifact?.(Buffer.from(a.base64, 'base64'), a.mime);
  const result = writeImportedRun(store, importedState(bundle, opts), bundle.records);
  for (const s of bundle.snapshots) if (store.getSnapshot && !store.getSnapshot(s.snapshot_id)) store.saveSnapshot?.(s);
  if (bundle.signing?.signed_head && store.saveSignedHead) store.saveSignedHead(bundle.signing.signed_head);
  return result;
}

function importedState(bundle: ExportBundle, opts: { now?: Date; path?: string | null }): RunState {
  const source = bundle.origin?.kind === 'import' ? bundle.origin.source : 'bundle';
  return {
    ...bundle.state,
    origin: { kind: 'import', source, imported_at: (opts.now ?? new Date()).toISOString(), path: opts.path ?? null },
  };
}

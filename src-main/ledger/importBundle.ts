/**
 * Importing an export bundle: verified first (an invalid one is refused with the seq and
 * reason), and it may only touch its own run: every snapshot must belong to it, a snapshot
 * id already stored must hold the same snapshot, and nothing stored is replaced (see
 * importPlan). Everything is checked before anything is written; run, records, snapshots
 * and signed head are then written in one transaction. Importing the same bundle twice
 * writes nothing the second time.
 */
import { ImportError, LedgerInvalidError } from '../../src-shared/errors';
import { canonicalJson } from '../../src-shared/canonicalJson';
import type { RunState, SignedHead, Snapshot } from '../../src-shared/types';
import type { ArtifactStore, RuntimeStore, SnapshotStore } from '../runtime/contracts';
import type { ExportBundle } from './bundle';
import { verifyBundle } from './bundle';
import { parseBundle } from './bundleSchema';
import { isStreamedBundle } from './bundleFile';
import { writeImportedRun, type ImportResult } from './importRun';

type ImportStore = RuntimeStore &
  Partial<SnapshotStore> &
  Partial<ArtifactStore> & { saveSignedHead?(h: SignedHead): void; getSignedHead?(runId: string): SignedHead | null };

export function importBundle(store: ImportStore, input: unknown, opts: { now?: Date; path?: string | null } = {}): ImportResult {
  // Its artifacts were hashed and dropped while it was read: there is nothing to store.
  if (isStreamedBundle(input)) throw new ImportError('a bundle read for verification only cannot be imported: import it from its file');
  const bundle = parseBundle(input);
  const report = verifyBundle(bundle);
  if (!report.valid)
    throw new LedgerInvalidError(`the bundle does not verify: ${report.message}`, { seq: report.firstBadSeq, reason: report.reason });
  const snapshots = newSnapshots(store, bundle.run_id, bundle.snapshots);
  // Content-addressed (verified against their hashes): storing one touches no other run.
  for (const a of bundle.artifacts) store.putArtifact?.(Buffer.from(a.base64, 'base64'), a.mime);
  return writeImportedRun(store, importedState(bundle, opts), bundle.records, {
    snapshots,
    signedHead: bundle.signing?.signed_head ?? null,
  });
}

/** The bundle's snapshots not stored yet; refuses one of another run, or one whose id is taken by a different snapshot. */
function newSnapshots(store: ImportStore, runId: string, snapshots: Snapshot[]): Snapshot[] {
  const fresh: Snapshot[] = [];
  for (const s of snapshots) {
    if (s.run_id !== runId || (s.state as { run_id?: unknown } | undefined)?.run_id !== runId)
      throw new ImportError(
        `snapshot ${s.snapshot_id} belongs to run ${String(s.state?.run_id ?? s.run_id)}, not to the bundle's run ${runId}: nothing was imported`,
        {
          snapshotId: s.snapshot_id,
          runId,
        },
      );
    const stored = store.getSnapshot?.(s.snapshot_id) ?? null;
    if (!stored) fresh.push(s);
    else if (canonicalJson(stored as never) !== canonicalJson(s as never))
      throw new ImportError(`snapshot ${s.snapshot_id} already exists here with other content: nothing was imported`, {
        snapshotId: s.snapshot_id,
      });
  }
  return fresh;
}

function importedState(bundle: ExportBundle, opts: { now?: Date; path?: string | null }): RunState {
  const source = bundle.origin?.kind === 'import' ? bundle.origin.source : 'bundle';
  return {
    ...bundle.state,
    origin: { kind: 'import', source, imported_at: (opts.now ?? new Date()).toISOString(), path: opts.path ?? null },
  };
}

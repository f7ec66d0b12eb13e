/**
 * `abstractruntime copy`: every run of one database into another (SQLite <-> PostgreSQL),
 * with its ledger rows exactly as stored (hashed bytes, foreign bodies, signatures), its
 * snapshots, the artifacts it references and its signed head.
 *
 * Everything is checked before anything is written: each source chain verifies, and no
 * target run of the same id holds a different ledger (it is named, and the target stays
 * unchanged). A run already in the target with the same head is left as it is, so a copy
 * cut short can be run again. Each copied run is verified again in the target.
 */
import { ImportError, LedgerInvalidError } from '../../src-shared/errors';
import type { Snapshot } from '../../src-shared/types';
import type { ArtifactStore, LedgerStore, ProvenanceStore, RunStore, RuntimeStore, SnapshotStore } from '../runtime/storeContract';
import { referencedArtifacts } from './bundle';
import { writeImportedRun } from './importRun';
import { ledgerRows, verifyRunLedger } from './verifyRunLedger';

type CopySource = RunStore & LedgerStore & SnapshotStore & ArtifactStore & Partial<Pick<ProvenanceStore, 'getSignedHead'>>;
type CopyTarget = RuntimeStore & SnapshotStore & ArtifactStore & Partial<ProvenanceStore>;

export interface CopyReport {
  /** Runs written to the target. */
  copied: string[];
  /** Runs the target already held with the same ledger. */
  alreadyThere: string[];
  records: number;
  snapshots: number;
  artifacts: number;
}

const LIST_PAGE = 500;

export function copyRuns(from: CopySource, to: CopyTarget, opts: { fromLabel: string; toLabel: string }): CopyReport {
  const ids = allRunIds(from);
  const report: CopyReport = { copied: [], alreadyThere: [], records: 0, snapshots: 0, artifacts: 0 };
  const todo: string[] = [];
  for (const runId of ids) {
    const verified = verifyRunLedger(from, runId);
    if (!verified.valid)
      throw new LedgerInvalidError(`run ${runId} in ${opts.fromLabel} does not verify (${verified.message}); nothing was copied`, {
        runId,
      });
    const head = from.getRun(runId)!.ledger_head;
    const there = to.getRun(runId);
    if (!there) todo.push(runId);
    else if (there.ledger_head?.seq === head?.seq && there.ledger_head?.hash === head?.hash) report.alreadyThere.push(runId);
    else
      throw new ImportError(
        `run ${runId} already exists in ${opts.toLabel} with a different ledger: refusing to overwrite it; nothing was copied`,
        { runId },
      );
  }
  for (const runId of todo) {
    const state = from.getRun(runId)!;
    const rows = [...ledgerRows(from, runId)];
    const snapshots = from
      .searchSnapshots({ runId })
      .map((s) => from.getSnapshot(s.snapshot_id))
      .filter((s): s is Snapshot => !!s)
      .reverse();
    const refs = referencedArtifacts([JSON.stringify(state), JSON.stringify(snapshots), ...rows.map((r) => r.body)]);
    for (const ref of refs) {
      if (to.hasArtifact(ref)) continue;
      const { bytes, mime } = from.getArtifact(ref);
      to.putArtifact(bytes, mime);
      report.artifacts++;
    }
    writeImportedRun(to, state, rows, { snapshots, signedHead: from.getSignedHead?.(runId) ?? null });
    const check = verifyRunLedger(to, runId);
    if (!check.valid)
      throw new LedgerInvalidError(`run ${runId} does not verify after copying it to ${opts.toLabel} (${check.message})`, { runId });
    report.copied.push(runId);
    report.records += rows.length;
    report.snapshots += snapshots.length;
  }
  return report;
}

function allRunIds(store: RunStore): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = store.listRuns({ limit: LIST_PAGE, ...(cursor ? { cursor } : {}) });
    ids.push(...page.runs.map((r) => r.run_id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
}

/**
 * The open-time check against the anchor file: every anchored run must still reach its
 * signed head. Returns the runs that do not (a database restored from an old copy, or cut
 * short by a lost WAL tail), so the host can warn before anything is appended.
 */
import type { VerifyReport } from '../../src-shared/types';
import type { LedgerStore, RunStore } from '../runtime/contracts';
import { readAnchors } from './anchors';
import { verifyRunLedger } from './verifyRunLedger';

export interface AnchorProblem {
  runId: string;
  report: VerifyReport;
}

export function checkAnchors(store: RunStore & LedgerStore, anchorPath: string): AnchorProblem[] {
  const problems: AnchorProblem[] = [];
  for (const [runId, head] of Object.entries(readAnchors(anchorPath))) {
    if (!store.getRun(runId)) {
      problems.push({
        runId,
        report: {
          valid: false,
          records: 0,
          firstBadSeq: 0,
          reason: 'truncated',
          message: `run ${runId} is missing, but a signed head vouches for its seq ${head.seq}: the database was rolled back`,
          signed: null,
        },
      });
      continue;
    }
    const report = verifyRunLedger(store, runId, { anchor: head });
    if (!report.valid) problems.push({ runId, report });
  }
  return problems;
}

/**
 * The open-time check against the anchor file: every anchored run must still reach its
 * signed head. Returns the runs that do not (a database restored from an old copy, or cut
 * short by a lost WAL tail), so the host can warn before anything is appended.
 *
 * It reads two records per anchored run, not whole ledgers: opening the app must not cost
 * a full verification of every signed run. `verifyRunLedger` (with the anchor) does the
 * full check when a run is verified.
 */
import type { SignedHead, VerifyFailureReason, VerifyReport } from '../../src-shared/types';
import type { LedgerStore, RunStore } from '../runtime/contracts';
import { readAnchorsReport } from './anchors';
import { verifySignedHead } from './signing';

export interface AnchorProblem {
  runId: string;
  report: VerifyReport;
}

export function checkAnchors(store: RunStore & LedgerStore, anchorPath: string): AnchorProblem[] {
  const problems: AnchorProblem[] = [];
  const { heads, problem } = readAnchorsReport(anchorPath);
  // Reported, never fatal: the database must still open for reading and verification.
  if (problem)
    problems.push({
      runId: '',
      report: { valid: false, records: 0, firstBadSeq: null, reason: 'malformed', message: problem, signed: null },
    });
  for (const [runId, head] of Object.entries(heads)) {
    const report = checkAnchor(store, runId, head);
    if (report) problems.push({ runId, report });
  }
  return problems;
}

function checkAnchor(store: RunStore & LedgerStore, runId: string, head: SignedHead): VerifyReport | null {
  if (!store.getRun(runId))
    return problem(
      0,
      0,
      'truncated',
      `run ${runId} is missing, but a signed head vouches for its seq ${head.seq}: the database was rolled back`,
    );
  if (head.run_id !== runId || !verifySignedHead(head))
    return problem(0, head.seq, 'bad_signature', `the anchored head of run ${runId} (seq ${head.seq}) does not verify`);
  const { records: last, total } = store.readLedger(runId, { fromEnd: true, limit: 1 });
  const lastSeq = last[0]?.seq ?? -1;
  if (lastSeq < head.seq)
    return problem(
      total,
      lastSeq + 1,
      'truncated',
      `the ledger ends at seq ${lastSeq} but a signed head vouches for seq ${head.seq}: records were lost or rolled back`,
    );
  const atHead = store.readLedger(runId, { afterSeq: head.seq - 1, limit: 1 }).records[0];
  if (atHead?.seq !== head.seq || atHead.record_hash !== head.hash)
    return problem(
      total,
      head.seq,
      'truncated',
      `record ${head.seq} differs from the signed head: the ledger was rolled back and rewritten`,
    );
  return null;
}

function problem(records: number, seq: number, reason: VerifyFailureReason, message: string): VerifyReport {
  return { valid: false, records, firstBadSeq: seq, reason, message, signed: null };
}

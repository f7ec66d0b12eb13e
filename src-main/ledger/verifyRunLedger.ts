/**
 * Verifies a stored run. Stores that keep the hashed bytes (SqliteStore) are verified by
 * hashing those bytes; others by re-canonicalizing each record. The strongest head known
 * (the given anchor, the anchor file, or the head saved in the DB, whichever is furthest)
 * is what the ledger must still reach.
 */
import type { LedgerRecord, RunState, SignedHead, VerifyReport } from '../../src-shared/types';
import type { LedgerStore, ProvenanceStore, RunStore } from '../runtime/storeContract';
import { readAnchorsReport } from './anchors';
import { chainRowFromRecord, type ChainRow } from './chainRow';
import { verifyChain, type ChainRowSource } from './verifyChain';

export type RawLedgerSource = Pick<ProvenanceStore, 'iterateLedgerRows'>;

export type SignedHeadSource = Pick<ProvenanceStore, 'getSignedHead'>;

export interface VerifyRunOptions {
  anchor?: SignedHead | null;
  /** An anchor file (`<db>.anchors.json`) to read this run's head from. */
  anchorPath?: string | null;
  publicKey?: string | null;
}

export function ledgerRows(store: LedgerStore, runId: string): Iterable<ChainRow> {
  if (hasRawRows(store)) return store.iterateLedgerRows(runId);
  return mapIter(store.iterateLedger(runId), chainRowFromRecord);
}

export function verifyRunLedger(store: LedgerStore, runId: string, opts: VerifyRunOptions = {}): VerifyReport {
  const anchors = opts.anchorPath ? readAnchorsReport(opts.anchorPath) : null;
  const report = verifyWithHeads(store, runId, opts, anchors?.heads[runId] ?? null);
  // An unreadable anchor file must not stop verification; it is said, since a rollback could hide behind it.
  return anchors?.problem ? { ...report, message: `${report.message} (not checked against the anchor file: ${anchors.problem})` } : report;
}

function verifyWithHeads(store: LedgerStore, runId: string, opts: VerifyRunOptions, anchored: SignedHead | null): VerifyReport {
  const heads = [opts.anchor ?? null, anchored, hasSignedHeads(store) ? store.getSignedHead(runId) : null].filter(
    (h): h is SignedHead => !!h,
  );
  const signedHead = heads.sort((a, b) => b.seq - a.seq)[0] ?? null;
  const rows: ChainRowSource = hasRowScan(store) ? (visit) => store.scanLedgerRows(runId, visit) : ledgerRows(store, runId);
  const headNow = () => (hasRuns(store) ? (store.getRun(runId)?.ledger_head ?? null) : undefined);
  let stateHead = headNow();
  let report = verifyChain(rows, { signedHead, publicKey: opts.publicKey ?? null, runId, stateHead });
  // The run's head and its ledger are separate reads, not one snapshot: another process's
  // commit landing between them reads as records past the head. Such a commit moves the head
  // too, so read again while it moves; damage does not go away by reading it again.
  for (let again = 0; !report.valid && again < HEAD_REREADS; again++) {
    const moved = headNow();
    if (moved === undefined || sameHead(moved, stateHead)) break;
    stateHead = moved;
    report = verifyChain(rows, { signedHead, publicKey: opts.publicKey ?? null, runId, stateHead });
  }
  return report;
}

const HEAD_REREADS = 5;

function sameHead(a: RunState['ledger_head'] | undefined, b: RunState['ledger_head'] | undefined): boolean {
  return (a?.seq ?? null) === (b?.seq ?? null) && (a?.hash ?? null) === (b?.hash ?? null);
}

function hasRawRows(store: object): store is RawLedgerSource {
  return typeof (store as Partial<RawLedgerSource>).iterateLedgerRows === 'function';
}

function hasRowScan(store: object): store is Pick<ProvenanceStore, 'scanLedgerRows'> {
  return typeof (store as Partial<ProvenanceStore>).scanLedgerRows === 'function';
}

function hasRuns(store: object): store is Pick<RunStore, 'getRun'> {
  return typeof (store as Partial<RunStore>).getRun === 'function';
}

function hasSignedHeads(store: object): store is SignedHeadSource {
  return typeof (store as Partial<SignedHeadSource>).getSignedHead === 'function';
}

function* mapIter(it: Iterable<LedgerRecord>, f: (r: LedgerRecord) => ChainRow): Iterable<ChainRow> {
  for (const r of it) yield f(r);
}

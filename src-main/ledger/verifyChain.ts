/**
 * Checks one run's hash chain (DESIGN.md §5): rows in seq order, each body hashing to its
 * `record_hash`, each `prev_hash` naming the record before, seq numbers contiguous from 0
 * and equal to the seq inside the hashed body; signatures when present; and, given a signed
 * head, that the ledger still reaches it (a ledger cut short or rolled back is `truncated`).
 * Stops at the first failure and says which seq and why.
 */
import type { KeyObject } from 'node:crypto';
import type { SignedHead, VerifyFailureReason, VerifyReport } from '../../src-shared/types';
import { sha256Hex } from '../runtime/sha256';
import { NO_RECORD_HASH, bodyLinksTo, bodyRunIdIs, readBodyLink, type ChainRow } from './chainRow';
import { keyIdOf, publicKeyFromBase64, verifyRecordSignature, verifySignedHead } from './signing';

export interface VerifyChainOptions {
  /**
   * Base64 raw Ed25519 key for record signatures when there is no signed head; with a head,
   * the head's own key is used (an imported run keeps its original signer's key).
   */
  publicKey?: string | null;
  /** The latest signed head known for this run (DB, anchor file or bundle). */
  signedHead?: SignedHead | null;
  /** The run the rows must belong to: every record's `run_id` and the signed head's are checked against it. */
  runId?: string;
  /**
   * Where the run's own state says its ledger ends (unsigned, same database): catches rows
   * that became unreadable or vanished while the run row survived.
   */
  stateHead?: { seq: number; hash: string } | null;
}

interface Failure {
  seq: number | null;
  reason: VerifyFailureReason;
  message: string;
}

class ChainWalk {
  count = 0;
  failure: Failure | null = null;
  signedRecords = 0;
  /** A signature covers its record and, through the chain, every record before it. */
  lastSignedSeq = -1;
  unverifiedSignatures = 0;
  lastSeq = -1;
  prevHash: string | null = null;
  hashAtHead: string | null = null;
  /** Decided by the first record: a ledger is chained throughout or not at all. */
  unchained: boolean | null = null;

  constructor(
    private readonly key: KeyObject | null,
    private readonly headSeq: number | null,
    private readonly runId: string | null,
  ) {}

  visit(row: ChainRow): void {
    this.count++;
    if (this.failure) return;
    this.failure = this.check(row);
    if (this.failure) return;
    this.prevHash = row.record_hash;
    this.lastSeq = row.seq;
    if (row.seq === this.headSeq) this.hashAtHead = row.record_hash;
  }

  private check(row: ChainRow): Failure | null {
    const link = this.checkLink(row);
    if (link) return link;
    // A chain is only evidence about its own run: another run's intact ledger must not pass for this one.
    if (this.runId !== null && !bodyRunIdIs(row.body, this.runId, row.foreign))
      return fail(row.seq, 'malformed', `record ${row.seq} belongs to another run (its run_id is not ${this.runId})`);
    return this.checkSignature(row);
  }

  private checkLink(row: ChainRow): Failure | null {
    const expected = this.lastSeq + 1;
    if (row.seq > expected) return fail(expected, 'gap', `record ${expected} is missing (next record is ${row.seq})`);
    if (row.seq < expected) return fail(row.seq, 'reorder', `record ${row.seq} appears after record ${this.lastSeq}`);
    const noHash = row.record_hash === NO_RECORD_HASH;
    this.unchained ??= noHash;
    if (noHash !== this.unchained)
      return fail(
        row.seq,
        'malformed',
        noHash
          ? `record ${row.seq} has no record_hash although the records before it are hash-chained`
          : `record ${row.seq} has a record_hash although the records before it were written without one`,
      );
    if (noHash) return null;
    if (!row.foreign && bodyLinksTo(row.body, this.prevHash, row.seq)) {
      if (sha256Hex(row.body) !== row.record_hash)
        return fail(row.seq, 'hash_mismatch', `record ${row.seq} does not match its record_hash: its content was changed`);
      return null;
    }
    const link = readBodyLink(row.body, !row.foreign);
    if (link.prev === undefined) return fail(row.seq, 'malformed', `record ${row.seq} has no prev_hash`);
    if (!row.foreign && link.seq !== row.seq)
      return fail(row.seq, 'reorder', `record at position ${row.seq} says it is record ${link.seq ?? '(none)'}`);
    if (sha256Hex(row.body) !== row.record_hash)
      return fail(row.seq, 'hash_mismatch', `record ${row.seq} does not match its record_hash: its content was changed`);
    if (link.prev !== this.prevHash)
      return fail(row.seq, 'broken_link', `record ${row.seq} does not link to the record before it (prev_hash differs)`);
    return null;
  }

  private checkSignature(row: ChainRow): Failure | null {
    if (!row.signature) return null;
    this.signedRecords++;
    this.lastSignedSeq = row.seq;
    if (!this.key) {
      this.unverifiedSignatures++;
      return null;
    }
    if (!verifyRecordSignature(row.record_hash, row.signature, this.key))
      return fail(row.seq, 'bad_signature', `the signature of record ${row.seq} does not verify with the public key`);
    return null;
  }
}

function fail(seq: number | null, reason: VerifyFailureReason, message: string): Failure {
  return { seq, reason, message };
}

/** Rows pushed one by one into `visit` (a store scanning its pages), or any iterable of rows. */
export type ChainRowSource = Iterable<ChainRow> | ((visit: (row: ChainRow) => void) => void);

export function verifyChain(rows: ChainRowSource, opts: VerifyChainOptions = {}): VerifyReport {
  const head = opts.signedHead ?? null;
  const publicKey = head?.public_key ?? opts.publicKey ?? null;
  const headProblem = checkHead(head, opts.runId);
  if (headProblem) return report(0, headProblem, null);
  const walk = new ChainWalk(publicKey ? publicKeyFromBase64(publicKey) : null, head?.seq ?? null, opts.runId ?? null);
  if (typeof rows === 'function') rows((row) => walk.visit(row));
  else for (const row of rows) walk.visit(row);
  const failure = walk.failure ?? checkReachesHead(walk, head) ?? checkStateHead(walk, opts.stateHead) ?? checkChained(walk);
  const signed =
    publicKey && (head || walk.signedRecords > 0)
      ? { publicKey, signedSeq: head ? head.seq : walk.lastSignedSeq, keyId: keyIdOf(publicKey) }
      : null;
  return report(walk.count, failure, signed, walk.unverifiedSignatures);
}

function checkHead(head: SignedHead | null, runId: string | undefined): Failure | null {
  if (!head) return null;
  if (runId !== undefined && head.run_id !== runId)
    return fail(head.seq, 'bad_signature', `the signed head belongs to run ${head.run_id}, not ${runId}`);
  if (!verifySignedHead(head)) return fail(head.seq, 'bad_signature', `the signed head (seq ${head.seq}) does not verify`);
  return null;
}

function checkReachesHead(walk: ChainWalk, head: SignedHead | null): Failure | null {
  if (!head) return null;
  if (walk.lastSeq < head.seq)
    return fail(
      walk.lastSeq + 1,
      'truncated',
      `the ledger ends at seq ${walk.lastSeq} but a signed head vouches for seq ${head.seq}: records were lost or rolled back`,
    );
  if (walk.hashAtHead !== head.hash)
    return fail(head.seq, 'truncated', `record ${head.seq} differs from the signed head: the ledger was rolled back and rewritten`);
  return null;
}

function checkStateHead(walk: ChainWalk, stateHead: VerifyChainOptions['stateHead']): Failure | null {
  if (stateHead === undefined) return null;
  const seq = stateHead?.seq ?? -1;
  if (walk.lastSeq < seq)
    return fail(
      walk.lastSeq + 1,
      'truncated',
      `the run's state says its ledger reaches seq ${seq}, but it ends at seq ${walk.lastSeq}: records are missing`,
    );
  if (walk.lastSeq > seq)
    return fail(
      seq + 1,
      'malformed',
      `the ledger continues past the run's recorded head (seq ${seq}): records were added outside a commit`,
    );
  if (seq >= 0 && walk.prevHash !== stateHead!.hash)
    return fail(seq, 'hash_mismatch', `record ${seq} differs from the head recorded in the run's state`);
  return null;
}

/** Not broken, not valid either: without hashes nothing can tell a changed record from the original. */
function checkChained(walk: ChainWalk): Failure | null {
  if (!walk.unchained) return null;
  return fail(
    null,
    'unchained',
    `no hash chain: integrity cannot be checked (${walk.count} record${walk.count === 1 ? '' : 's'} written without record_hash)`,
  );
}

function report(records: number, failure: Failure | null, signed: VerifyReport['signed'], unverifiedSignatures = 0): VerifyReport {
  if (failure) return { valid: false, records, firstBadSeq: failure.seq, reason: failure.reason, message: failure.message, signed };
  const parts = [`valid: ${records} record${records === 1 ? '' : 's'}, hash chain intact`];
  if (signed) parts.push(`signed by key ${signed.keyId} up to seq ${signed.signedSeq}`);
  if (unverifiedSignatures) parts.push(`${unverifiedSignatures} signatures not checked (no public key given)`);
  return { valid: true, records, firstBadSeq: null, reason: null, message: parts.join('; '), signed };
}

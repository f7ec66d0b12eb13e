/**
 * The hash chain rule shared with AbstractRuntime (Python):
 * record_hash = sha256(canonical JSON of the record without record_hash and signature).
 */
import type { LedgerHead, LedgerRecord } from '../../src-shared/types';
import { canonicalRecordBody, writeRecordShape } from './recordCanonical';
import { hashCanonical, sha256Hex } from './sha256';

export type RecordBody = Omit<LedgerRecord, 'record_hash' | 'signature' | 'prev_hash' | 'seq'>;
/** Signs a record hash (hex) and returns the signature (e.g. base64 Ed25519). */
export type RecordSigner = (recordHash: string) => string | null;

/**
 * The canonical text each sealed record was hashed from: a store keeps these exact bytes
 * and need not canonicalize the record a second time (canonicalizing costs several times
 * more than hashing). Weak, so records that are dropped take their text with them.
 */
const sealedBodies = new WeakMap<LedgerRecord, { body: string; hash: string; seq: number; prev: string | null; runId: string }>();

export function hashRecord(record: Omit<LedgerRecord, 'record_hash' | 'signature'> | LedgerRecord): string {
  const { record_hash: _h, signature: _s, ...body } = record as LedgerRecord;
  return hashCanonical(body);
}

/** Chains a record body after `prevHead` (null for a run's first record) and seals it. */
export function sealRecord(body: RecordBody, prevHead: LedgerHead | null, signer?: RecordSigner): LedgerRecord {
  const { record_hash: _h, signature: _s, ...clean } = body as RecordBody & Partial<Pick<LedgerRecord, 'record_hash' | 'signature'>>;
  const unsealed = { ...clean, seq: prevHead ? prevHead.seq + 1 : 0, prev_hash: prevHead ? prevHead.hash : null };
  const text = canonicalRecordBody(unsealed);
  const record_hash = sha256Hex(text);
  const record: LedgerRecord = { ...unsealed, record_hash, signature: signer ? signer(record_hash) : null };
  sealedBodies.set(record, { body: text, hash: record_hash, seq: unsealed.seq, prev: unsealed.prev_hash, runId: unsealed.run_id });
  return record;
}

/**
 * sealRecord for the kernel's own bodies (RunTx builds every one with exactly the record
 * keys, none undefined): no shape checks, no spreads. Same bytes, same hash.
 */
export function sealKernelRecord(b: RecordBody, prevHead: LedgerHead | null, signer?: RecordSigner): LedgerRecord {
  const seq = prevHead ? prevHead.seq + 1 : 0;
  const prev_hash = prevHead ? prevHead.hash : null;
  // Built in the record's key order, then sealed in place (no second copy of the object).
  const fields = {
    run_id: b.run_id,
    step_id: b.step_id,
    node_id: b.node_id,
    status: b.status,
    kind: b.kind,
    effect: b.effect,
    result: b.result,
    error: b.error,
    started_at: b.started_at,
    ended_at: b.ended_at,
    actor_id: b.actor_id,
    actor: b.actor,
    attempt: b.attempt,
    idempotency_key: b.idempotency_key,
    seq,
    prev_hash,
  };
  const text = writeRecordShape(fields);
  const record_hash = sha256Hex(text);
  // Appended after the hashed keys: the same key order as `{...unsealed, record_hash, signature}`.
  const record: LedgerRecord = Object.assign(fields, { record_hash, signature: signer ? signer(record_hash) : null });
  sealedBodies.set(record, { body: text, hash: record_hash, seq, prev: prev_hash, runId: b.run_id });
  return record;
}

/**
 * The canonical body `sealRecord` hashed for this very record object, or undefined (a record
 * built elsewhere, or one whose hash, seq, link or run was changed since: canonicalize it instead).
 */
export function canonicalBodyOf(record: LedgerRecord): string | undefined {
  const sealed = sealedBodies.get(record);
  if (!sealed) return undefined;
  const same =
    sealed.hash === record.record_hash && sealed.seq === record.seq && sealed.prev === record.prev_hash && sealed.runId === record.run_id;
  return same ? sealed.body : undefined;
}

/**
 * The hash chain rule shared with AbstractRuntime (Python):
 * record_hash = sha256(canonical JSON of the record without record_hash and signature).
 */
import type { LedgerHead, LedgerRecord } from '../../src-shared/types';
import { hashCanonical } from './sha256';

export type RecordBody = Omit<LedgerRecord, 'record_hash' | 'signature' | 'prev_hash' | 'seq'>;
/** Signs a record hash (hex) and returns the signature (e.g. base64 Ed25519). */
export type RecordSigner = (recordHash: string) => string | null;

export function hashRecord(record: Omit<LedgerRecord, 'record_hash' | 'signature'> | LedgerRecord): string {
  const { record_hash: _h, signature: _s, ...body } = record as LedgerRecord;
  return hashCanonical(body);
}

/** Chains a record body after `prevHead` (null for a run's first record) and seals it. */
export function sealRecord(body: RecordBody, prevHead: LedgerHead | null, signer?: RecordSigner): LedgerRecord {
  const unsealed = { ...body, seq: prevHead ? prevHead.seq + 1 : 0, prev_hash: prevHead ? prevHead.hash : null };
  const record_hash = hashRecord(unsealed);
  return { ...unsealed, record_hash, signature: signer ? signer(record_hash) : null };
}

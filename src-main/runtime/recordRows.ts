/**
 * How a ledger record lives in a row: `body` holds the exact canonical JSON that was hashed
 * (the record minus `record_hash` and `signature`), so verifying hashes those bytes and
 * never re-canonicalizes. Rows from another runtime (`foreign`) keep their own body, which
 * has no `seq` / `kind` / `actor`: those are filled in for display, never hashed.
 */
import { canonicalJson } from '../../src-shared/canonicalJson';
import { StoreError } from '../../src-shared/errors';
import type { LedgerRecord, RecordKind } from '../../src-shared/types';
import type { StoredRecordRow } from './storeContract';
import { canonicalBodyOf } from './recordHash';
import { sha256Hex } from './sha256';
import { parsePlainJson } from '../../src-shared/losslessJson';
import { readForeignJson, readJsonExact } from '../../src-shared/exactJson';

export function bodyOf(record: LedgerRecord): string {
  const { record_hash: _h, signature: _s, ...body } = record;
  return canonicalJson(body);
}

/** The row for one of our records; refuses a record whose hash does not match its body. */
export function rowFromRecord(record: LedgerRecord): StoredRecordRow {
  // A record sealed in this process brings the text it was hashed from (and its hash matched).
  const sealed = canonicalBodyOf(record);
  const body = sealed ?? bodyOf(record);
  if (sealed === undefined && sha256Hex(body) !== record.record_hash)
    throw new StoreError(`record ${record.seq} of run ${record.run_id} does not match its record_hash`, {
      runId: record.run_id,
      seq: record.seq,
    });
  return { seq: record.seq, record_hash: record.record_hash, signature: record.signature ?? null, body, foreign: false };
}

export function recordFromRow(row: StoredRecordRow): LedgerRecord {
  if (!row.foreign)
    return { ...(readJsonExact(row.body) as unknown as LedgerRecord), record_hash: row.record_hash, signature: row.signature };
  const body = foreignBody(row.body) as Partial<LedgerRecord>;
  return {
    ...(body as LedgerRecord),
    seq: row.seq,
    kind: body.kind ?? foreignKind(body),
    actor: body.actor ?? null,
    record_hash: row.record_hash,
    signature: row.signature,
  };
}

/**
 * A foreign body's values with Python's numbers as written (`1.0`, `-0.0`, 2^53+1; NaN by
 * name). A number no value here can hold (imports refuse those now) is shown as a double.
 */
function foreignBody(body: string): unknown {
  try {
    return readForeignJson(body);
  } catch {
    return parsePlainJson(body);
  }
}

/** What a Python StepRecord is, for display: effect attempts, else the run's end or a move. */
function foreignKind(body: Partial<LedgerRecord>): RecordKind {
  if (body.effect) return 'effect';
  if (body.status === 'completed') return 'completed';
  if (body.status === 'failed') return 'failed';
  return 'transition';
}

/**
 * A run's records as one JSON array whose numbers are exactly the hashed ones (`1.0`,
 * `-0.0`, `1e-07`, integers past 2^53 stay as written), for `ledger --json`. Each record is
 * its stored canonical body with the display fields around it, never re-serialized from
 * doubles. A body JSON cannot hold (Python's NaN / Infinity) falls back to the plain record.
 */
import { canonicalJson } from '../../src-shared/canonicalJson';
import type { LedgerStore } from '../runtime/contracts';
import { recordFromRow } from '../runtime/recordRows';
import { NO_RECORD_HASH, type ChainRow } from './chainRow';
import { ledgerRows } from './verifyRunLedger';

export function exactRecordsJson(store: LedgerStore, runId: string): string {
  const out: string[] = [];
  for (const row of ledgerRows(store, runId)) out.push(exactRecordJson(row));
  return `[${out.join(',\n')}]`;
}

function exactRecordJson(row: ChainRow): string {
  const record = recordFromRow(row);
  try {
    JSON.parse(row.body);
  } catch {
    return JSON.stringify(record);
  }
  const hash = row.record_hash === NO_RECORD_HASH ? 'null' : JSON.stringify(row.record_hash);
  const tail = `"record_hash":${hash},"signature":${row.signature === null ? 'null' : JSON.stringify(row.signature)}`;
  // Foreign bodies lack seq / kind / actor: they are shown, not hashed, so they go in front.
  const head = row.foreign ? `"seq":${row.seq},"kind":${JSON.stringify(record.kind)},"actor":${canonicalJson(record.actor as never)},` : '';
  if (row.body === '{}') return `{${head}${tail}}`;
  return `{${head}${row.body.slice(1, -1)},${tail}}`;
}

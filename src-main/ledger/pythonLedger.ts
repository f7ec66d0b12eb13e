/**
 * The Python runtime's JSON-file store (`run_<id>.json` + `ledger_<id>.jsonl`): reading its
 * ledger into chain rows whose bodies re-canonicalize to the exact bytes Python hashed
 * (numbers kept as written), and writing our ledger as such a file for Python to verify.
 * Lines are split on "\n" only: records may contain U+2028, which is not a line break there.
 */
import { readFileSync } from 'node:fs';
import { canonicalJson, type CanonicalInput } from '../../src-shared/canonicalJson';
import type { VerifyReport } from '../../src-shared/types';
import type { LedgerStore } from '../runtime/contracts';
import { NO_RECORD_HASH, type ChainRow } from './chainRow';
import { parseJsonLossless } from '../../src-shared/losslessJson';
import { verifyChain } from './verifyChain';
import { ledgerRows } from './verifyRunLedger';

export interface ParsedPythonLedger {
  rows: ChainRow[];
  /** The first line that is not a JSON object with a string (or, unchained, null) record_hash. */
  malformed: { seq: number; line: number; message: string } | null;
}

export function parsePythonLedger(text: string): ParsedPythonLedger {
  const rows: ChainRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (!line.trim()) continue;
    try {
      rows.push(rowFromPythonRecord(parseJsonLossless(line), rows.length));
    } catch (err) {
      return { rows, malformed: { seq: rows.length, line: i + 1, message: (err as Error).message } };
    }
  }
  return { rows, malformed: null };
}

export function rowFromPythonRecord(value: CanonicalInput, seq: number): ChainRow {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('a record must be a JSON object');
  const { record_hash, signature, ...body } = value as Record<string, CanonicalInput>;
  if (record_hash === null && body.prev_hash === null)
    return { seq, record_hash: NO_RECORD_HASH, signature: null, body: canonicalJson(body), foreign: true };
  if (typeof record_hash !== 'string' || record_hash === NO_RECORD_HASH) throw new Error('the record has no record_hash');
  return {
    seq,
    record_hash,
    signature: typeof signature === 'string' ? signature : null,
    body: canonicalJson(body),
    foreign: true,
  };
}

export function verifyPythonLedgerText(text: string): VerifyReport {
  const { rows, malformed } = parsePythonLedger(text);
  const report = verifyChain(rows);
  if (!malformed || !report.valid) return report;
  return {
    valid: false,
    records: rows.length,
    firstBadSeq: malformed.seq,
    reason: 'malformed',
    message: `line ${malformed.line} (record ${malformed.seq}) is not a ledger record: ${malformed.message}`,
    signed: null,
  };
}

/** Verifies a Python `ledger_<id>.jsonl` exactly as the Python runtime computes the chain. */
export function verifyPythonLedgerFile(path: string): VerifyReport {
  return verifyPythonLedgerText(readFileSync(path, 'utf8'));
}

/**
 * Our run's ledger as a Python `ledger_<id>.jsonl`: each line is the hashed body with
 * `record_hash` and `signature` added, so Python's `verify_ledger_chain` recomputes the
 * same hashes (the extra `seq` / `kind` / `actor` fields are part of the hashed body).
 */
export function toPythonLedgerJsonl(store: LedgerStore, runId: string): string {
  const out: string[] = [];
  for (const row of ledgerRows(store, runId)) {
    const hash = row.record_hash === NO_RECORD_HASH ? 'null' : JSON.stringify(row.record_hash);
    const tail = `"record_hash":${hash},"signature":${row.signature === null ? 'null' : JSON.stringify(row.signature)}`;
    out.push(row.body === '{}' ? `{${tail}}` : `${row.body.slice(0, -1)},${tail}}`);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

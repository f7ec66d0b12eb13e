/**
 * Canonical JSON of a record body, specialised for the one shape the kernel seals: its keys
 * are known, so they are written in their sorted order without sorting or quoting them per
 * record; each value still goes through canonicalJson. Any other shape (a missing, extra or
 * undefined key) takes the general path, so the bytes are always canonicalJson's.
 */
import { canonicalJson } from '../../src-shared/canonicalJson';

// Sorted by code point (all ASCII), as canonicalJson sorts them.
const KEYS = [
  'actor',
  'actor_id',
  'attempt',
  'effect',
  'ended_at',
  'error',
  'idempotency_key',
  'kind',
  'node_id',
  'prev_hash',
  'result',
  'run_id',
  'seq',
  'started_at',
  'status',
  'step_id',
] as const;
const PREFIXES = KEYS.map((k, i) => `${i === 0 ? '{' : ','}"${k}":`);

export function canonicalRecordBody(body: Record<string, unknown>): string {
  return hasRecordShape(body) ? writeRecordShape(body) : canonicalJson(body);
}

/**
 * For a body known to have exactly the record keys (the kernel's own literal). A key left
 * undefined by a bug makes canonicalJson throw rather than silently drop it.
 */
export function writeRecordShape(body: Record<string, unknown>): string {
  let out = '';
  for (let i = 0; i < KEYS.length; i++) out += PREFIXES[i] + canonicalJson(body[KEYS[i]!]);
  return `${out}}`;
}

function hasRecordShape(body: Record<string, unknown>): boolean {
  if (Object.keys(body).length !== KEYS.length) return false;
  for (const key of KEYS) if (body[key] === undefined || !Object.hasOwn(body, key)) return false;
  return true;
}

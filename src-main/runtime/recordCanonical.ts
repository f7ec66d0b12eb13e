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
  for (let i = 0; i < KEYS.length; i++) out += PREFIXES[i] + canonicalValue(body[KEYS[i]!]);
  return `${out}}`;
}

// Most record fields are null, a plain string or a small integer: writing those here spares
// canonicalJson's buffer and dispatch (a third of the cost of sealing a record). Anything
// else, or a string that needs escaping, takes canonicalJson itself: the bytes are the same.
// eslint-disable-next-line no-control-regex
const PLAIN_STRING = /^[^"\\\u0000-\u001f]*$/;

function canonicalValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return actorText(value as Record<string, unknown>) ?? canonicalJson(value);
  if (typeof value === 'string' && PLAIN_STRING.test(value)) return `"${value}"`;
  if (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  return canonicalJson(value);
}

function hasRecordShape(body: Record<string, unknown>): boolean {
  if (Object.keys(body).length !== KEYS.length) return false;
  for (const key of KEYS) if (body[key] === undefined || !Object.hasOwn(body, key)) return false;
  return true;
}

/** An actor fingerprint (`{kind, id, fingerprint}`, plain strings), in sorted key order. */
function actorText(a: Record<string, unknown>): string | undefined {
  const { fingerprint, id, kind } = a;
  if (typeof fingerprint !== 'string' || typeof id !== 'string' || typeof kind !== 'string') return undefined;
  if (Object.keys(a).length !== 3 || !Object.hasOwn(a, 'fingerprint') || !Object.hasOwn(a, 'id') || !Object.hasOwn(a, 'kind'))
    return undefined;
  if (!PLAIN_STRING.test(fingerprint) || !PLAIN_STRING.test(id) || !PLAIN_STRING.test(kind)) return undefined;
  return `{"fingerprint":"${fingerprint}","id":"${id}","kind":"${kind}"}`;
}

/**
 * The one number policy for JSON text coming in (CLI --vars/--payload, HTTP request bodies,
 * bundles being imported, the inspector's JSON editors) and for JSON text the runtime writes
 * (the store's state column, CLI --json output, exports, API responses): every number is
 * kept exactly as the ledger's canonical JSON (Python's `json.dumps`) writes it.
 *
 * In memory a number is a plain JS number whenever that number re-encodes to the same
 * canonical JSON (integers up to 2^53 - 1, `1.5`, `1e-07`), so most workflow code sees
 * ordinary numbers. Anything else that has an exact canonical form is a `RawNumber`
 * (integers of any size such as `98765432109876543210`; floats with an integral value such
 * as `-0.0`, `1.0`, `2.5e+20`): a handler reads it with `.text`, `.toBigInt()` (integers)
 * or `.toNumber()` (the nearest double, may round). Refused with NUMBER_NOT_EXACT naming
 * the path: what has no exact canonical form — NaN / Infinity, out-of-range exponents,
 * floats with more digits than a 64-bit float holds (Python would round them too).
 * `1.50` is kept as `1.5` and `1e-7` as `1e-07`: the same value, in canonical spelling.
 */
import { canonicalJson, formatJsNumber, formatRawNumber, RawNumber, type CanonicalInput } from './canonicalJson';
import { NonJsonValueError, NumberNotExactError, ValidationError } from './errors';
import type { JsonValue } from './json';
import { JsonSyntaxError, parseJsonLossless } from './losslessJson';
import { jsonTextDepth, MAX_JSON_DEPTH } from './storableJson';

/**
 * Parses JSON text under the number policy. `root` names the value in error paths: `vars`
 * gives `vars.big`; '' (a request body) gives `vars.big` for `{"vars": {"big": ...}}`.
 */
export function parseJsonExact(text: string, root = ''): JsonValue {
  if (jsonTextDepth(text) > MAX_JSON_DEPTH)
    throw new NonJsonValueError(`${root || 'the value'} is nested deeper than ${MAX_JSON_DEPTH} levels`, {
      path: root,
      problem: 'too_deep',
    });
  let raw: CanonicalInput;
  try {
    raw = parseJsonLossless(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError)
      throw new ValidationError(`${root || 'the text'} is not valid JSON: ${err.message}`, { path: root });
    throw err;
  }
  return exact(raw, root);
}

/**
 * Reads JSON text the runtime wrote itself (stored state, ledger bodies, API responses):
 * JSON.parse when re-encoding gives back the same text (no number could have changed),
 * else the lossless parse, so a RawNumber written out comes back a RawNumber.
 */
export function readJsonExact(text: string, root = ''): JsonValue {
  const fast = JSON.parse(text) as JsonValue;
  if (JSON.stringify(fast) === text) return fast;
  return parseJsonExact(text, root);
}

/**
 * JSON text with every number spelled as the ledger's canonical JSON spells it (a RawNumber
 * as its text, which JSON.stringify would round; `1e-07` rather than `1e-7`), otherwise
 * exactly JSON.stringify's output (key order, `indent`).
 */
export function stringifyExact(value: unknown, indent?: number): string {
  // A replacer function makes JSON.stringify call back into JS for every key: several times
  // slower, and the store writes every state it commits. Most values need none.
  if (spelledAlike(value, 0)) return JSON.stringify(value, null, indent);
  const raws: string[] = [];
  const text = JSON.stringify(
    value,
    function (this: Record<string, unknown>, key: string, v: unknown) {
      // Only numbers need a look (a RawNumber's toJSON gives one): keeps the common path fast.
      if (typeof v !== 'number') return v;
      const original = this[key];
      if (original instanceof RawNumber) {
        raws.push(original.text);
        return `${RAW_MARK}${raws.length - 1}`;
      }
      // Spell floats as the ledger does (`1e-07`, not JS's `1e-7`). Both spell integers and
      // floats from 1e-4 up the same way (larger doubles are all integers).
      if (Number.isInteger(v) || !Number.isFinite(v) || Math.abs(v) >= 1e-4) return v;
      const canonical = formatJsNumber(v);
      if (canonical === String(v)) return v;
      raws.push(canonical);
      return `${RAW_MARK}${raws.length - 1}`;
    },
    indent,
  );
  if (raws.length === 0) return text;
  return text.replace(RAW_MARK_RE, (_, i: string) => raws[Number(i)]!);
}

/**
 * True when JSON.stringify alone writes `value` as stringifyExact does: plain objects and
 * arrays whose numbers JS spells as the ledger does. A RawNumber, a float under 1e-4, any
 * other object (a toJSON of its own), or nesting deeper than JSON text may be (a cycle
 * too), and the replacer decides.
 */
function spelledAlike(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return Number.isInteger(value) || !Number.isFinite(value) || Math.abs(value) >= 1e-4;
  if (typeof value !== 'object' || value === null) return true;
  if (depth > MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!spelledAlike(value[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) if (!spelledAlike((value as Record<string, unknown>)[keys[i]!], depth + 1)) return false;
  return true;
}

// A placeholder no value holds: a noncharacter plus a per-process nonce nobody can guess.
const RAW_MARK = `\uFDD0raw${Math.random().toString(36).slice(2)}#`;
const RAW_MARK_RE = new RegExp(`"${RAW_MARK}(\\d+)"`, 'g');

/**
 * Text another runtime wrote (a Python run file, ledger body, snapshot, history bundle) under
 * the number policy: each number kept as `parseJsonExact` keeps it, so `9007199254740993`,
 * `1.0`, `-0.0` stay as written. Python's `NaN` / `Infinity` / `-Infinity`, which no JSON
 * number here can be, become their names as strings, each path pushed onto `nonFinite` (the
 * caller decides what may be done with such a value); any other number that cannot be kept
 * (`1e400`, more digits than a double holds: Python never writes them) is refused with
 * NUMBER_NOT_EXACT naming the path.
 */
export function readForeignJson(text: string, root = '', nonFinite: string[] = []): JsonValue {
  try {
    const fast = JSON.parse(text) as JsonValue;
    if (JSON.stringify(fast) === text) return fast;
  } catch {
    // NaN / Infinity, or not JSON: the lossless parser says which
  }
  return foreignExact(parseJsonLossless(text), root, nonFinite);
}

/** A losslessly parsed foreign value under the number policy (see readForeignJson). */
export function foreignExact(v: CanonicalInput, root = '', nonFinite: string[] = []): JsonValue {
  return exact(v, root, nonFinite);
}

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/** The JS number a written number stands for, or null when no JS number keeps it exactly. */
export function exactNumber(lexeme: string): number | null {
  const n = Number(lexeme);
  if (!Number.isFinite(n)) return null;
  // An integer: exact when the double holds every digit. `-0` is Python's int 0.
  if (!/[.eE]/.test(lexeme)) return Number.isSafeInteger(n) || formatRawNumber(lexeme) === formatJsNumber(n) ? n + 0 : null;
  if (Number.isInteger(n)) return null; // 1.0, -0.0, 2.5e+20: a JS number would re-encode as an integer
  return sameDecimal(lexeme, formatRawNumber(lexeme)) ? n : null;
}

/**
 * A written number as it is kept in memory: a JS number when that is exact, else a
 * RawNumber when its canonical form has the value written, else null (refused).
 */
export function keptNumber(lexeme: string): number | RawNumber | null {
  const n = exactNumber(lexeme);
  if (n !== null) return n;
  if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(lexeme)) return null; // NaN, Infinity
  if (!/[.eE]/.test(lexeme)) return new RawNumber(formatRawNumber(lexeme));
  const canonical = formatRawNumber(lexeme);
  if (!Number.isFinite(Number(lexeme)) || !sameDecimal(lexeme, canonical)) return null;
  return new RawNumber(canonical);
}

function exact(v: CanonicalInput, path: string, nonFinite: string[] | null = null): JsonValue {
  if (v instanceof RawNumber) {
    const n = keptNumber(v.lexeme);
    if (n !== null) return n;
    if (nonFinite && NON_FINITE.has(v.lexeme)) {
      nonFinite.push(path || '(the value)');
      return v.lexeme;
    }
    throw notExact(v.lexeme, path || '(the value)');
  }
  if (Array.isArray(v)) return v.map((item, i) => exact(item, `${path}[${i}]`, nonFinite));
  if (v !== null && typeof v === 'object') {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, child] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: exact(child, path ? `${path}.${k}` : k, nonFinite),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

function notExact(lexeme: string, path: string): NumberNotExactError {
  const n = Number(lexeme);
  const becomes = Number.isFinite(n) ? canonicalJson(n) : null;
  const why = becomes === null ? 'it is not a finite JSON number' : `it would become ${becomes}`;
  return new NumberNotExactError(
    `${path}: the number ${lexeme} cannot be kept exactly (${why}); send it as a string to keep it as written`,
    {
      path,
      lexeme,
      ...(becomes !== null ? { becomes } : {}),
    },
  );
}

/** Whether two decimal lexemes have the same value (digits and exponent, trailing zeros aside). */
function sameDecimal(a: string, b: string): boolean {
  const na = normalize(a);
  const nb = normalize(b);
  return na.sign === nb.sign && na.digits === nb.digits && na.exp === nb.exp;
}

function normalize(lexeme: string): { sign: string; digits: string; exp: number } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(lexeme);
  if (!m) return { sign: '', digits: lexeme, exp: 0 };
  const [, sign = '', int = '', frac = '', e = '0'] = m;
  let digits = int + frac;
  let exp = Number(e) - frac.length;
  const lead = /^0*/.exec(digits)![0].length;
  digits = digits.slice(lead);
  const trail = /0*$/.exec(digits)![0].length;
  if (trail) {
    digits = digits.slice(0, digits.length - trail);
    exp += trail;
  }
  return { sign: digits ? sign : '', digits, exp };
}

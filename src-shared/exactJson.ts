/**
 * The one number policy for JSON that comes in as text (CLI --vars/--payload, HTTP request
 * bodies, the inspector's JSON editors): a number is accepted when a JS number keeps it
 * exactly, meaning it re-encodes to the same canonical JSON the ledger would hash (Python's
 * `json.dumps`); anything else is refused, naming its path, instead of being rounded.
 *
 * Kept: integers up to 2^53 - 1, and floats whose shortest repr is what was written
 * (`1.5`, `1e-07`, `2.5e-05`). Refused: larger integers (`98765432109876543210` would
 * become `98765432109876543488`), `-0.0` (would become `0`), floats with an integral
 * value (`1.0`, `2.5e+20` would become the integers `1`, `250000000000000000000`), more
 * digits than a 64-bit float holds, out-of-range values, and NaN / Infinity. A value that
 * must stay exact beyond that is sent as a string.
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
    throw new NonJsonValueError(`${root || 'the value'} is nested deeper than ${MAX_JSON_DEPTH} levels`, { path: root, problem: 'too_deep' });
  let raw: CanonicalInput;
  try {
    raw = parseJsonLossless(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new ValidationError(`${root || 'the text'} is not valid JSON: ${err.message}`, { path: root });
    throw err;
  }
  return exact(raw, root);
}

/** The JS number a written number stands for, or null when no JS number keeps it exactly. */
export function exactNumber(lexeme: string): number | null {
  const n = Number(lexeme);
  if (!Number.isFinite(n)) return null;
  // An integer: exact when the double holds every digit. `-0` is Python's int 0.
  if (!/[.eE]/.test(lexeme)) return Number.isSafeInteger(n) || formatRawNumber(lexeme) === formatJsNumber(n) ? n + 0 : null;
  if (Number.isInteger(n)) return null; // 1.0, -0.0, 2.5e+20: a JS number would re-encode as an integer
  return sameDecimal(lexeme, formatRawNumber(lexeme)) ? n : null;
}

function exact(v: CanonicalInput, path: string): JsonValue {
  if (v instanceof RawNumber) {
    const n = exactNumber(v.lexeme);
    if (n === null) throw notExact(v.lexeme, path || '(the value)');
    return n;
  }
  if (Array.isArray(v)) return v.map((item, i) => exact(item, `${path}[${i}]`));
  if (v !== null && typeof v === 'object') {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, child] of Object.entries(v)) {
      Object.defineProperty(out, k, { value: exact(child, path ? `${path}.${k}` : k), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

function notExact(lexeme: string, path: string): NumberNotExactError {
  const n = Number(lexeme);
  const becomes = Number.isFinite(n) ? canonicalJson(n) : null;
  const why = becomes === null ? 'it is not a finite JSON number' : `it would become ${becomes}`;
  return new NumberNotExactError(`${path}: the number ${lexeme} cannot be kept exactly (${why}); send it as a string to keep it as written`, {
    path,
    lexeme,
    ...(becomes !== null ? { becomes } : {}),
  });
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

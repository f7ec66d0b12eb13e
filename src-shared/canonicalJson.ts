/**
 * Canonical JSON, byte-identical to the Python runtime's
 * `json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`.
 *
 * Numbers: a JS number that is an integer (below 1e21) is written as Python writes an int;
 * any other number as Python's float repr (`1e-07`, `1.5`, `1e+21`). A `RawNumber` keeps a
 * number exactly as a foreign document wrote it (Python `1.0`, `-0.0`, integers past 2^53),
 * which is what verifying a Python-written ledger needs.
 */
import type { JsonValue } from './json';

/**
 * A JSON number kept as its source lexeme: what the lossless parser gives for every number,
 * and what run values hold wherever a JS number would not keep the number as written
 * (`98765432109876543210`, `-0.0`, `1.0`, `2.5e+20`; see src-shared/exactJson.ts). It is
 * immutable, so copies share it; structuredClone would drop its class (use cloneJson).
 */
export class RawNumber {
  constructor(readonly lexeme: string) {
    Object.freeze(this);
  }
  /** The number as the ledger's canonical JSON writes it (Python's re-emission). */
  get text(): string {
    return formatRawNumber(this.lexeme);
  }
  /** Whether it is an integer as written (no fraction or exponent): `toBigInt()` holds it. */
  get isInteger(): boolean {
    return !/[.eE]/.test(this.lexeme);
  }
  /** The integer exactly; a RangeError for a float (`1.0` is a float, as in Python). */
  toBigInt(): bigint {
    if (!this.isInteger) throw new RangeError(`${this.lexeme} is not an integer`);
    return BigInt(this.lexeme);
  }
  /** The nearest double: may round (that is why the value is a RawNumber). */
  toNumber(): number {
    return Number(this.lexeme);
  }
  toString(): string {
    return this.text;
  }
  // JSON.stringify would otherwise write `{}`; stringifyExact (exactJson.ts) writes the text.
  toJSON(): number {
    return Number(this.lexeme);
  }
}

export type CanonicalInput = JsonValue | RawNumber | CanonicalInput[] | { [k: string]: CanonicalInput };

export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

function write(value: unknown, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(quote(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      out.push(formatJsNumber(value));
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
  if (value instanceof RawNumber) {
    out.push(formatRawNumber(value.lexeme));
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i) out.push(',');
      write(value[i], out);
    }
    out.push(']');
    return;
  }
  const obj = value as Record<string, unknown>;
  // Python sorts str keys by code point; JS default sort compares UTF-16 units, which
  // differs for astral characters, so compare code points explicitly.
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort(compareCodePoints);
  out.push('{');
  for (let i = 0; i < keys.length; i++) {
    if (i) out.push(',');
    out.push(quote(keys[i]!), ':');
    write(obj[keys[i]!], out);
  }
  out.push('}');
}

export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const surrogateA = ca >= 0xd800 && ca <= 0xdfff;
    const surrogateB = cb >= 0xd800 && cb <= 0xdfff;
    if (surrogateA !== surrogateB) return surrogateA ? 1 : -1;
    return ca - cb;
  }
  return a.length - b.length;
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

// Python (ensure_ascii=False) escapes only '"', '\\' and control characters below 0x20;
// lone surrogates are kept as they are (JSON.stringify would escape them).
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
// eslint-disable-next-line no-control-regex
const ESCAPE_ALL = /["\\\u0000-\u001f]/g;

function quote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  return `"${s.replace(ESCAPE_ALL, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

export function formatJsNumber(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`canonicalJson: ${n} is not valid JSON`);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return Object.is(n, -0) ? '0' : n.toFixed(0);
  return pythonFloatRepr(n);
}

/** A number lexeme as Python's json module would re-emit it after parsing it. */
export function formatRawNumber(lexeme: string): string {
  if (!/[.eE]/.test(lexeme)) {
    // Python int: arbitrary precision, `-0` becomes `0`.
    const neg = lexeme.startsWith('-');
    const digits = (neg ? lexeme.slice(1) : lexeme).replace(/^0+(?=\d)/, '');
    return neg && digits !== '0' ? `-${digits}` : digits;
  }
  return pythonFloatRepr(Number(lexeme));
}

/** Python's `repr(float)`: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without argument gives the shortest round-trip digits, like repr.
  const [mant, expStr] = Math.abs(x).toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  const digits = mant.replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

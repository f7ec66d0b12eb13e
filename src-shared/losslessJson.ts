/**
 * A JSON parser that keeps every number as written (a `RawNumber`), so a record written by
 * another runtime re-canonicalizes to exactly the bytes that were hashed: Python's `1.0`,
 * `-0.0`, `1e-07` and integers past 2^53 would all change under `JSON.parse`.
 * Accepts Python's `NaN` / `Infinity` / `-Infinity` literals, which `json.dumps` writes.
 */
import { RawNumber, type CanonicalInput } from './canonicalJson';
import type { JsonValue } from './json';

export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// JSON forbids raw control characters in strings: finding them is the point.
// eslint-disable-next-line no-control-regex
const PLAIN_STRING_END = /["\\\u0000-\u001f]/g;

export function parseJsonLossless(text: string): CanonicalInput {
  const p = new Parser(text);
  p.skipWs();
  const value = p.value();
  p.skipWs();
  if (p.pos !== text.length) throw new JsonSyntaxError('unexpected text after the JSON value', p.pos);
  return value;
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  skipWs(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.pos);
  }

  value(): CanonicalInput {
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case 'N':
        return this.literal('NaN', new RawNumber('NaN'));
      case 'I':
        return this.literal('Infinity', new RawNumber('Infinity'));
      default:
        return this.number();
    }
  }

  private literal<T extends CanonicalInput>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) throw new JsonSyntaxError('unexpected token', this.pos);
    this.pos += word.length;
    return value;
  }

  private number(): RawNumber {
    if (this.text.startsWith('-Infinity', this.pos)) {
      this.pos += 9;
      return new RawNumber('-Infinity');
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m || m[0] === '-') throw new JsonSyntaxError('unexpected token', this.pos);
    this.pos += m[0].length;
    return new RawNumber(m[0]);
  }

  string(): string {
    const start = this.pos;
    PLAIN_STRING_END.lastIndex = start + 1;
    let m = PLAIN_STRING_END.exec(this.text);
    if (m && m[0] === '"') {
      this.pos = m.index + 1;
      return this.text.slice(start + 1, m.index);
    }
    // Escapes: find the closing quote, then let the native parser decode the literal exactly.
    for (;;) {
      if (!m) throw new JsonSyntaxError('unterminated string', start);
      if (m[0] === '"') break;
      if (m[0] !== '\\') throw new JsonSyntaxError('control character in string', m.index);
      PLAIN_STRING_END.lastIndex = m.index + 2;
      m = PLAIN_STRING_END.exec(this.text);
    }
    this.pos = m.index + 1;
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      throw new JsonSyntaxError('bad escape in string', start);
    }
  }

  private array(): CanonicalInput[] {
    this.pos++;
    const out: CanonicalInput[] = [];
    this.skipWs();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.value());
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') throw new JsonSyntaxError("expected ',' or ']'", this.pos - 1);
    }
  }

  private object(): { [k: string]: CanonicalInput } {
    this.pos++;
    const out: { [k: string]: CanonicalInput } = {};
    this.skipWs();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"') throw new JsonSyntaxError('expected a key', this.pos);
      const key = this.string();
      this.skipWs();
      if (this.text[this.pos++] !== ':') throw new JsonSyntaxError("expected ':'", this.pos - 1);
      this.skipWs();
      // defineProperty: a key named "__proto__" must be data, not the prototype.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') throw new JsonSyntaxError("expected ',' or '}'", this.pos - 1);
    }
  }
}

/**
 * A losslessly parsed value as plain JSON for display: numbers become doubles, and the
 * non-finite ones Python can write (NaN, Infinity) become their names as strings.
 */
export function toPlainJson(value: CanonicalInput): JsonValue {
  if (value instanceof RawNumber) {
    const n = Number(value.lexeme);
    return Number.isFinite(n) ? (Object.is(n, -0) ? 0 : n) : value.lexeme;
  }
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (value !== null && typeof value === 'object') {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, k, { value: toPlainJson(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** Parses JSON text that may hold Python's NaN / Infinity, as plain JSON for display. */
export function parsePlainJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return toPlainJson(parseJsonLossless(text));
  }
}

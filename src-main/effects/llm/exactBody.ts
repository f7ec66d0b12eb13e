/**
 * The request body sent to the model, with every number exactly as the run holds it. The
 * `openai` client encodes bodies with JSON.stringify, which writes a RawNumber as the
 * nearest double (`98765432109876543210` → `98765432109876540000`, `1.0` → `1`) and `1e-07`
 * as `1e-7`; so the client keeps everything else (retries, headers, errors, parsing) and
 * the `fetch` it is given swaps in our own exact text of the same body.
 */
import { RawNumber } from '../../../src-shared/canonicalJson';
import { NumberNotExactError } from '../../../src-shared/errors';
import { stringifyExact } from '../../../src-shared/exactJson';
import type { JsonObject } from '../../../src-shared/json';

/** The body as exact JSON text; refuses (naming the path) a number no JSON text can carry. */
export function exactRequestText(body: JsonObject): string {
  const bad = findUnsendableNumber(body, 'request');
  if (bad)
    throw new NumberNotExactError(
      `llm_call ${bad.path}: the number ${bad.text} cannot be sent exactly (JSON has no such number); send it as a string`,
      { path: bad.path, lexeme: bad.text },
    );
  return stringifyExact(body);
}

/**
 * A fetch that sends `exactText` in place of the client's encoding of the same body. Any
 * other body (none is expected: the client is made for one request) goes out untouched.
 */
export function fetchWithExactBody(base: typeof fetch, body: JsonObject, exactText: string): typeof fetch {
  const clientText = JSON.stringify(body);
  return (input, init) => base(input, init && init.body === clientText ? { ...init, body: exactText } : init);
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function findUnsendableNumber(v: unknown, path: string): { path: string; text: string } | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : { path, text: String(v) };
  if (v instanceof RawNumber) return JSON_NUMBER.test(v.lexeme) ? null : { path, text: v.lexeme };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = findUnsendableNumber(v[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  if (v !== null && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      const bad = findUnsendableNumber(child, `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return null;
}

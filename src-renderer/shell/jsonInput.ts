import { RawNumber, type CanonicalInput } from '../../src-shared/canonicalJson';
import { parseJsonLossless } from '../../src-shared/losslessJson';
/** Parses a JSON-object textbox (vars, tool arguments): the object, or a message naming what is wrong. */
export function parseVarsObject(
  text: string,
  what = 'Vars',
): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  if (!text.trim()) return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `Not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: `${what} must be a JSON object, e.g. {"n": 5}` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * Parses a JSON payload box (any JSON value). A number JavaScript would round (an integer
 * beyond 2^53, a non-finite one) is refused with its path, so what is sent is what was typed.
 */
export function parseJsonPayload(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (!text.trim()) return { ok: true, value: null };
  let raw: CanonicalInput;
  try {
    raw = parseJsonLossless(text);
  } catch (err) {
    return { ok: false, message: `Not valid JSON: ${(err as Error).message}` };
  }
  const bad = roundedNumberPath(raw, '$');
  if (bad) return { ok: false, message: `The number at ${bad.path} (${bad.lexeme}) would be rounded: send it as a string` };
  return { ok: true, value: JSON.parse(text) as unknown };
}

function roundedNumberPath(v: CanonicalInput, path: string): { path: string; lexeme: string } | null {
  if (v instanceof RawNumber) {
    const n = Number(v.lexeme);
    const integer = /^-?\d+$/.test(v.lexeme);
    return !Number.isFinite(n) || (integer && !Number.isSafeInteger(n)) ? { path, lexeme: v.lexeme } : null;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = roundedNumberPath(v[i]!, `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  if (v !== null && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      const bad = roundedNumberPath(child, `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return null;
}

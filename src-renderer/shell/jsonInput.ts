/**
 * Parses a JSON-object textbox (vars, tool arguments): the object, or a message naming what
 * is wrong. Numbers follow the one policy (src-shared/exactJson): one that would not be kept
 * exactly (98765432109876543210, -0.0, 1.0) is refused here, naming its path.
 */
import { parseJsonExact } from '../../src-shared/exactJson';

export function parseVarsObject(
  text: string,
  what = 'Vars',
): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  if (!text.trim()) return { ok: true, value: {} };
  let value: unknown;
  try {
    value = parseJsonExact(text, what === 'Vars' ? 'vars' : 'arguments');
  } catch (err) {
    const e = err as { code?: string; message: string };
    return {
      ok: false,
      message: e.code === 'NUMBER_NOT_EXACT' ? e.message : `Not valid JSON: ${e.message.replace(/^\S+ is not valid JSON: /, '')}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: `${what} must be a JSON object, e.g. {"n": 5}` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * Parses a JSON payload box (any JSON value) under the same number policy: a number that
 * would not be kept exactly is refused with its path, so what is sent is what was typed.
 */
export function parseJsonPayload(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (!text.trim()) return { ok: true, value: null };
  try {
    return { ok: true, value: parseJsonExact(text, 'payload') };
  } catch (err) {
    const e = err as { code?: string; message: string };
    return {
      ok: false,
      message:
        e.code === 'NUMBER_NOT_EXACT' || e.code === 'NON_JSON_VALUE'
          ? e.message
          : `Not valid JSON: ${e.message.replace(/^\S+ is not valid JSON: /, '')}`,
    };
  }
}

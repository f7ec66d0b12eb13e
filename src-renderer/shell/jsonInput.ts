/** Parses a vars textbox: a JSON object or a message saying what is wrong. */
export function parseVarsObject(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  if (!text.trim()) return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `Not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'Vars must be a JSON object, e.g. {"n": 5}' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

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

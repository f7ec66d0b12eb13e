import { RawNumber } from './canonicalJson';

/**
 * Plain JSON values: what run vars, effect payloads and results may hold. A number a JS
 * number cannot keep exactly (`98765432109876543210`, `1.0`, `-0.0`) is a RawNumber
 * (src-shared/exactJson.ts has the policy).
 */
export type JsonPrimitive = null | boolean | number | string | RawNumber;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Returns the path of the first value that would not survive a round trip through JSON text
 * (stringifyExact / readJsonExact) unchanged, or null when the value is plain JSON.
 * Paths look like `vars.items[2].when`.
 */
export function findNonJsonPath(value: unknown, path = '$'): string | null {
  // The path is built only on the way back from a failure: the store checks every state it
  // commits, and a path string for every key of a plain value was most of the cost.
  const steps = badSteps(value, new Set());
  return steps === null ? null : path + steps.reverse().join('');
}

/** The steps (`[2]`, `.when`) down to the first part that is not plain JSON, innermost first; null when there is none. */
function badSteps(value: unknown, seen: Set<object>): string[] | null {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? null : [];
    case 'object':
      break;
    default:
      return [];
  }
  if (value instanceof RawNumber) return null;
  const obj = value as object;
  if (seen.has(obj)) return [];
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      for (let i = 0; i < obj.length; i++) {
        const bad = badSteps(obj[i], seen);
        if (bad) return (bad.push(`[${i}]`), bad);
      }
      return null;
    }
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) return [];
    for (const k of Object.keys(obj)) {
      const v = (obj as Record<string, unknown>)[k];
      const bad = v === undefined ? [] : badSteps(v, seen);
      if (bad) return (bad.push(`.${k}`), bad);
    }
    return null;
  } finally {
    seen.delete(obj);
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RawNumber);
}

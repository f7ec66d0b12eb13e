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
  return walk(value, path, new Set());
}

function walk(value: unknown, path: string, seen: Set<object>): string | null {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? null : path;
    case 'object':
      break;
    default:
      return path;
  }
  if (value instanceof RawNumber) return null;
  const obj = value as object;
  if (seen.has(obj)) return path;
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      for (let i = 0; i < obj.length; i++) {
        const bad = walk(obj[i], `${path}[${i}]`, seen);
        if (bad) return bad;
      }
      return null;
    }
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) return path;
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined) return `${path}.${k}`;
      const bad = walk(v, `${path}.${k}`, seen);
      if (bad) return bad;
    }
    return null;
  } finally {
    seen.delete(obj);
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RawNumber);
}

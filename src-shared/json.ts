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
  // Checked without paths first: the store checks every state it commits, and building a
  // path string for every key of a plain value was most of the cost. Only a value that
  // fails is walked again to name where.
  return isPlainJson(value, new Set()) ? null : walk(value, path, new Set());
}

function isPlainJson(value: unknown, seen: Set<object>): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      break;
    default:
      return false;
  }
  if (value instanceof RawNumber) return true;
  const obj = value as object;
  if (seen.has(obj)) return false;
  seen.add(obj);
  let plain = true;
  if (Array.isArray(obj)) {
    for (let i = 0; plain && i < obj.length; i++) plain = isPlainJson(obj[i], seen);
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) plain = false;
    else {
      const keys = Object.keys(obj);
      for (let i = 0; plain && i < keys.length; i++) {
        const v = (obj as Record<string, unknown>)[keys[i]!];
        plain = v !== undefined && isPlainJson(v, seen);
      }
    }
  }
  seen.delete(obj);
  return plain;
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

/**
 * What plain JSON may still not be stored exactly, found at the boundary so it is refused
 * with its path instead of being changed silently later:
 * - a lone surrogate (`"\ud800"`, in a string or a key): SQLite and every UTF-8 encoder
 *   replace it with U+FFFD, and the hash of the stored record no longer matches;
 * - nesting deeper than MAX_JSON_DEPTH: recursive code (validation, canonical JSON,
 *   hashing) would overflow the stack, a 500 instead of a 400;
 * - a `__proto__` key: object spreads and schema validation drop it or turn it into a
 *   prototype, so the value would not come back as it went in.
 * Separate from findNonJsonPath (types and numbers) so each rule stays in one place; the
 * walk is iterative, so a hostile depth cannot overflow it.
 */
export const MAX_JSON_DEPTH = 256;

export interface Unstorable {
  path: string;
  problem: 'lone_surrogate' | 'too_deep' | 'proto_key';
  message: string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasLoneSurrogate(s: string): boolean {
  return s.isWellFormed ? !s.isWellFormed() : LONE_SURROGATE.test(s);
}

export function findUnstorable(value: unknown, rootPath = '$', maxDepth = MAX_JSON_DEPTH): Unstorable | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (hasLoneSurrogate(v))
        return found(path, 'lone_surrogate', `${path} holds a lone UTF-16 surrogate, which cannot be stored as UTF-8`);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return found(path, 'too_deep', `${path} is nested deeper than ${maxDepth} levels`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      const at = `${path}.${k}`;
      if (k === '__proto__') return found(at, 'proto_key', `${at}: the key "__proto__" cannot be kept exactly; rename it`);
      if (hasLoneSurrogate(k))
        return found(path, 'lone_surrogate', `a key in ${path} holds a lone UTF-16 surrogate, which cannot be stored as UTF-8`);
      stack.push({ value: (v as Record<string, unknown>)[k], path: at, depth: depth + 1 });
    }
  }
  return null;
}

function found(path: string, problem: Unstorable['problem'], message: string): Unstorable {
  return { path, problem, message };
}

/**
 * How deeply JSON text nests, found by scanning the text (no parse, no recursion), or
 * `max + 1` as soon as it goes past `max`: parsers are recursive, so the depth is checked
 * before any of them sees the text.
 */
export function jsonTextDepth(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) deepest = depth;
      if (deepest > max) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Random and malformed payloads for fuzzing (seeded, so a failure names its seed). */
export type Rand = () => number;

const STRINGS = [
  '',
  ' ',
  'a',
  '0',
  '-1',
  'null',
  'true',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '\u0000',
  '😀',
  'x'.repeat(5000),
  '<script>alert(1)</script>',
  "'; DROP TABLE runs; --",
  '\ud800',
];

export function pick<T>(rand: Rand, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

export function randomString(rand: Rand): string {
  if (rand() < 0.5) return pick(rand, STRINGS);
  const len = Math.floor(rand() * 40);
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(32 + Math.floor(rand() * 0x2fff));
  return s;
}

export function randomNumber(rand: Rand): number {
  return pick(rand, [0, -1, 1, 1.5, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, 5000, 5001, 1001, Math.floor(rand() * 100)]);
}

export function randomJson(rand: Rand, depth = 0): unknown {
  const r = rand();
  if (depth > 4 || r < 0.45) {
    return pick(rand, [() => null, () => rand() < 0.5, () => randomNumber(rand), () => randomString(rand)])();
  }
  if (r < 0.7) return Array.from({ length: Math.floor(rand() * 5) }, () => randomJson(rand, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rand() * 5); i > 0; i--) o[randomKey(rand)] = randomJson(rand, depth + 1);
  return o;
}

const KEYS = [
  'runId',
  'workflowId',
  'vars',
  'limit',
  'offset',
  'afterSeq',
  'beforeSeq',
  'fromEnd',
  'waitKey',
  'payload',
  'text',
  'name',
  'snapshotId',
  'bundle',
  'llm',
  'signing',
  'decisions',
  'nodeIds',
  'enabled',
  'status',
  'seq',
  '__proto__',
];

function randomKey(rand: Rand): string {
  return rand() < 0.7 ? pick(rand, KEYS) : randomString(rand);
}

/** A plausible request with one or two fields broken: reaches deeper than pure noise. */
export function mutatedRequest(rand: Rand, base: Record<string, unknown>): unknown {
  const o: Record<string, unknown> = { ...base };
  const keys = Object.keys(o);
  for (let i = 1 + Math.floor(rand() * 2); i > 0; i--) {
    const r = rand();
    if (r < 0.5 && keys.length) o[pick(rand, keys)] = randomJson(rand, 2);
    else if (r < 0.7 && keys.length) delete o[pick(rand, keys)];
    else o[randomKey(rand)] = randomJson(rand, 2);
  }
  return o;
}

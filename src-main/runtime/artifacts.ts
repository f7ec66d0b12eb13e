import { canonicalJson, RawNumber } from '../../src-shared/canonicalJson';
import { readJsonExact } from '../../src-shared/exactJson';
import type { JsonObject, JsonValue } from '../../src-shared/json';
import type { ArtifactRef, RunState, WaitState } from '../../src-shared/types';
import type { ArtifactStore } from './contracts';

export const DEFAULT_ARTIFACT_THRESHOLD = 64 * 1024;

/**
 * Keeps large values out of vars and records: above the threshold a value is stored as a
 * content-addressed artifact and its reference (whose hash the chain covers) is kept. The
 * structure around large parts stays readable: an object or list is split first, so a
 * record of decisions with one long reason keeps the decisions and stores only the reason.
 */
export function externalize(value: JsonValue, artifacts: ArtifactStore | undefined, threshold: number): JsonValue {
  if (
    !artifacts ||
    value === null ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value instanceof RawNumber ||
    isArtifactRef(value)
  )
    return value;
  // Most payloads and results are far under the threshold: a bound from their shape says so
  // without writing their canonical JSON (every effect's payload and result is asked).
  if (jsonBytesAtMost(value, threshold) || jsonBytes(value) <= threshold) return value;
  if (typeof value === 'string') return store(value, artifacts);
  const split = splitLargeParts(value, artifacts, threshold);
  return jsonBytes(split) <= threshold ? split : store(split, artifacts);
}

function splitLargeParts(value: JsonValue[] | JsonObject, artifacts: ArtifactStore, threshold: number): JsonValue {
  if (Array.isArray(value)) return value.map((v) => externalize(v, artifacts, threshold));
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const stored = externalize(v, artifacts, threshold);
    if (k === '__proto__') Object.defineProperty(out, k, { value: stored, enumerable: true, writable: true, configurable: true });
    else out[k] = stored;
  }
  return out;
}

function store(value: JsonValue, artifacts: ArtifactStore): JsonValue {
  return { ...artifacts.putArtifact(new TextEncoder().encode(canonicalJson(value)), 'application/json') };
}

/**
 * Whether the canonical JSON of `value` surely has at most `limit` bytes, from an upper bound:
 * 6 bytes per UTF-16 unit of a string or key (`\u00xx`) and its quotes, 25 per JS number, a
 * RawNumber's text, 2 per separator (with a space, as Python's may be). False means "maybe
 * more": the caller then measures. The walk stops once the bound passes `limit`.
 */
function jsonBytesAtMost(value: JsonValue, limit: number): boolean {
  let bound = 0;
  const add = (v: JsonValue): boolean => {
    if (v === null) bound += 4;
    else if (typeof v === 'string') bound += v.length * 6 + 2;
    else if (typeof v === 'number') bound += 25;
    else if (typeof v === 'boolean') bound += 5;
    // Not JSON (a caller's bug): no bound; measuring it says what is wrong, as before.
    else if (typeof v !== 'object') bound = Number.POSITIVE_INFINITY;
    else if (v instanceof RawNumber) bound += v.text.length;
    else if (Array.isArray(v)) {
      bound += 2;
      for (let i = 0; i < v.length && bound <= limit; i++) {
        bound += 2;
        add(v[i]!);
      }
    } else {
      bound += 2;
      const keys = Object.keys(v);
      for (let i = 0; i < keys.length && bound <= limit; i++) {
        bound += keys[i]!.length * 6 + 6;
        add(v[keys[i]!]!);
      }
    }
    return bound <= limit;
  };
  return add(value);
}

function jsonBytes(value: JsonValue): number {
  return new TextEncoder().encode(canonicalJson(value)).byteLength;
}

/** Vars with every large value (or large part of one) stored as an artifact. */
export function externalizeVars(vars: JsonObject, artifacts: ArtifactStore | undefined, threshold: number): JsonObject {
  if (!artifacts) return vars;
  let out: JsonObject | null = null;
  for (const [key, value] of Object.entries(vars)) {
    const stored = externalize(value, artifacts, threshold);
    if (stored === value) continue;
    out ??= { ...vars };
    out[key] = stored;
  }
  return out ?? vars;
}

/**
 * A wait with its large parts stored: each pending call's arguments (what a person reviews
 * and may edit) and the results of the calls already settled. The wait's shape stays as
 * readers expect it (a list of calls, each with its name and id inline).
 */
export function externalizeWait(wait: WaitState, artifacts: ArtifactStore | undefined, threshold: number): WaitState {
  if (!artifacts) return wait;
  const out: WaitState = { ...wait };
  if (wait.tool_calls)
    out.tool_calls = wait.tool_calls.map((c) => ({ ...c, arguments: externalize(c.arguments, artifacts, threshold) as JsonObject }));
  const results = wait.details?.results;
  if (Array.isArray(results)) out.details = { ...wait.details, results: results.map((r) => externalize(r, artifacts, threshold)) };
  return out;
}

/** The wait with its pending calls' arguments as values, for the person deciding them (API, CLI, inspector). */
export function withPendingCallsResolved(state: RunState, artifacts: ArtifactStore | undefined): RunState {
  const calls = state.waiting?.tool_calls;
  if (!artifacts || !calls) return state;
  return { ...state, waiting: { ...state.waiting!, tool_calls: resolveArtifacts(calls, artifacts) } };
}

/** Exactly the shape `putArtifact` returns: `{$artifact: "sha256:<64 hex>", size, mime}`. */
export function isArtifactRef(value: unknown): value is ArtifactRef & JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  return (
    keys.length === 3 &&
    typeof v.$artifact === 'string' &&
    /^sha256:[0-9a-f]{64}$/.test(v.$artifact) &&
    typeof v.size === 'number' &&
    typeof v.mime === 'string'
  );
}

/** Reads back a value that `externalize` replaced by a reference. */
export function internalize(value: JsonValue, artifacts: ArtifactStore): JsonValue {
  if (!isArtifactRef(value)) return value;
  const { bytes, mime } = artifacts.getArtifact(value.$artifact);
  const text = new TextDecoder().decode(bytes);
  // Only JSON artifacts are values; any other kind (an image a tool saved) stays a reference.
  return mime === 'application/json' ? readJsonExact(text) : value;
}

/**
 * A deep copy of `value` with every artifact reference replaced by the value it stands for,
 * so code that works on values (node handlers, effect handlers) never sees storage details.
 */
export function resolveArtifacts<T>(value: T, artifacts: ArtifactStore | undefined): T {
  if (typeof value !== 'object' || value === null || value instanceof RawNumber) return value;
  if (Array.isArray(value)) return value.map((v) => resolveArtifacts(v, artifacts)) as T;
  // Most objects are not references: one property read rules them out before isArtifactRef lists their keys.
  if (artifacts && (value as Record<string, unknown>).$artifact !== undefined && isArtifactRef(value)) {
    const resolved = internalize(value as JsonValue, artifacts);
    return (resolved === (value as unknown) ? { ...value } : resolveArtifacts(resolved, artifacts)) as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = resolveArtifacts((value as Record<string, unknown>)[key], artifacts);
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}

/** The run as handlers see it: a copy they may not mutate the run through, with values, not references. */
export function handlerView(state: RunState, artifacts: ArtifactStore | undefined): RunState {
  return resolveArtifacts(state, artifacts);
}

/** The request an effect record stands for: its stored payload with references resolved (what the handler ran with). */
export function storedRequest(
  effect: { type: string; payload: JsonObject },
  artifacts: ArtifactStore | undefined,
): { type: string; payload: JsonObject } {
  return { type: effect.type, payload: resolveArtifacts(effect.payload, artifacts) };
}

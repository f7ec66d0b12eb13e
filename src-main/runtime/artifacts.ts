import { canonicalJson } from '../../src-shared/canonicalJson';
import type { JsonObject, JsonValue } from '../../src-shared/json';
import type { ArtifactRef, RunState } from '../../src-shared/types';
import type { ArtifactStore } from './contracts';

export const DEFAULT_ARTIFACT_THRESHOLD = 64 * 1024;

/**
 * Keeps large values out of vars and records: above the threshold the value is stored as
 * a content-addressed artifact and its reference (whose hash the chain covers) is kept.
 */
export function externalize(value: JsonValue, artifacts: ArtifactStore | undefined, threshold: number): JsonValue {
  if (!artifacts || value === null || typeof value !== 'object' || isArtifactRef(value)) return value;
  const bytes = new TextEncoder().encode(canonicalJson(value));
  if (bytes.byteLength <= threshold) return value;
  return { ...artifacts.putArtifact(bytes, 'application/json') };
}

/**
 * Vars with every large top-level value stored as an artifact (a string too: a long text
 * is as heavy as a long list). Values already references are kept as they are.
 */
export function externalizeVars(vars: JsonObject, artifacts: ArtifactStore | undefined, threshold: number): JsonObject {
  if (!artifacts) return vars;
  let out: JsonObject | null = null;
  for (const [key, value] of Object.entries(vars)) {
    const stored = typeof value === 'string' ? externalizeText(value, artifacts, threshold) : externalize(value, artifacts, threshold);
    if (stored === value) continue;
    out ??= { ...vars };
    out[key] = stored;
  }
  return out ?? vars;
}

function externalizeText(value: string, artifacts: ArtifactStore, threshold: number): JsonValue {
  // A string's JSON is at least as long as the string: cheap pre-check before encoding.
  if (value.length * 3 <= threshold) return value;
  const bytes = new TextEncoder().encode(canonicalJson(value));
  return bytes.byteLength <= threshold ? value : { ...artifacts.putArtifact(bytes, 'application/json') };
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
  return mime === 'application/json' ? (JSON.parse(text) as JsonValue) : value;
}

/**
 * A deep copy of `value` with every artifact reference replaced by the value it stands for,
 * so code that works on values (node handlers, effect handlers) never sees storage details.
 */
export function resolveArtifacts<T>(value: T, artifacts: ArtifactStore | undefined): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => resolveArtifacts(v, artifacts)) as T;
  if (artifacts && isArtifactRef(value)) {
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

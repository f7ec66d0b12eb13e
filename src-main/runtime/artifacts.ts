import { canonicalJson } from '../../src-shared/canonicalJson';
import type { JsonValue } from '../../src-shared/json';
import type { ArtifactStore } from './contracts';

export const DEFAULT_ARTIFACT_THRESHOLD = 64 * 1024;

/**
 * Keeps large values out of vars and records: above the threshold the value is stored as
 * a content-addressed artifact and its reference (whose hash the chain covers) is kept.
 */
export function externalize(value: JsonValue, artifacts: ArtifactStore | undefined, threshold: number): JsonValue {
  if (!artifacts || value === null || typeof value !== 'object') return value;
  const bytes = new TextEncoder().encode(canonicalJson(value));
  if (bytes.byteLength <= threshold) return value;
  return { ...artifacts.putArtifact(bytes, 'application/json') };
}

/** Reads back a value that `externalize` replaced by a reference. */
export function internalize(value: JsonValue, artifacts: ArtifactStore): JsonValue {
  if (!value || typeof value !== 'object' || Array.isArray(value) || typeof value.$artifact !== 'string') return value;
  const { bytes } = artifacts.getArtifact(value.$artifact);
  return JSON.parse(new TextDecoder().decode(bytes)) as JsonValue;
}

/**
 * Artifacts of a Python store (its FileArtifactStore: `artifacts/blobs/<blob_id>.bin` bytes,
 * `artifacts/refs/<artifact_id>.meta` metadata naming the blob). Python references them as
 * `{"$artifact": "<artifact_id>"}` in vars and in hashed records, which cannot be rewritten;
 * so an imported run keeps, in its origin, which of our content-addressed artifacts each
 * Python id names, and references of either kind resolve through `resolveArtifact`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArtifactNotFoundError, ImportError } from '../../src-shared/errors';
import { isJsonObject } from '../../src-shared/json';
import { parsePlainJson } from '../../src-shared/losslessJson';
import type { RunState } from '../../src-shared/types';
import type { ArtifactStore } from '../runtime/contracts';
import { sha256Hex } from '../runtime/sha256';

/** Python's rule for artifact ids (validate_artifact_id): no path separators, no dots. */
const PYTHON_ARTIFACT_ID = /^[A-Za-z0-9_-]+$/;
const BLOB_ID = /^[0-9a-f]{64}$/;
const PY_REF = /"\$artifact"\s*:\s*"([^"\\]*)"/g;

export interface PythonArtifact {
  artifactId: string;
  /** Our reference for the same bytes: `sha256:<blob_id>`. */
  ref: string;
  bytes: Uint8Array;
  mime: string;
}

/** The Python artifact ids named in these texts (ours, `sha256:…`, are not). */
export function pythonArtifactIds(texts: string[]): string[] {
  const ids = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(PY_REF)) if (!m[1]!.startsWith('sha256:')) ids.add(m[1]!);
  return [...ids].sort();
}

/**
 * The ids of the artifacts a Python store keeps for run `runId` (their `.meta` names it),
 * referenced or not. A `.meta` that cannot be read names no run and is left to the
 * reference check (a run that needs it fails there, with its name).
 */
export function pythonArtifactIdsOfRun(storeDir: string, runId: string): string[] {
  const refs = join(storeDir, 'artifacts', 'refs');
  if (!existsSync(refs)) return [];
  const ids: string[] = [];
  for (const f of readdirSync(refs)
    .filter((n) => n.endsWith('.meta'))
    .sort()) {
    try {
      const meta = parsePlainJson(readFileSync(join(refs, f), 'utf8'));
      if (isJsonObject(meta) && meta.run_id === runId && f === `${String(meta.artifact_id)}.meta`) ids.push(meta.artifact_id as string);
    } catch {
      continue;
    }
  }
  return ids;
}

/**
 * Reads and checks the artifacts with these ids from a Python store folder: each must have
 * its `.meta` and its blob, and the blob must hash to its `blob_id` and have its size.
 * Throws ImportError naming the first that does not; reads only, writes nothing.
 */
export function readPythonArtifacts(storeDir: string, ids: string[]): PythonArtifact[] {
  return ids.map((id) => {
    if (!PYTHON_ARTIFACT_ID.test(id)) throw new ImportError(`artifact reference "${id}" is not a Python artifact id`, { artifactId: id });
    const metaPath = join(storeDir, 'artifacts', 'refs', `${id}.meta`);
    if (!existsSync(metaPath))
      throw new ImportError(`the run references artifact ${id}, but ${metaPath} is missing`, { artifactId: id, path: metaPath });
    let meta: unknown;
    try {
      meta = parsePlainJson(readFileSync(metaPath, 'utf8'));
    } catch (err) {
      throw new ImportError(`${metaPath} is not JSON: ${(err as Error).message}`, { path: metaPath });
    }
    if (!isJsonObject(meta) || meta.artifact_id !== id || typeof meta.blob_id !== 'string' || !BLOB_ID.test(meta.blob_id))
      throw new ImportError(`${metaPath} does not describe artifact ${id} (artifact_id and a sha256 blob_id are required)`, {
        path: metaPath,
      });
    const blobPath = join(storeDir, 'artifacts', 'blobs', `${meta.blob_id}.bin`);
    if (!existsSync(blobPath)) throw new ImportError(`artifact ${id}: its blob ${blobPath} is missing`, { artifactId: id, path: blobPath });
    const bytes = new Uint8Array(readFileSync(blobPath));
    if (sha256Hex(bytes) !== meta.blob_id)
      throw new ImportError(`artifact ${id}: ${blobPath} does not match its blob_id (its bytes were changed)`, {
        artifactId: id,
        path: blobPath,
      });
    if (typeof meta.size_bytes === 'number' && meta.size_bytes !== bytes.byteLength)
      throw new ImportError(`artifact ${id}: the blob has ${bytes.byteLength} bytes, its metadata says ${meta.size_bytes}`, {
        artifactId: id,
      });
    const mime = typeof meta.content_type === 'string' ? meta.content_type : 'application/octet-stream';
    return { artifactId: id, ref: `sha256:${meta.blob_id}`, bytes, mime };
  });
}

/** Which of our artifacts each Python artifact id of an imported run names. */
export function pythonArtifactsOf(state: RunState): Record<string, string> {
  return state.origin?.kind === 'import' ? (state.origin.artifacts ?? {}) : {};
}

/** An artifact by our reference (`sha256:…`) or by the Python id an imported run uses. */
export function resolveArtifact(store: ArtifactStore, state: RunState, ref: string): { bytes: Uint8Array; mime: string; ref: string } {
  const ours = ref.startsWith('sha256:') ? ref : pythonArtifactsOf(state)[ref];
  if (!ours) throw new ArtifactNotFoundError(`run ${state.run_id} has no artifact ${ref}`, { ref, runId: state.run_id });
  return { ...store.getArtifact(ours), ref: ours };
}

/**
 * Writing a run in the Python runtime's JSON-file store layout, for its JsonFileRunStore,
 * JsonlLedgerStore + HashChainedLedgerStore and FileArtifactStore to load:
 *   run_<id>.json             the state, as JsonFileRunStore reads it
 *   ledger_<id>.jsonl         every record, hashed bytes unchanged (toPythonLedgerJsonl)
 *   artifacts/blobs/<sha>.bin artifact bytes; artifacts/refs/<id>.meta their metadata
 * Python rebuilds artifact_catalog.sqlite3 from the refs when it is missing. The mappings
 * (timestamps, waits, errors, artifact references) are in docs/interop-python.md.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RawNumber } from '../../src-shared/canonicalJson';
import { BundleInvalidError, RunNotFoundError } from '../../src-shared/errors';
import { stringifyExact } from '../../src-shared/exactJson';
import type { JsonObject, JsonValue } from '../../src-shared/json';
import type { RunState } from '../../src-shared/types';
import type { ArtifactStore, LedgerStore, RunStore } from '../runtime/contracts';
import { referencedArtifacts } from './bundle';
import { pythonArtifactsOf } from './pythonArtifacts';
import { toPythonLedgerJsonl } from './pythonLedger';
import { toPythonWait } from './pythonWaitMapping';

type Source = RunStore & LedgerStore & Partial<ArtifactStore>;

export interface PythonStoreExport {
  runId: string;
  dir: string;
  records: number;
  artifacts: number;
}

export function writePythonStore(store: Source, runId: string, dir: string, now = new Date()): PythonStoreExport {
  const state = store.getRun(runId);
  if (!state) throw new RunNotFoundError(`run ${runId} not found: nothing to export`, { runId });
  const ledger = toPythonLedgerJsonl(store, runId);
  const artifacts = artifactFiles(store, state, ledger, now);
  mkdirSync(dir, { recursive: true });
  for (const a of artifacts) {
    writeAtomically(join(dir, 'artifacts', 'blobs', `${a.blobId}.bin`), a.bytes);
    writeAtomically(join(dir, 'artifacts', 'refs', `${a.artifactId}.meta`), `${JSON.stringify(a.meta, null, 2)}\n`);
  }
  writeAtomically(join(dir, `ledger_${runId}.jsonl`), ledger);
  writeAtomically(join(dir, `run_${runId}.json`), unchangedRunFile(store, state) ?? pythonRunFileText(state));
  return { runId, dir, records: ledger ? ledger.split('\n').length - 1 : 0, artifacts: artifacts.length };
}

/**
 * The Python run file exactly as it was imported, while the run has not moved since: its
 * numbers (`1.0`, `-0.0`, 2^53+1, `NaN`) are kept as Python wrote them, which our state
 * (plain JSON) cannot do.
 */
function unchangedRunFile(store: Source, state: RunState): Uint8Array | null {
  const kept = state.origin?.kind === 'import' ? state.origin.python_run_file : undefined;
  if (!kept || !store.getArtifact || !store.hasArtifact || (state.ledger_head?.seq ?? -1) !== kept.ledger_seq) return null;
  // A run that came through a bundle may not carry the file: then it is written from state.
  return store.hasArtifact(kept.ref) ? store.getArtifact(kept.ref).bytes : null;
}

/** `run_<id>.json` as Python's JsonFileRunStore writes it (`json.dump(asdict(run), indent=2)`). */
export function pythonRunFileText(state: RunState): string {
  const py: JsonObject = {
    run_id: state.run_id,
    workflow_id: state.workflow_id,
    status: state.status,
    current_node: state.current_node,
    vars: pythonRefs(state.vars) as JsonObject,
    // A pending call's large arguments are a reference too (named as Python names artifacts).
    waiting: state.waiting ? (pythonRefs(toPythonWait(state.waiting, isoForPython)) as JsonObject) : null,
    output: pythonRefs(state.output),
    // Python's RunState.error is a string.
    error: state.error ? `${state.error.code}: ${state.error.message}` : null,
    created_at: isoForPython(state.created_at),
    updated_at: isoForPython(state.updated_at),
    actor_id: state.actor_id,
    session_id: state.session_id ?? null,
    parent_run_id: state.parent_run_id,
  };
  // Python's json.dump writes every float by repr (`1.0`, `-0.0`, `1e-07`): stringifyExact spells them so.
  return `${stringifyExact(py, 2)}\n`;
}

/**
 * Our millisecond UTC time (`…T09:00:00.123Z`) as Python's `datetime.isoformat()` writes it
 * (`…T09:00:00.123000+00:00`), which every Python 3 `fromisoformat` reads. Other text is
 * left as it is (a time Python wrote stays byte for byte).
 */
export function isoForPython(iso: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/.exec(iso);
  if (!m) return iso;
  return `${m[1]}.${(m[2] ?? '').padEnd(6, '0')}+00:00`;
}

/**
 * Our references `{"$artifact": "sha256:<hex>", size, mime}` name the artifact `<hex>` for
 * Python (its artifact ids allow no ':'); the records keep theirs, they are hashed.
 */
function pythonRefs(v: JsonValue | null): JsonValue | null {
  if (Array.isArray(v)) return v.map((x) => pythonRefs(x) as JsonValue);
  if (v === null || typeof v !== 'object' || v instanceof RawNumber) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) out[k] = pythonRefs(x) as JsonValue;
  if (typeof out.$artifact === 'string' && /^sha256:[0-9a-f]{64}$/.test(out.$artifact)) out.$artifact = out.$artifact.slice(7);
  return out;
}

interface ArtifactFile {
  artifactId: string;
  blobId: string;
  bytes: Uint8Array;
  meta: JsonObject;
}

function artifactFiles(store: Source, state: RunState, ledger: string, now: Date): ArtifactFile[] {
  const files = new Map<string, ArtifactFile>();
  const add = (artifactId: string, ref: string) => {
    if (files.has(artifactId)) return;
    if (!store.getArtifact) throw new BundleInvalidError(`run references artifact ${ref} but the store keeps no artifacts`, { ref });
    const { bytes, mime } = store.getArtifact(ref);
    const blobId = ref.slice('sha256:'.length);
    files.set(artifactId, {
      artifactId,
      blobId,
      bytes,
      meta: {
        artifact_id: artifactId,
        blob_id: blobId,
        content_type: mime,
        size_bytes: bytes.byteLength,
        created_at: isoForPython(now.toISOString()),
        run_id: state.run_id,
        tags: { source: 'abstractruntime-desktop' },
        metadata: {},
      },
    });
  };
  for (const ref of referencedArtifacts([JSON.stringify(state), ledger])) add(ref.slice('sha256:'.length), ref);
  // Artifacts imported from Python keep their Python ids, which their records name.
  for (const [id, ref] of Object.entries(pythonArtifactsOf(state))) add(id, ref);
  return [...files.values()];
}

function writeAtomically(path: string, data: string | Uint8Array): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o644 });
  renameSync(tmp, path);
}

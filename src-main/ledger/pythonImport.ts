/**
 * Importing runs from the Python runtime's JSON-file store: a `ledger_<id>.jsonl` (with its
 * `run_<id>.json` beside it when present) or a folder of them. The ledger must verify first
 * (LedgerInvalidError names the seq and reason); the run is stored with `origin.kind =
 * "import"`, so it is shown and exported like ours, and resumable only if its workflow is
 * registered here.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ImportError, LedgerInvalidError, RuntimeError } from '../../src-shared/errors';
import { isJsonObject, type JsonObject, type JsonValue } from '../../src-shared/json';
import { RUN_STATUSES, type RunState, type RunStatus, type Snapshot, type VerifyReport } from '../../src-shared/types';
import type { ArtifactStore, RuntimeStore, SnapshotStore } from '../runtime/contracts';
import { parseJsonLossless, parsePlainJson } from '../../src-shared/losslessJson';
import { foreignExact } from '../../src-shared/exactJson';
import type { ChainRow } from './chainRow';
import { writeImportedRun, type ImportResult } from './importRun';
import { planLedgerImport } from './ledgerExtension';
import { fromPythonWait } from './pythonWaitMapping';
import { pythonArtifactIds, pythonArtifactIdsOfRun, readPythonArtifacts, type PythonArtifact } from './pythonArtifacts';
import { pythonSnapshotTexts, readPythonSnapshots } from './pythonSnapshots';
import { sha256Hex } from '../runtime/sha256';
import { parsePythonLedger, verifyPythonLedgerText } from './pythonLedger';
import { refuseUnstorableLines, refuseUnstorableText } from './pythonStorable';

export interface PythonRunFiles {
  runId: string;
  ledgerPath: string;
  runPath: string | null;
}

const LEDGER_FILE = /^ledger_(.+)\.jsonl$/;

/** The runs at a path: one ledger file, or every `ledger_<id>.jsonl` in a folder. */
export function findPythonRuns(path: string): PythonRunFiles[] {
  if (!existsSync(path)) throw new ImportError(`${path} does not exist`, { path });
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => LEDGER_FILE.test(f))
        .sort()
        .map((f) => join(path, f))
    : [path];
  return files.map((ledgerPath) => {
    const m = LEDGER_FILE.exec(basename(ledgerPath));
    if (!m) throw new ImportError(`${ledgerPath} is not a Python ledger file (expected ledger_<run id>.jsonl)`, { path });
    const runPath = join(dirname(ledgerPath), `run_${m[1]}.json`);
    return { runId: m[1]!, ledgerPath, runPath: existsSync(runPath) ? runPath : null };
  });
}

/** Verifies every Python run at `path` (a ledger file or a folder of them), without importing. */
export function verifyPythonRuns(path: string): { runId: string; ledgerPath: string; report: VerifyReport }[] {
  return findPythonRuns(path).map((f) => ({
    runId: f.runId,
    ledgerPath: f.ledgerPath,
    report: verifyPythonLedgerText(readFileSync(f.ledgerPath, 'utf8')),
  }));
}

/** Imports the one run at `path` (a ledger file, or a folder holding exactly one run unless `runId` picks one). */
export function importPythonRun(store: RuntimeStore, path: string, opts: { runId?: string; now?: Date } = {}): ImportResult {
  const runs = findPythonRuns(path).filter((r) => !opts.runId || r.runId === opts.runId);
  if (runs.length !== 1)
    throw new ImportError(
      runs.length
        ? `${path} holds ${runs.length} runs (${runs.map((r) => r.runId).join(', ')}): name one`
        : `no Python run found at ${path}`,
      { path },
    );
  const prepared = preparePythonRun(runs[0]!, opts.now ?? new Date());
  checkImportable(store, prepared);
  return writePrepared(store, prepared);
}

/** A run of the folder that was not imported, and why (a typed error's code and message). */
export interface SkippedRun {
  runId: string;
  path: string;
  code: string;
  message: string;
}

export interface FolderImportResult {
  runs: ImportResult[];
  skipped: SkippedRun[];
}

/**
 * Imports every run in a Python store folder, all or nothing: each run is read, verified and
 * checked against what is stored before anything is written, and if one fails the error
 * names every failing run and why. With `skipInvalid` the good runs are imported and the
 * others listed in `skipped`.
 */
export function importPythonFolder(store: RuntimeStore, dir: string, opts: { now?: Date; skipInvalid?: boolean } = {}): FolderImportResult {
  const now = opts.now ?? new Date();
  const ready: PreparedRun[] = [];
  const skipped: SkippedRun[] = [];
  for (const files of findPythonRuns(dir)) {
    try {
      const prepared = preparePythonRun(files, now);
      checkImportable(store, prepared);
      ready.push(prepared);
    } catch (err) {
      if (!(err instanceof RuntimeError)) throw err;
      skipped.push({ runId: files.runId, path: files.ledgerPath, code: err.code, message: err.message });
    }
  }
  if (skipped.length && !opts.skipInvalid)
    throw new ImportError(
      `nothing imported from ${dir}: ${skipped.length} of ${skipped.length + ready.length} runs cannot be imported (${skipped
        .map((s) => `${s.runId}: ${s.code}: ${s.message}`)
        .join('; ')}); fix them or import the others with --skip-invalid`,
      { path: dir, failed: skipped.map((s) => ({ ...s })) },
    );
  return { runs: ready.map((p) => writePrepared(store, p)), skipped };
}

interface PreparedRun {
  files: PythonRunFiles;
  state: RunState;
  rows: ChainRow[];
  artifacts: PythonArtifact[];
  snapshots: Snapshot[];
  /** The run file's bytes, kept as an artifact so an unchanged run exports them exactly. */
  runFile: Uint8Array | null;
}

type ImportTarget = RuntimeStore & Partial<ArtifactStore> & Partial<SnapshotStore>;

/** Artifacts first (content-addressed, harmless if the run then fails), the run, its snapshots. */
function writePrepared(store: ImportTarget, p: PreparedRun): ImportResult {
  if (p.artifacts.length && !store.putArtifact)
    throw new ImportError(`run ${p.state.run_id} has artifacts but this store keeps none`, { runId: p.state.run_id });
  for (const a of p.artifacts) store.putArtifact!(a.bytes, a.mime);
  if (p.runFile && store.putArtifact) store.putArtifact(p.runFile, 'application/json');
  const result = writeImportedRun(store, p.state, p.rows);
  for (const s of p.snapshots) if (store.getSnapshot && store.saveSnapshot && !store.getSnapshot(s.snapshot_id)) store.saveSnapshot(s);
  return result;
}

/** Reads and verifies one run; throws the typed error that stops it being imported. */
function preparePythonRun(files: PythonRunFiles, now: Date): PreparedRun {
  const text = readText(files.ledgerPath);
  refuseUnstorableLines(files.runId, files.ledgerPath, text);
  const report = verifyPythonLedgerText(text);
  // An unchained ledger cannot be checked, but it is how many Python hosts write: imported
  // read-only and shown as such, never taken for a verified one.
  if (!report.valid && report.reason !== 'unchained')
    throw new LedgerInvalidError(`${files.ledgerPath} does not verify: ${report.message}`, {
      path: files.ledgerPath,
      seq: report.firstBadSeq,
      reason: report.reason,
    });
  const { rows } = parsePythonLedger(text);
  const runText = files.runPath ? readText(files.runPath) : '{}';
  if (files.runPath) refuseUnstorableText(files.runId, files.runPath, runText);
  const nonFinite: string[] = [];
  const py = files.runPath ? readRunFile(files.runPath, runText, nonFinite) : {};
  const storeDir = dirname(files.ledgerPath);
  const snapshotTexts = pythonSnapshotTexts(storeDir, files.runId);
  snapshotTexts.forEach((t, i) => refuseUnstorableText(files.runId, `${storeDir}/snapshots (snapshot ${i + 1} of the run)`, t));
  const named = pythonArtifactIds([runText, ...rows.map((r) => r.body), ...snapshotTexts]);
  const artifacts = readPythonArtifacts(storeDir, [...new Set([...named, ...pythonArtifactIdsOfRun(storeDir, files.runId)])].sort());
  const stateOf = (runState: JsonObject, upTo: ChainRow[]) => {
    const state = pythonState(runState, upTo, files, now);
    if (state.origin?.kind === 'import') {
      if (report.reason === 'unchained') state.origin.hash_chain = false;
      if (artifacts.length) state.origin.artifacts = Object.fromEntries(artifacts.map((a) => [a.artifactId, a.ref]));
    }
    return state;
  };
  const snapshots = readPythonSnapshots(storeDir, files.runId, rows, stateOf);
  const state = stateOf(py, rows);
  if (nonFinite.length && state.origin?.kind === 'import') state.origin.non_finite = nonFinite;
  const runFile = files.runPath ? new TextEncoder().encode(runText) : null;
  if (runFile && state.origin?.kind === 'import')
    state.origin.python_run_file = { ref: `sha256:${sha256Hex(runFile)}`, ledger_seq: rows.length - 1 };
  return { files, state, rows, artifacts, snapshots, runFile };
}

/** The conflict writeImportedRun would meet, found before anything of the folder is written. */
function checkImportable(store: RuntimeStore, p: PreparedRun): void {
  const existing = store.getRun(p.state.run_id);
  if (!existing) return;
  const rowAt = (store as { ledgerRowAt?: (runId: string, seq: number) => ChainRow | null }).ledgerRowAt;
  if (rowAt)
    planLedgerImport(p.state.run_id, { head: existing.ledger_head, rowAt: (seq) => rowAt.call(store, p.state.run_id, seq) }, p.rows);
  else if (existing.ledger_head?.hash !== p.state.ledger_head?.hash)
    throw new ImportError(`run ${p.state.run_id} already exists here with a different ledger`, { runId: p.state.run_id });
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ImportError(`${path} cannot be read: ${(err as Error).message}`, { path });
  }
}

function readRunFile(path: string, text: string, nonFinite: string[]): JsonObject {
  try {
    // Numbers as Python wrote them (`1.0`, `-0.0`, 2^53+1); its NaN and ±Infinity (which
    // JSON.parse cannot read) by name, their paths collected.
    const v = foreignExact(parseJsonLossless(text), '', nonFinite);
    if (!isJsonObject(v)) throw new Error('not a JSON object');
    return v;
  } catch (err) {
    throw new ImportError(`${path} is not a Python run file: ${(err as Error).message}`, { path });
  }
}

/** Our RunState for a Python run: its fields where they exist, the ledger's head always. */
export function pythonState(py: JsonObject, rows: ChainRow[], files: PythonRunFiles, now: Date): RunState {
  const last = rows[rows.length - 1];
  const lastBody = last ? (parsePlainJson(last.body) as JsonObject) : {};
  const status = RUN_STATUSES.includes(py.status as RunStatus) ? (py.status as RunStatus) : inferStatus(lastBody);
  const str = (v: JsonValue | undefined, dflt: string | null = null) => (typeof v === 'string' ? v : dflt);
  return {
    run_id: str(py.run_id) ?? files.runId,
    workflow_id: str(py.workflow_id) ?? 'unknown',
    workflow_version: str(py.workflow_version) ?? '1',
    parent_run_id: str(py.parent_run_id),
    status,
    current_node: str(py.current_node) ?? str(lastBody.node_id) ?? '',
    vars: isJsonObject(py.vars) ? py.vars : {},
    output: py.output ?? null,
    error: pythonError(py.error, str(py.current_node)),
    waiting: status === 'waiting' && isJsonObject(py.waiting) ? fromPythonWait(py.waiting) : null,
    paused: false,
    step_count: rows.length,
    visits: visitsOf(rows),
    pending_effect: null,
    ledger_head: last ? { seq: last.seq, hash: last.record_hash } : null,
    created_at: str(py.created_at) ?? now.toISOString(),
    updated_at: str(py.updated_at) ?? now.toISOString(),
    actor_id: str(py.actor_id),
    session_id: str(py.session_id) ?? sessionOfRecords(rows),
    origin: { kind: 'import', source: 'abstractruntime-py', imported_at: now.toISOString(), path: files.ledgerPath },
  };
}

/** Visits per node as the ledger shows them: Python keeps one step_id per visit. */
function visitsOf(rows: ChainRow[]): Record<string, number> {
  const steps = new Map<string, Set<string>>();
  for (const row of rows) {
    const body = parsePlainJson(row.body);
    if (!isJsonObject(body) || typeof body.node_id !== 'string' || !body.node_id) continue;
    let set = steps.get(body.node_id);
    if (!set) steps.set(body.node_id, (set = new Set()));
    set.add(typeof body.step_id === 'string' ? body.step_id : `#${row.seq}`);
  }
  return Object.fromEntries([...steps].map(([node, set]) => [node, set.size]));
}

/** Python records carry the run's session too; a ledger without its run file still tells it. */
function sessionOfRecords(rows: ChainRow[]): string | null {
  const first = rows[0];
  if (!first) return null;
  const body = parsePlainJson(first.body);
  return isJsonObject(body) && typeof body.session_id === 'string' ? body.session_id : null;
}

function inferStatus(lastBody: JsonObject): RunStatus {
  if (lastBody.status === 'waiting') return 'waiting';
  if (lastBody.status === 'failed') return 'failed';
  if (lastBody.status === 'completed' && !lastBody.effect) return 'completed';
  return 'running';
}

function pythonError(err: JsonValue | undefined, nodeId: string | null): RunState['error'] {
  if (err === undefined || err === null) return null;
  if (isJsonObject(err) && typeof err.message === 'string')
    return { code: typeof err.code === 'string' ? err.code : 'PYTHON_ERROR', message: err.message, node_id: nodeId };
  return { code: 'PYTHON_ERROR', message: typeof err === 'string' ? err : JSON.stringify(err), node_id: nodeId };
}

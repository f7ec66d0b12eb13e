/**
 * Importing runs from the Python runtime's JSON-file store: a `ledger_<id>.jsonl` (with its
 * `run_<id>.json` beside it when present) or a folder of them. The ledger must verify first
 * (LedgerInvalidError names the seq and reason); the run is stored with `origin.kind =
 * "import"`, so it is shown and exported like ours, and resumable only if its workflow is
 * registered here.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ImportError, LedgerInvalidError } from '../../src-shared/errors';
import { isJsonObject, type JsonObject, type JsonValue } from '../../src-shared/json';
import { RUN_STATUSES, type RunState, type RunStatus, type VerifyReport, type WaitReason, type WaitState } from '../../src-shared/types';
import type { RuntimeStore } from '../runtime/contracts';
import { parsePlainJson } from '../../src-shared/losslessJson';
import type { ChainRow } from './chainRow';
import { writeImportedRun, type ImportResult } from './importRun';
import { parsePythonLedger, verifyPythonLedgerText } from './pythonLedger';

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
    ? readdirSync(path).filter((f) => LEDGER_FILE.test(f)).sort().map((f) => join(path, f))
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
  return findPythonRuns(path).map((f) => ({ runId: f.runId, ledgerPath: f.ledgerPath, report: verifyPythonLedgerText(readFileSync(f.ledgerPath, 'utf8')) }));
}

/** Imports the one run at `path` (a ledger file, or a folder holding exactly one run unless `runId` picks one). */
export function importPythonRun(store: RuntimeStore, path: string, opts: { runId?: string; now?: Date } = {}): ImportResult {
  const runs = findPythonRuns(path).filter((r) => !opts.runId || r.runId === opts.runId);
  if (runs.length !== 1)
    throw new ImportError(
      runs.length ? `${path} holds ${runs.length} runs (${runs.map((r) => r.runId).join(', ')}): name one` : `no Python run found at ${path}`,
      { path },
    );
  return importPythonFiles(store, runs[0]!, opts.now ?? new Date());
}

export function importPythonFolder(store: RuntimeStore, dir: string, now = new Date()): ImportResult[] {
  return findPythonRuns(dir).map((files) => importPythonFiles(store, files, now));
}

function importPythonFiles(store: RuntimeStore, files: PythonRunFiles, now: Date): ImportResult {
  const text = readFileSync(files.ledgerPath, 'utf8');
  const report = verifyPythonLedgerText(text);
  if (!report.valid)
    throw new LedgerInvalidError(`${files.ledgerPath} does not verify: ${report.message}`, {
      path: files.ledgerPath,
      seq: report.firstBadSeq,
      reason: report.reason,
    });
  const { rows } = parsePythonLedger(text);
  const py = files.runPath ? readRunFile(files.runPath) : {};
  const state = pythonState(py, rows, files, now);
  return writeImportedRun(store, state, rows);
}

function readRunFile(path: string): JsonObject {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as JsonValue;
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
    waiting: status === 'waiting' && isJsonObject(py.waiting) ? pythonWait(py.waiting) : null,
    paused: false,
    step_count: rows.length,
    visits: {},
    pending_effect: null,
    ledger_head: last ? { seq: last.seq, hash: last.record_hash } : null,
    created_at: str(py.created_at) ?? now.toISOString(),
    updated_at: str(py.updated_at) ?? now.toISOString(),
    actor_id: str(py.actor_id),
    origin: { kind: 'import', source: 'abstractruntime-py', imported_at: now.toISOString(), path: files.ledgerPath },
  };
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

const WAIT_REASONS: WaitReason[] = ['user', 'event', 'until', 'tool_calls', 'subworkflow', 'recovery'];

function pythonWait(w: JsonObject): WaitState {
  const s = (v: JsonValue | undefined) => (typeof v === 'string' ? v : null);
  const known = WAIT_REASONS.includes(w.reason as WaitReason);
  const reason = known ? (w.reason as WaitReason) : 'event';
  const details = isJsonObject(w.details) ? w.details : null;
  return {
    reason,
    wait_key: s(w.wait_key) ?? '',
    result_key: s(w.result_key),
    resume_to_node: s(w.resume_to_node),
    until: s(w.until),
    prompt: s(w.prompt),
    choices: Array.isArray(w.choices) ? w.choices.filter((c): c is string => typeof c === 'string') : null,
    allow_free_text: w.allow_free_text !== false,
    // Python resumes event waits by their wait_key: that is the event's name here.
    event_name: reason === 'event' ? (s(w.event_name) ?? s(w.wait_key)) : null,
    tool_calls: null,
    child_run_id: s(w.child_run_id),
    details: known ? details : { ...(details ?? {}), python_reason: w.reason ?? null },
  };
}

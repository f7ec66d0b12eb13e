/**
 * Python's RunHistoryBundle v1 (`export_run_history_bundle`): one JSON document with the
 * root run's summary and input vars, the ledgers of the run and its descendants
 * (`ledgers[<run id>].items[].record`, each a StepRecord with its hash), a workflow snapshot
 * reference and a timeline derived from the records. Importing verifies every ledger
 * before writing anything; exporting writes each record with the exact hashed bytes.
 */
import { readFileSync } from 'node:fs';
import { ImportError, LedgerInvalidError, NonJsonValueError } from '../../src-shared/errors';
import { findUnstorable, jsonTextDepth, MAX_JSON_DEPTH } from '../../src-shared/storableJson';
import { isJsonObject, type JsonObject, type JsonValue } from '../../src-shared/json';
import { parseJsonLossless, parsePlainJson, toPlainJson } from '../../src-shared/losslessJson';
import { foreignExact, readJsonExact, stringifyExact } from '../../src-shared/exactJson';
import type { CanonicalInput } from '../../src-shared/canonicalJson';
import type { RunState } from '../../src-shared/types';
import type { LedgerStore, RunStore, RuntimeStore } from '../runtime/contracts';
import type { ChainRow } from './chainRow';
import { writeImportedRun } from './importRun';
import { planLedgerImport } from './ledgerExtension';
import type { FolderImportResult } from './pythonImport';
import { pythonState } from './pythonImport';
import { rowFromPythonRecord, toPythonLedgerJsonl } from './pythonLedger';
import { isoForPython, pythonRunFileText } from './pythonStoreExport';
import { verifyChain } from './verifyChain';

export const RUN_HISTORY_VERSION = 1;

/** Whether a parsed JSON document is a RunHistoryBundle (and not our export bundle). */
export function isRunHistoryBundle(v: unknown): boolean {
  return (
    isJsonObject(v) &&
    v.version === RUN_HISTORY_VERSION &&
    typeof v.root_run_id === 'string' &&
    isJsonObject(v.ledgers) &&
    isJsonObject(v.run)
  );
}

interface HistoryRun {
  runId: string;
  rows: ChainRow[];
  state: RunState;
}

/** Reads and verifies every ledger of a RunHistoryBundle file; writes nothing. */
export function readRunHistory(path: string, now = new Date()): HistoryRun[] {
  let doc: CanonicalInput;
  const text = readText(path);
  try {
    doc = parseJsonLossless(text);
  } catch (err) {
    throw new ImportError(`${path} is not JSON: ${(err as Error).message}`, { path });
  }
  // Numbers as Python wrote them; NaN / Infinity by name, their paths kept (the run is read-only).
  const nonFinite: string[] = [];
  const plain = foreignExact(doc, '', nonFinite);
  if (!isRunHistoryBundle(plain))
    throw new ImportError(`${path} is not a RunHistoryBundle v1 (version 1, root_run_id, run, ledgers)`, { path });
  const bundle = doc as { [k: string]: CanonicalInput };
  const head = plain as JsonObject;
  const rootId = head.root_run_id as string;
  // The path names the run inside the bundle (ledgers.<run id>...) when it is not the root's.
  const bad = findUnstorable(plain, '$');
  if (bad)
    throw new NonJsonValueError(`run ${rootId}: ${path}: ${bad.message}`, {
      runId: rootId,
      file: path,
      path: bad.path,
      problem: bad.problem,
    });
  const ledgers = bundle.ledgers as { [runId: string]: CanonicalInput };
  if (!(rootId in ledgers)) throw new ImportError(`${path}: ledgers has no entry for the root run ${rootId}`, { path });
  const out: HistoryRun[] = [];
  for (const runId of [
    rootId,
    ...Object.keys(ledgers)
      .filter((id) => id !== rootId)
      .sort(),
  ]) {
    const rows = historyRows(path, runId, ledgers[runId]!);
    const report = verifyChain(rows);
    if (!report.valid && report.reason !== 'unchained')
      throw new LedgerInvalidError(`${path}: the ledger of run ${runId} does not verify: ${report.message}`, {
        path,
        runId,
        seq: report.firstBadSeq,
        reason: report.reason,
      });
    const files = { runId, ledgerPath: path, runPath: null };
    const py: JsonObject = runId === rootId ? rootRunState(head) : { run_id: runId, parent_run_id: rootId };
    const state = pythonState(py, rows, files, now);
    if (state.origin?.kind === 'import' && report.reason === 'unchained') state.origin.hash_chain = false;
    // Only the root run has a state in the bundle (its summary and input); records are not state.
    const mine = runId === rootId ? nonFinite.filter((p) => /^(run|input_data|workflow_snapshot)\b/.test(p)) : [];
    if (state.origin?.kind === 'import' && mine.length) state.origin.non_finite = mine;
    out.push({ runId, rows, state });
  }
  return out;
}

function readText(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ImportError(`${path} cannot be read: ${(err as Error).message}`, { path });
  }
  // Measured on the text: the parser that would find it out is recursive.
  if (jsonTextDepth(text) > MAX_JSON_DEPTH)
    throw new NonJsonValueError(`${path} is nested deeper than ${MAX_JSON_DEPTH} levels`, { file: path, path: '$', problem: 'too_deep' });
  return text;
}

/** The bundle's `run` summary with its `input_data` as vars and the workflow snapshot reference kept. */
function rootRunState(head: JsonObject): JsonObject {
  const run = head.run as JsonObject;
  const vars: JsonObject = isJsonObject(head.input_data) ? { ...head.input_data } : {};
  if (isJsonObject(head.workflow_snapshot)) vars._runtime = { workflow_snapshot: head.workflow_snapshot };
  return { ...run, vars };
}

function historyRows(path: string, runId: string, ledger: CanonicalInput): ChainRow[] {
  const l = ledger as { [k: string]: CanonicalInput };
  const plain = toPlainJson(ledger) as JsonObject;
  if (!isJsonObject(plain) || !Array.isArray(plain.items))
    throw new ImportError(`${path}: ledgers.${runId}.items is not a list`, { path, runId });
  if (plain.cursor_start !== 1 || plain.total !== plain.items.length)
    throw new ImportError(
      `${path}: the ledger of run ${runId} is cut (records ${String(plain.cursor_start)}–${String(plain.cursor_end)} of ${String(plain.total)}); a chain can only be checked whole: export it with ledger_mode="full"`,
      { path, runId },
    );
  return (l.items as CanonicalInput[]).map((item, i) => {
    const it = item as { [k: string]: CanonicalInput };
    if (!it || typeof it !== 'object' || Array.isArray(it) || toPlainJson(it.cursor ?? null) !== i + 1)
      throw new ImportError(`${path}: ledgers.${runId}.items[${i}] is not item ${i + 1} of the ledger`, { path, runId });
    try {
      return rowFromPythonRecord(it.record ?? null, i);
    } catch (err) {
      throw new LedgerInvalidError(`${path}: ledgers.${runId}.items[${i}].record: ${(err as Error).message}`, {
        path,
        runId,
        seq: i,
        reason: 'malformed',
      });
    }
  });
}

/** Imports a RunHistoryBundle: every ledger verified first, then all runs written. */
export function importRunHistory(store: RuntimeStore, path: string, now = new Date()): FolderImportResult {
  const runs = readRunHistory(path, now);
  for (const r of runs) {
    const existing = store.getRun(r.runId);
    const rowAt = (store as { ledgerRowAt?: (runId: string, seq: number) => ChainRow | null }).ledgerRowAt;
    if (existing && rowAt)
      planLedgerImport(r.runId, { head: existing.ledger_head, rowAt: (seq) => rowAt.call(store, r.runId, seq) }, r.rows);
  }
  return { runs: runs.map((r) => writeImportedRun(store, r.state, r.rows)), skipped: [] };
}

type HistorySource = RunStore & LedgerStore;

/** A RunHistoryBundle v1 of a run and its descendants, as Python's `ledger_mode="full"` writes it. */
export function writeRunHistory(store: HistorySource, runId: string, now = new Date()): string {
  const root = store.getRun(runId);
  if (!root) throw new ImportError(`run ${runId} not found: nothing to export`, { runId });
  const ids = [runId, ...descendants(store, runId)];
  const raw: string[] = [];
  const ledgers: JsonObject = {};
  const timeline: JsonValue[] = [];
  for (const id of ids) {
    const lines = toPythonLedgerJsonl(store, id).split('\n').filter(Boolean);
    const items = lines.map((line, i) => {
      raw.push(line);
      const rec = parsePlainJson(line) as JsonObject;
      timeline.push(timelineItem(id, i + 1, rec));
      return { cursor: i + 1, record: `\u0000record ${raw.length - 1}\u0000` };
    });
    ledgers[id] = { run_id: id, total: lines.length, cursor_start: 1, cursor_end: lines.length, items, artifacts: [] };
  }
  const py = readJsonExact(pythonRunFileText(root)) as JsonObject;
  const vars = py.vars as JsonObject;
  const runtime = isJsonObject(vars._runtime) ? vars._runtime : null;
  const bundle: JsonObject = {
    version: RUN_HISTORY_VERSION,
    generated_at: isoForPython(now.toISOString()),
    root_run_id: runId,
    run: {
      run_id: py.run_id!,
      workflow_id: py.workflow_id!,
      status: py.status!,
      current_node: py.current_node!,
      created_at: py.created_at!,
      updated_at: py.updated_at!,
      actor_id: py.actor_id!,
      session_id: py.session_id!,
      parent_run_id: py.parent_run_id!,
      error: py.error!,
      waiting: py.waiting!,
    },
    workflow_snapshot: runtime && isJsonObject(runtime.workflow_snapshot) ? runtime.workflow_snapshot : null,
    input_data: Object.fromEntries(Object.entries(vars).filter(([k]) => !k.startsWith('_'))),
    ledgers,
    timeline,
    session: null,
  };
  // Records go in as the exact lines of the ledger file (their hashed bytes), not re-serialized.
  return `${stringifyExact(bundle, 1).replace(/"\\u0000record (\d+)\\u0000"/g, (_m, i: string) => raw[Number(i)]!)}\n`;
}

function descendants(store: RunStore, runId: string): string[] {
  const out: string[] = [];
  for (const child of store.listRuns({ parentRunId: runId, limit: 10_000 }).runs)
    out.push(child.run_id, ...descendants(store, child.run_id));
  return out;
}

function timelineItem(runId: string, cursor: number, rec: JsonObject): JsonObject {
  const started = typeof rec.started_at === 'string' ? rec.started_at : null;
  const ended = typeof rec.ended_at === 'string' ? rec.ended_at : started;
  const ms = started && ended ? Date.parse(ended) - Date.parse(started) : NaN;
  const effect = isJsonObject(rec.effect) && typeof rec.effect.type === 'string' ? rec.effect.type : null;
  return {
    run_id: runId,
    cursor,
    node_id: typeof rec.node_id === 'string' && rec.node_id ? rec.node_id : null,
    status: typeof rec.status === 'string' ? rec.status : null,
    effect_type: effect,
    started_at: started,
    ended_at: ended,
    duration_ms: Number.isFinite(ms) ? Math.max(0, Math.round(ms * 100) / 100) : null,
  };
}

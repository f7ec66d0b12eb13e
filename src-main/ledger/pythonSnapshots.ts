/**
 * Snapshots a Python store keeps (its JsonSnapshotStore: `snapshots/snapshot_<id>.json`
 * holding `run_state` and when it was taken), as snapshots of their run here. Python does
 * not record where in the ledger a snapshot was taken: it is placed after the last record
 * that ended at or before its `created_at` (both times are written by the same Python clock).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImportError } from '../../src-shared/errors';
import { isJsonObject, type JsonObject } from '../../src-shared/json';
import { foreignExact } from '../../src-shared/exactJson';
import { parseJsonLossless, parsePlainJson } from '../../src-shared/losslessJson';
import type { RunState, Snapshot } from '../../src-shared/types';
import { hashCanonical } from '../runtime/sha256';
import type { ChainRow } from './chainRow';

const SNAPSHOT_FILE = /^snapshot_(.+)\.json$/;

/** The Python snapshots of run `runId` in a store folder, as our snapshots (read only). */
export function readPythonSnapshots(
  storeDir: string,
  runId: string,
  rows: ChainRow[],
  stateOf: (py: JsonObject, rows: ChainRow[]) => RunState,
): Snapshot[] {
  const dir = join(storeDir, 'snapshots');
  if (!existsSync(dir)) return [];
  const out: Snapshot[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => SNAPSHOT_FILE.test(f))
    .sort()) {
    const path = join(dir, name);
    let py: unknown;
    const nonFinite: string[] = [];
    try {
      // Numbers as Python wrote them; NaN / Infinity by name (the snapshot's run is then read-only).
      py = foreignExact(parseJsonLossless(readFileSync(path, 'utf8')), '', nonFinite);
    } catch (err) {
      throw new ImportError(`${path} is not a Python snapshot: ${(err as Error).message}`, { path });
    }
    if (!isJsonObject(py) || py.run_id !== runId) continue;
    if (typeof py.snapshot_id !== 'string' || !isJsonObject(py.run_state) || typeof py.created_at !== 'string')
      throw new ImportError(`${path} is not a Python snapshot (snapshot_id, created_at and run_state are required)`, { path });
    const at = rows.filter((r) => endedAt(r) <= (py as JsonObject).created_at!).length;
    const state = stateOf(py.run_state, rows.slice(0, at));
    if (nonFinite.length && state.origin?.kind === 'import') state.origin.non_finite = nonFinite;
    out.push({
      snapshot_id: py.snapshot_id,
      run_id: runId,
      name: typeof py.name === 'string' && py.name ? py.name : py.snapshot_id,
      description: typeof py.description === 'string' ? py.description : null,
      tags: Array.isArray(py.tags) ? py.tags.filter((t): t is string => typeof t === 'string') : [],
      created_at: py.created_at,
      ledger_seq: at - 1,
      state_hash: hashCanonical(state),
      state,
    });
  }
  return out;
}

/** The text of each snapshot file of run `runId` in a store folder (to find the artifacts they name). */
export function pythonSnapshotTexts(storeDir: string, runId: string): string[] {
  const dir = join(storeDir, 'snapshots');
  if (!existsSync(dir)) return [];
  const texts = readdirSync(dir)
    .filter((f) => SNAPSHOT_FILE.test(f))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
  return texts.filter((t) => {
    try {
      const v = parsePlainJson(t);
      return isJsonObject(v) && v.run_id === runId;
    } catch {
      return false;
    }
  });
}

function endedAt(row: ChainRow): string {
  const body = parsePlainJson(row.body);
  if (!isJsonObject(body)) return '';
  return typeof body.ended_at === 'string' ? body.ended_at : typeof body.started_at === 'string' ? body.started_at : '';
}

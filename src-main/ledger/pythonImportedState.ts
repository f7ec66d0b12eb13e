/**
 * Where a replay of an imported Python run can start: its state when it was imported, read
 * from the run file kept with it (`origin.python_run_file`), at the ledger seq that file went
 * with. Python records carry no initial vars (and their `waiting` records wrap the wait), so
 * a replay from the first record alone cannot rebuild what the run held.
 */
import { RUN_STATUSES, type RunState, type RunStatus, type WaitState } from '../../src-shared/types';
import { foreignExact } from '../../src-shared/exactJson';
import { isJsonObject, type JsonObject } from '../../src-shared/json';
import { parseJsonLossless } from '../../src-shared/losslessJson';
import type { ArtifactStore } from '../runtime/contracts';
import { fromPythonWait } from './pythonWaitMapping';

export interface ImportedStart {
  seq: number;
  vars: JsonObject;
  status: RunStatus;
  wait: WaitState | null;
}

export function importedPythonStart(store: Partial<ArtifactStore>, state: RunState): ImportedStart | null {
  const kept = state.origin?.kind === 'import' ? state.origin.python_run_file : undefined;
  if (!kept || !store.hasArtifact?.(kept.ref) || !store.getArtifact) return null;
  let doc;
  try {
    doc = foreignExact(parseJsonLossless(new TextDecoder().decode(store.getArtifact(kept.ref).bytes)));
  } catch {
    return null; // it was read when imported; a file that no longer reads gives no start
  }
  if (!isJsonObject(doc)) return null;
  const status = RUN_STATUSES.includes(doc.status as RunStatus) ? (doc.status as RunStatus) : 'running';
  return {
    seq: kept.ledger_seq,
    vars: isJsonObject(doc.vars) ? doc.vars : {},
    status,
    wait: status === 'waiting' && isJsonObject(doc.waiting) ? fromPythonWait(doc.waiting) : null,
  };
}

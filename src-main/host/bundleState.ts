/**
 * A bundle's `state` is a claim beside the chain, not part of it: anyone can edit status,
 * output, error, workflow or vars and the records still verify. So the state is checked
 * against what the records say (the same replay the state inspector uses, stateAt.ts):
 * workflow id and version (the first record), status, output (the final `completed`
 * record), error (the final `failed` record) and vars (replayed). A bundle whose state
 * disagrees is invalid, naming the field. Records written by another runtime (Python) do
 * not carry what a replay needs: their state is reported as not derivable, never as checked.
 */
import { canonicalJson, type CanonicalInput } from '../../src-shared/canonicalJson';
import { readJsonExact } from '../../src-shared/exactJson';
import { LedgerInvalidError } from '../../src-shared/errors';
import type { LedgerRecord, RunState, Snapshot, VerifyReport } from '../../src-shared/types';
import type { RuntimeStore, SnapshotStore } from '../runtime/contracts';
import type { ExportBundle } from '../ledger/bundle';
import { parseBundle } from '../ledger/bundleSchema';
import { stateAt } from './stateAt';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** The first field of `bundle.state` the records contradict, or null. */
export function bundleStateProblem(bundle: ExportBundle): { field: string; message: string } | null {
  if (bundle.records.length === 0 || bundle.records.some((r) => r.foreign)) return null;
  const records = bundle.records.map((r) => ({
    // Read exactly, as the state was: 98765432109876543210 in both, not a rounded double in one.
    ...(readJsonExact(r.body) as unknown as LedgerRecord),
    record_hash: r.record_hash,
    signature: r.signature,
  }));
  const state = bundle.state;
  const first = records[0]!.result as { workflow_id?: unknown; workflow_version?: unknown } | null;
  if (typeof first?.workflow_id === 'string' && first.workflow_id !== state.workflow_id) return mismatch('workflow_id');
  if (bundle.workflow_id !== state.workflow_id) return mismatch('workflow_id');
  if (typeof first?.workflow_version === 'string' && first.workflow_version !== state.workflow_version) return mismatch('workflow_version');
  let replay: ReturnType<typeof stateAt>;
  try {
    replay = stateAt(recordSource(records, bundle.snapshots), state, records.at(-1)!.seq);
  } catch (err) {
    return { field: 'state', message: `the bundle's state cannot be replayed from its records (${(err as Error).message})` };
  }
  const endedAs = lastTerminal(records);
  if ((TERMINAL.has(state.status) || endedAs) && state.status !== (endedAs?.kind ?? replay.status)) return mismatch('status');
  if (state.status === 'completed' && endedAs?.kind === 'completed' && !same(state.output ?? null, endedAs.result ?? null))
    return mismatch('output');
  if (state.status === 'failed' && endedAs?.kind === 'failed' && !sameError(state.error, endedAs.error)) return mismatch('error');
  if (!same(state.vars, replay.vars)) return mismatch('vars');
  return null;
}

/** The report with the state check applied (a valid chain with a contradicted state is invalid). */
export function withBundleState<R extends VerifyReport>(report: R, bundle: unknown): R {
  if (!report.valid) return report;
  const problem = bundleStateProblem(bundle as ExportBundle);
  if (!problem) return report;
  const seq = (bundle as ExportBundle).records.at(-1)?.seq ?? null;
  return { ...report, valid: false, firstBadSeq: seq, reason: 'malformed', message: problem.message };
}

function mismatch(field: string): { field: string; message: string } {
  return { field, message: `the bundle's state.${field} disagrees with its records: the state was edited` };
}

function lastTerminal(records: LedgerRecord[]): LedgerRecord | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.kind === 'completed' || r.kind === 'failed' || r.kind === 'cancelled') return r;
    if (r.kind === 'restored' || r.kind === 'resumed') return null;
  }
  return null;
}

function same(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a as CanonicalInput) === canonicalJson(b as CanonicalInput);
  } catch {
    return false;
  }
}

function sameError(state: RunState['error'], recorded: LedgerRecord['error'] | undefined): boolean {
  if (!state) return !recorded;
  if (!recorded) return false;
  if (typeof recorded === 'string') return state.message === recorded;
  return state.code === recorded.code && state.message === recorded.message;
}

function recordSource(records: LedgerRecord[], snapshots: Snapshot[]): RuntimeStore & SnapshotStore {
  const snaps = new Map(snapshots.map((s) => [s.snapshot_id, s]));
  return {
    readLedger: (_runId: string, q: { afterSeq?: number; limit?: number }) => {
      const from = records.findIndex((r) => r.seq > (q.afterSeq ?? -1));
      const page = from < 0 ? [] : records.slice(from, from + (q.limit ?? records.length));
      return { records: page, total: records.length };
    },
    getSnapshot: (id: string) => snaps.get(id) ?? null,
  } as unknown as RuntimeStore & SnapshotStore;
}

/** Refuses (before anything is written) a bundle whose state its records contradict. */
export function assertBundleState(input: unknown): void {
  const problem = bundleStateProblem(parseBundle(input));
  if (problem)
    throw new LedgerInvalidError(`the bundle does not verify: ${problem.message}`, { field: problem.field, reason: 'malformed' });
}

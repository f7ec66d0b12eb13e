import { ConcurrentUpdateError, StoreError } from '../../src-shared/errors';
import type { RunState } from '../../src-shared/types';
import type { CommitBatch } from '../runtime/storeContract';

/**
 * The rules every commit must satisfy before anything is written: the writer started from
 * the stored head (else another writer got there first), records continue the chain, and
 * the state's head is the last record's. Store-agnostic, so SQLite can reuse it.
 */
export function checkBatch(batch: CommitBatch, current: RunState | null): void {
  const runId = batch.state.run_id;
  if (batch.isNew && current) throw new ConcurrentUpdateError(`run ${runId} already exists`, { runId });
  if (!batch.isNew && !current) throw new StoreError(`run ${runId} does not exist`, { runId });
  const storedSeq = current?.ledger_head?.seq ?? null;
  if (!batch.isNew && batch.expectedHeadSeq !== storedSeq)
    throw new ConcurrentUpdateError(
      `run ${runId} changed since it was read (head ${storedSeq ?? 'none'}, writer expected ${batch.expectedHeadSeq ?? 'none'})`,
      { runId, storedSeq, expectedHeadSeq: batch.expectedHeadSeq },
    );
  let head = current?.ledger_head ?? null;
  for (const r of batch.records) {
    if (r.run_id !== runId) throw new StoreError(`record ${r.seq} belongs to run ${r.run_id}, not ${runId}`, { runId });
    const seq = head ? head.seq + 1 : 0;
    if (r.seq !== seq || r.prev_hash !== (head?.hash ?? null))
      throw new StoreError(`record ${r.seq} of run ${runId} does not continue the chain at seq ${seq}`, { runId, seq });
    head = { seq: r.seq, hash: r.record_hash };
  }
  const stateHead = batch.state.ledger_head;
  if ((stateHead?.seq ?? null) !== (head?.seq ?? null) || (stateHead?.hash ?? null) !== (head?.hash ?? null))
    throw new StoreError(`the state of run ${runId} does not point at its last record`, { runId });
}

/**
 * The idempotency keys of each run's completed records, as of a head, so that the kernel's
 * replay look-up before an effect ("is there a completed record with this key?") costs no
 * round trip for a run this store read or wrote last. A key set is taken in the same
 * statement as the run's state (getRun) and kept up by this store's own commits.
 *
 * Why a cached "no" is safe: it is given only for the head the asker names, and only when
 * that is the head the set was taken at or carried to by this store's commits. If another
 * process wrote to the run since, the asker's state is as old as the set, and the commit
 * it makes against that head is refused (every commit is checked against its expected
 * head), so nothing acts on the stale answer: an effect with side effects runs only after
 * its intent's commit is durable. A "yes" always goes to the server for the record.
 */
import type { CommitBatch } from '../../runtime/storeContract';

/** A run with more completed keys than this is looked up on the server each time. */
export const MAX_KEYS_PER_RUN = 1000;
const MAX_RUNS = 10_000;

interface Known {
  headSeq: number | null;
  keys: Set<string>;
}

export class CompletedKeys {
  private runs = new Map<string, Known>();

  /** What a read saw: the run's head and its completed keys (null: too many to keep). */
  remember(runId: string, headSeq: number | null, keys: string[] | null): void {
    this.runs.delete(runId);
    if (!keys || keys.length > MAX_KEYS_PER_RUN) return;
    if (this.runs.size >= MAX_RUNS) this.runs.delete(this.runs.keys().next().value!);
    this.runs.set(runId, { headSeq, keys: new Set(keys) });
  }

  /** A commit of this store (sent or held): the set follows it if it started from the set's head. */
  committed(batch: CommitBatch): void {
    const runId = batch.state.run_id;
    // A new run has no records before this commit.
    if (batch.isNew && batch.expectedHeadSeq === null) this.remember(runId, null, []);
    const known = this.runs.get(runId);
    if (!known) return;
    if (known.headSeq !== batch.expectedHeadSeq || known.keys.size + batch.records.length > MAX_KEYS_PER_RUN) {
      this.runs.delete(runId);
      return;
    }
    for (const r of batch.records) if (r.status === 'completed' && r.idempotency_key) known.keys.add(r.idempotency_key);
    known.headSeq = batch.state.ledger_head?.seq ?? known.headSeq;
  }

  forget(runId: string): void {
    this.runs.delete(runId);
  }

  /** True when the run, at this head, surely has no completed record with the key. */
  surelyAbsent(runId: string, key: string, headSeq: number | null): boolean {
    const known = this.runs.get(runId);
    return !!known && known.headSeq === headSeq && !known.keys.has(key);
  }
}

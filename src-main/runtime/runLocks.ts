import type { LeaseClaim, RuntimeStore } from './contracts';

/** How a run's pending writes carry the lease (see RunTx.flush). */
export interface TxLease {
  /** The claim every commit of the operation carries (checked and extended in the commit). */
  claim(): LeaseClaim;
  /** True when the operation's last commit may also release the lease: no other operation of this owner holds the run. */
  mayRelease(): boolean;
  /** A commit with the claim was written (and released the lease, or not). */
  committed(released: boolean): void;
}

/**
 * One writer per run. Within this process, operations on a run take turns (a promise chain
 * per run); across processes, the store lease keeps other owners out. The lease costs no
 * transaction of its own: every commit of an operation claims (or extends) it in the same
 * transaction and the operation's last commit releases it, so a tick of pure steps is one
 * write. Pure handlers run before the claim (they touch nothing); a side-effecting effect
 * commits its intent with the claim first, so only one owner ever gets to run it.
 */
export class RunLocks {
  private chains = new Map<string, Promise<void>>();
  private holders = new Map<string, number>();
  /** Runs whose lease this owner may still hold in the store (claimed by a commit, not released). */
  private claimed = new Set<string>();
  /** Adopted claims no commit of this owner has touched since (see untouchedClaim). */
  private untouched = new Set<string>();

  constructor(
    private readonly store: RuntimeStore,
    private readonly now: () => Date,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  async withRun<T>(runId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(runId) ?? Promise.resolve();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const mine = prev.then(() => gate);
    this.chains.set(runId, mine);
    await prev;
    try {
      return await this.withLease(runId, fn);
    } finally {
      release();
      if (this.chains.get(runId) === mine) this.chains.delete(runId);
    }
  }

  /** Holds the run without waiting for this process's other operations (cancel must not queue). */
  async withLease<T>(runId: string, fn: () => Promise<T>): Promise<T> {
    this.holders.set(runId, (this.holders.get(runId) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const left = (this.holders.get(runId) ?? 1) - 1;
      if (left > 0) this.holders.set(runId, left);
      else {
        this.holders.delete(runId);
        // Only when a commit claimed the lease and none released it (the operation ended
        // without a final write: aborted, failed, or its last commit came before a wait).
        if (this.claimed.delete(runId)) this.store.releaseLease(runId, this.owner);
      }
    }
  }

  /**
   * A lease of this owner taken outside its operations (a worker's claim): the run's last
   * commit releases it as it releases any lease of the owner, and `releaseClaim` what is left.
   */
  adopt(runId: string): void {
    this.claimed.add(runId);
    this.untouched.add(runId);
  }

  /**
   * Whether the run's adopted claim is still held and nothing of the run was committed by this
   * owner since: a read made after the claim is then the run as stored.
   */
  untouchedClaim(runId: string): boolean {
    return this.untouched.has(runId) && this.claimed.has(runId);
  }

  /**
   * Releases an adopted claim that no commit has released, unless an operation of this
   * owner is on the run (its last commit, or its end, releases it then).
   */
  releaseClaim(runId: string): void {
    this.untouched.delete(runId);
    if (!this.holds(runId) && this.claimed.delete(runId)) this.store.releaseLease(runId, this.owner);
  }

  /** Whether an operation of this owner is on the run (queued or running). */
  holds(runId: string): boolean {
    return this.holders.has(runId) || this.chains.has(runId);
  }

  leaseFor(runId: string): TxLease {
    return {
      claim: () => ({ owner: this.owner, ttlMs: this.ttlMs, now: this.now() }),
      mayRelease: () => (this.holders.get(runId) ?? 0) <= 1,
      committed: (released) => {
        this.untouched.delete(runId);
        if (released) this.claimed.delete(runId);
        else this.claimed.add(runId);
      },
    };
  }
}

import type { RuntimeStore } from './contracts';

/**
 * One writer per run. Within this process, operations on a run take turns (a promise chain
 * per run); across processes, the store lease keeps other owners out. The lease is renewed
 * before every commit and released when the last operation of this owner ends.
 */
export class RunLocks {
  private chains = new Map<string, Promise<void>>();
  private holders = new Map<string, number>();

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

  /** The lease without waiting for this process's other operations (cancel must not queue). */
  async withLease<T>(runId: string, fn: () => Promise<T>): Promise<T> {
    this.renew(runId);
    this.holders.set(runId, (this.holders.get(runId) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const left = (this.holders.get(runId) ?? 1) - 1;
      if (left > 0) this.holders.set(runId, left);
      else {
        this.holders.delete(runId);
        this.store.releaseLease(runId, this.owner);
      }
    }
  }

  renew(runId: string): void {
    this.store.acquireLease(runId, this.owner, this.ttlMs, this.now());
  }
}

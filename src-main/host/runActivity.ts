/**
 * What this host is doing on each run right now, without ordering it: the one queue per
 * run is the kernel's (`runtime/runLocks.ts`: every kernel operation on a run waits for the
 * one before it, and the store lease keeps other processes out). The host only needs to know
 * whether it is busy with a run (a worker must not claim it meanwhile) and when it is idle
 * (`whenIdle`: close, tests, `tick`).
 */
export class RunActivity {
  private readonly active = new Map<string, number>();
  private pending = 0;
  private idleWaiters: (() => void)[] = [];

  /** Runs `fn` (at once: not behind other work on the run) and counts it as work on `runId` until it settles. */
  async track<T>(runId: string, fn: () => Promise<T> | T): Promise<T> {
    this.active.set(runId, (this.active.get(runId) ?? 0) + 1);
    this.pending++;
    try {
      return await fn();
    } finally {
      const left = (this.active.get(runId) ?? 1) - 1;
      if (left > 0) this.active.set(runId, left);
      else this.active.delete(runId);
      this.pending--;
      if (this.pending === 0) this.wakeIdle();
    }
  }

  /** Whether work on this run is in flight here. */
  busy(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Resolves once no work is in flight (work started meanwhile is waited for too). */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/**
 * One promise chain per run: one host never advances (or resumes) one run twice at once.
 * Across hosts the store lease guards the same thing.
 */
export class RunQueues {
  private readonly tails = new Map<string, Promise<unknown>>();
  private pending = 0;
  private idleWaiters: (() => void)[] = [];

  run<T>(runId: string, fn: () => Promise<T> | T): Promise<T> {
    const prev = this.tails.get(runId) ?? Promise.resolve();
    this.pending++;
    const next = prev.then(fn, fn);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(runId, tail);
    void tail.then(() => {
      if (this.tails.get(runId) === tail) this.tails.delete(runId);
      this.pending--;
      if (this.pending === 0) this.wakeIdle();
    });
    return next;
  }

  /** Whether an operation on this run is queued or running here. */
  busy(runId: string): boolean {
    return this.tails.has(runId);
  }

  /** Resolves once no queued work remains (work queued meanwhile is waited for too). */
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

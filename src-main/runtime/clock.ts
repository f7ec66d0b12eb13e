import type { Clock } from './contracts';

/** Wall-clock time and real timers. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * A clock tests move by hand, so timers and backoff are tested without sleeping.
 * With `autoAdvance` (the default) `sleep(ms)` moves the clock forward by `ms` and resolves
 * at once; without it, sleeps resolve when `advance()` passes their deadline.
 */
export class FakeClock implements Clock {
  private ms: number;
  private sleepers: { until: number; resolve: () => void }[] = [];
  /** Every sleep requested, in order (to assert backoff delays). */
  readonly sleeps: number[] = [];

  constructor(
    start: Date | string = '2026-01-01T00:00:00.000Z',
    private readonly autoAdvance = true,
  ) {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (this.autoAdvance || ms <= 0) {
      this.advance(Math.max(0, ms));
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const sleeper = { until: this.ms + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => this.wake(sleeper), { once: true });
    });
  }

  advance(ms: number): void {
    this.ms += ms;
    for (const s of [...this.sleepers]) if (s.until <= this.ms) this.wake(s);
  }

  set(time: Date | string): void {
    this.advance(new Date(time).getTime() - this.ms);
  }

  private wake(sleeper: { until: number; resolve: () => void }): void {
    this.sleepers = this.sleepers.filter((s) => s !== sleeper);
    sleeper.resolve();
  }
}

/**
 * Calls the host's timer pass every `intervalMs`. A pass never overlaps the previous one,
 * and a failing pass is logged and retried on the next interval (the timer stays due).
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly pass: () => Promise<unknown>) {}

  start(intervalMs: number): void {
    if (this.timer) return;
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), Math.max(10, intervalMs));
    // The scheduler alone must not keep a CLI process alive.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get active(): boolean {
    return this.timer !== null;
  }

  private async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.pass();
    } catch (err) {
      console.error('[abstractruntime] scheduler pass failed:', (err as Error)?.message ?? err);
    } finally {
      this.running = false;
    }
  }
}

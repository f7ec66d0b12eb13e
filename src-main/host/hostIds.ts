/**
 * Run ids with a one-shot override: the host names a child run deterministically (from its
 * parent and the effect's idempotency key) so a retried start_subworkflow finds the child it
 * already started. Runtime.start draws the id synchronously, so setting the override right
 * before the call is race-free.
 */
import type { IdGenerator } from '../runtime/contracts';
import { randomIds } from '../runtime/index';

export class HostIds implements IdGenerator {
  private nextRunId: string | null = null;

  constructor(private readonly base: IdGenerator = randomIds) {}

  runId(): string {
    const id = this.nextRunId;
    this.nextRunId = null;
    return id ?? this.base.runId();
  }

  stepId(): string {
    return this.base.stepId();
  }

  snapshotId(): string {
    return this.base.snapshotId?.() ?? `snap-${this.base.stepId()}`;
  }

  /** The next runId() returns `id`. */
  useRunIdOnce(id: string): void {
    this.nextRunId = id;
  }
}

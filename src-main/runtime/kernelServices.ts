/** Time and ids: injected so tests move the clock by hand and ids are reproducible. */

export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface IdGenerator {
  runId(): string;
  stepId(): string;
  /** Optional; the runtime falls back to `snap-<stepId()>`. */
  snapshotId?(): string;
}

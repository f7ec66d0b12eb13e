/**
 * A worker claims runnable runs from the store and advances them through its host, up to
 * `concurrency` at a time, until stopped. Every long-lived process on a database is one
 * (`abstractruntime worker`, `serve`, the desktop app), so whatever a one-shot command or a
 * crashed process leaves runnable is taken up by whichever worker is alive.
 *
 * It does not busy-poll: each `pollMs` it reads the store's work token (SQLite: `PRAGMA
 * data_version`, no table read; PostgreSQL: the `work` notifications of commits that may have
 * made a run claimable, not the commits of runs in flight) and the earliest claimable time,
 * and runs a claim only when work was offered, something fell due since the last pass, or
 * `rescanMs` passed. A store that is told of offered work (PostgreSQL's notifications) wakes
 * it at once: new work is claimed when it lands, not at the next poll.
 */
import { hostname } from 'node:os';
import type { RunState } from '../../src-shared/types';
import type { ClaimedRun, Clock, WorkQueueStore } from '../runtime/contracts';

/** What a worker needs of its host (RuntimeHost implements it). */
export interface WorkHost {
  readonly hostId: string;
  readonly clock: Clock;
  readonly workQueue: WorkQueueStore;
  claimWork(limit: number, busy: (runId: string) => boolean): ClaimedRun[];
  work(runId: string, claimed?: RunState | null): Promise<unknown>;
  listWorkflows(): { id: string; version: string }[];
}

export interface WorkerOptions {
  /** Runs advanced at once (default 4). */
  concurrency?: number;
  /** What kind of process this is, shown with stalled runs (`worker`, `serve`, `desktop`). */
  kind?: string;
  pollMs?: number;
  rescanMs?: number;
  heartbeatMs?: number;
}

export const DEFAULT_CONCURRENCY = 4;
const HEARTBEAT_MS = 2_000;
/** A worker whose heartbeat is this many intervals late is taken for gone. */
const MISSED_BEATS = 3;
const FAILURE_BACKOFF_MS = 5_000;
/**
 * Wake-ups closer than this share one pass: a fleet's creators offer work in a burst, and a
 * claim pass per notification would be a claim per commit of every other process.
 */
const WAKE_GAP_MS = 5;

export class Worker {
  readonly concurrency: number;
  readonly kind: string;
  private readonly pollMs: number;
  private readonly rescanMs: number;
  private readonly heartbeatMs: number;
  private readonly active = new Map<string, Promise<void>>();
  private readonly failedUntil = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private beat: NodeJS.Timeout | null = null;
  private lastToken = Number.NaN;
  private lastClaimAt = 0;
  private startedAt = 0;
  private stopped = false;
  private claiming = false;
  private wake: NodeJS.Timeout | null = null;
  private lastPollAt = 0;
  private unsubscribe: (() => void) | null = null;
  /** Runs this worker finished (for tests and `worker --json` output). */
  completedCount = 0;

  constructor(
    private readonly host: WorkHost,
    opts: WorkerOptions = {},
  ) {
    this.concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
    this.kind = opts.kind ?? 'worker';
    this.pollMs = opts.pollMs ?? 50;
    this.rescanMs = opts.rescanMs ?? 1_000;
    this.heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
  }

  get workerId(): string {
    return this.host.hostId;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.startedAt = Date.now();
    this.heartbeat();
    this.beat = setInterval(() => this.heartbeat(), this.heartbeatMs);
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.beat.unref();
    this.unsubscribe = this.host.workQueue.onWorkOffered?.(() => this.wakeSoon()) ?? null;
    this.poll(true);
  }

  /** A pass as soon as the loop is free, at most one per WAKE_GAP_MS. */
  private wakeSoon(): void {
    if (this.wake || this.stopped) return;
    const wait = Math.max(0, this.lastPollAt + WAKE_GAP_MS - Date.now());
    this.wake = setTimeout(() => {
      this.wake = null;
      this.poll();
    }, wait);
  }

  /** Stops claiming, waits for the runs in hand, and leaves the workers list. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.beat) clearInterval(this.beat);
    if (this.wake) clearTimeout(this.wake);
    this.unsubscribe?.();
    this.timer = this.beat = this.wake = null;
    await Promise.allSettled([...this.active.values()]);
    try {
      this.host.workQueue.removeWorker(this.workerId);
    } catch {
      // The store may already be closed; the row then simply expires.
    }
  }

  get inFlight(): number {
    return this.active.size;
  }

  /** One claim pass when there is room and a reason (forced: always). */
  poll(force = false): void {
    if (this.stopped || this.claiming) return;
    this.lastPollAt = Date.now();
    const room = this.concurrency - this.active.size;
    if (room <= 0) return;
    try {
      const q = this.host.workQueue;
      const token = q.workToken();
      const now = this.host.clock.now().getTime();
      const next = q.nextRunnableAt();
      // Due since the last pass: a run that was claimable then and is still not taken was
      // refused, or is backing off after a failure, and waits for the rescan.
      const due = next !== null && next <= now && next > this.lastClaimAt;
      if (!force && token === this.lastToken && !due && now - this.lastClaimAt < this.rescanMs) return;
      this.lastToken = token;
      this.lastClaimAt = now;
      this.claiming = true;
      for (const { runId, state } of this.host.claimWork(room, (id) => this.active.has(id) || (this.failedUntil.get(id) ?? 0) > Date.now()))
        this.launch(runId, state);
    } catch (err) {
      console.error('[abstractruntime] worker claim failed:', (err as Error)?.message ?? err);
    } finally {
      this.claiming = false;
    }
  }

  /** Works a run just claimed, from the state its claim read (null: its own read, which says what is wrong). */
  private launch(runId: string, claimed: RunState | null): void {
    const done = this.host
      .work(runId, claimed)
      .then(
        () => void this.failedUntil.delete(runId),
        (err) => {
          // Not claimed again for a while: a run that fails to advance must not spin the worker.
          this.failedUntil.set(runId, Date.now() + FAILURE_BACKOFF_MS);
          console.error(`[abstractruntime] worker: run ${runId} failed to advance:`, (err as Error)?.message ?? err);
        },
      )
      .finally(() => {
        this.active.delete(runId);
        this.completedCount++;
        // A finished run may have made others runnable (a parent): look again at once.
        this.lastToken = Number.NaN;
        if (!this.stopped) setImmediate(() => this.poll());
      });
    this.active.set(runId, done);
  }

  private heartbeat(): void {
    if (this.stopped) return;
    const now = Date.now();
    try {
      this.host.workQueue.heartbeatWorker({
        workerId: this.workerId,
        kind: this.kind,
        hostname: hostname(),
        pid: process.pid,
        startedAt: this.startedAt,
        heartbeatAt: now,
        expiresAt: now + this.heartbeatMs * MISSED_BEATS,
        workflows: this.host.listWorkflows().map((w) => `${w.id}@${w.version}`),
      });
    } catch (err) {
      console.error('[abstractruntime] worker heartbeat failed:', (err as Error)?.message ?? err);
    }
  }
}

/**
 * Turns other processes' commits into this host's live events. Every `pollMs` it reads the
 * store's foreign change token (SQLite: `PRAGMA data_version`, which moves only when another
 * connection committed, and reads no table); only when it moved does it read the runs whose
 * change sequence passed the last one seen (an index range), and publish each one as its
 * own commits are published: `runUpdated`, `ledgerAppended`, `attentionNeeded`. A burst too
 * large to publish run by run becomes one `runsChanged` (the views reload).
 *
 * Bound: a commit in another process is published here within `pollMs` plus one indexed
 * read (default 25 ms; measured in bench/changeFeed.ts).
 */
import type { ChangeFeedStore } from '../runtime/contracts';
import type { EventBus } from './eventBus';
import type { RunPublisher } from './publisher';

export const FEED_POLL_MS = 25;
/** More changed runs than this in one read: one `runsChanged` instead of one event per run. */
const FEED_BATCH = 500;

export class ChangeFeed {
  private timer: NodeJS.Timeout | null = null;
  private lastSeq = 0;
  private lastToken = Number.NaN;

  constructor(
    private readonly store: ChangeFeedStore,
    private readonly publisher: RunPublisher,
    private readonly bus: EventBus,
    private readonly pollMs = FEED_POLL_MS,
  ) {}

  start(): void {
    if (this.timer) return;
    this.lastSeq = this.store.lastChangeSeq();
    this.lastToken = this.store.foreignChangeToken();
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One look; returns the runs published (empty when nothing changed elsewhere). */
  poll(): string[] {
    try {
      const token = this.store.foreignChangeToken();
      if (token === this.lastToken) return [];
      this.lastToken = token;
      const changes = this.store.changesSince(this.lastSeq, FEED_BATCH + 1);
      if (changes.length === 0) return [];
      if (changes.length > FEED_BATCH) {
        this.lastSeq = this.store.lastChangeSeq();
        this.bus.emit('runsChanged', { count: changes.length });
        return [];
      }
      this.lastSeq = changes[changes.length - 1]!.changeSeq;
      for (const c of changes) this.publisher.publishChange(c.runId, c.headSeq);
      return changes.map((c) => c.runId);
    } catch (err) {
      console.error('[abstractruntime] change feed read failed:', (err as Error)?.message ?? err);
      return [];
    }
  }
}

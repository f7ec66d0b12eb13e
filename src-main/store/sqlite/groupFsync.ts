/**
 * Group commit for durability 'full': commits are written with synchronous=NORMAL (no fsync
 * each), and whoever needs its commits on disk awaits `whenDurable()`. All callers of one
 * event-loop turn share a single fsync of the WAL file, which holds every frame committed
 * before it: with many runs in flight, one fsync makes many runs' steps durable.
 *
 * Callers (the kernel) await it before a side effect runs (its intent must be on disk) and
 * before an operation returns (what it reports must survive a power loss). A WAL is written
 * sequentially, so a durable commit implies every earlier commit of this connection is too.
 */
import { closeSync, fdatasyncSync, openSync } from 'node:fs';

export class GroupFsync {
  private dirty = false;
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private fd: number | null = null;
  /** fsyncs done, and commits they covered (bench and tests read them). */
  syncs = 0;
  covered = 0;
  private pendingCommits = 0;

  constructor(private readonly file: string) {}

  /** Commits written but not yet on disk. */
  get unsynced(): number {
    return this.pendingCommits;
  }

  /** A commit was written (not yet on disk). */
  wrote(): void {
    this.dirty = true;
    this.pendingCommits++;
  }

  whenDurable(): Promise<void> {
    if (!this.dirty && !this.scheduled) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // setImmediate: the other runs in flight commit in this turn first, then one fsync.
      setImmediate(() => this.flush());
    });
  }

  /** Synchronously, for writes that return to their caller at once (imports, anchors). */
  syncNow(): void {
    if (!this.dirty) return;
    this.fsync();
  }

  private flush(): void {
    this.scheduled = false;
    const waiters = this.waiters;
    this.waiters = [];
    try {
      if (this.dirty) this.fsync();
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }

  private fsync(): void {
    this.dirty = false;
    this.covered += this.pendingCommits;
    this.pendingCommits = 0;
    this.syncs++;
    this.fd ??= openSync(`${this.file}-wal`, 'r');
    // fdatasync, as SQLite itself uses on Linux: the frames, not the inode's timestamps.
    fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

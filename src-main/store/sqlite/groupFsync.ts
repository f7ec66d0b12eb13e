/**
 * Group commit for durability 'full': commits are written with synchronous=NORMAL (no fsync
 * each), and whoever needs its commits on disk awaits `whenDurable()`. All callers of one
 * event-loop turn share a single fsync of the WAL file, which holds every frame committed
 * before it: with many runs in flight, one fsync makes many runs' steps durable.
 *
 * They share more than the fsync: a turn's first commit stands alone and schedules the
 * turn's end; its next commits join one transaction (the turn transaction), each in its own
 * savepoint, and the flush ends it with one COMMIT before its fsync. A
 * commit of its own writes every page it touched to the WAL (12-15 frames for a step);
 * in the turn transaction the pages the runs share (the runs table and its indexes) are
 * written once for all of them. One run in flight (one commit per turn) never opens one.
 *
 * The turn transaction holds the database's write lock until the end of the turn (the
 * setImmediate of the flush), so other processes' writers wait that long (busy_timeout);
 * another connection of this process that touches the same file first ends it (see
 * `yieldTurnOf`), so two stores in one process never wait on each other.
 *
 * Callers (the kernel) await it before a side effect runs (its intent must be on disk) and
 * before an operation returns (what it reports must survive a power loss). A WAL is written
 * sequentially, so a durable commit implies every earlier commit of this connection is too.
 * If the turn's COMMIT fails, every commit of the turn is gone and every waiter is rejected.
 */
import { closeSync, fdatasyncSync, openSync } from 'node:fs';

/** The connection's turn transaction: begun by the turn's second commit, ended by the flush. */
export interface TurnTransaction {
  begin(): void;
  commit(): void;
  rollback(): void;
}

/** Open turn transactions of this process, by database file (device:inode). */
const openTurns = new Map<string, GroupFsync>();

/** Ends the turn transaction another connection of this process holds on `fileKey`, if any. */
export function yieldTurnOf(fileKey: string, self: GroupFsync | null): void {
  const holder = openTurns.get(fileKey);
  if (holder && holder !== self) holder.endTurnNow();
}

export class GroupFsync {
  private dirty = false;
  private open = false;
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  /** Why the last turn's COMMIT failed, for the waiters of the next flush. */
  private lostTurn: unknown = null;
  private fd: number | null = null;
  /** fsyncs done, and commits they covered (bench and tests read them). */
  syncs = 0;
  covered = 0;
  /** Turn transactions committed, and commits made inside one (bench and tests read them). */
  turns = 0;
  joined = 0;
  private pendingCommits = 0;

  constructor(
    private readonly file: string,
    private readonly fileKey: string | null = null,
    private readonly tx: TurnTransaction | null = null,
  ) {}

  /** Commits written but not yet on disk. */
  get unsynced(): number {
    return this.pendingCommits;
  }

  /** Whether a turn transaction is open now (tests read it). */
  get inTurn(): boolean {
    return this.open;
  }

  /**
   * Before a commit: the turn's first commit stands alone (and schedules the turn's end);
   * the next ones join the turn transaction, begun by the second.
   */
  join(): void {
    if (!this.tx) return;
    if (!this.open) {
      if (!this.scheduled) return this.schedule();
      this.tx.begin();
      this.open = true;
      if (this.fileKey) openTurns.set(this.fileKey, this);
    }
  }

  /** A commit was written (not yet on disk). */
  wrote(): void {
    if (this.open) this.joined++;
    this.dirty = true;
    this.pendingCommits++;
  }

  whenDurable(): Promise<void> {
    if (!this.dirty && !this.scheduled && !this.lostTurn) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate: the other runs in flight commit in this turn first, then one fsync.
    setImmediate(() => this.flush());
  }

  /** Synchronously, for writes that return to their caller at once (imports, anchors). */
  syncNow(): void {
    this.endTurn();
    if (!this.dirty) return;
    this.fsync();
  }

  /** Ends the turn transaction now (another connection needs the file); a failure waits for the flush. */
  endTurnNow(): void {
    try {
      this.endTurn();
    } catch (err) {
      this.lostTurn = err;
    }
  }

  private endTurn(): void {
    if (!this.open) return;
    this.open = false;
    if (this.fileKey && openTurns.get(this.fileKey) === this) openTurns.delete(this.fileKey);
    try {
      this.tx!.commit();
      this.turns++;
    } catch (err) {
      try {
        this.tx!.rollback();
      } catch {
        // SQLite may have rolled it back itself.
      }
      throw err;
    }
  }

  private flush(): void {
    this.scheduled = false;
    const waiters = this.waiters;
    this.waiters = [];
    try {
      this.endTurn();
      if (this.lostTurn) {
        const err = this.lostTurn;
        this.lostTurn = null;
        throw err;
      }
      // Nobody waiting: the commits stay unsynced until someone awaits them.
      if (this.dirty && waiters.length) this.fsync();
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

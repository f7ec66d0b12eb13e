/**
 * Deferrable commits held until the end of the event-loop turn, then sent to the server in
 * one round trip, merged into one transaction where they can be (pgHeldSend.ts): the
 * hundreds of runs a worker holds commit together, as SQLite's turn transaction lets them. A
 * commit may be held only when its writer awaits `settled(runId)` before anything relies on
 * it (CommitBatch.deferrable).
 *
 * A refusal belongs to its run. The server runs the lists in order and stops at the first
 * error (in a merged send any refusal aborts all of it, and the same commits go again as one
 * transaction each), so after a failed send the store asks which commits landed, and sends
 * each of the others again on its own, the way a commit without the flag goes: that gives
 * each its own precise error or success. Which landed is known exactly: each held transaction sets a
 * session setting to its place in the send, and an aborted transaction's setting is undone,
 * so the setting names the last one committed. Only when the session itself is gone (the
 * connection was cut mid-send) does the store look at the heads instead: a commit landed if
 * its last record is stored with its hash. A run whose commit was refused has its later
 * commits of the same send refused with the same error, and `settled(runId)` rethrows it,
 * once, to that run's writer only.
 */
import type { LedgerRecord } from '../../../src-shared/types';
import type { CommitBatch, StoredRecordRow } from '../../runtime/storeContract';
import type { PgStatement } from './pgSyncClient';

export interface QueuedCommit {
  runId: string;
  batch: CommitBatch;
  /** The batch's records as stored rows (kept so that a later commit of the run can join it). */
  rows: StoredRecordRow[];
  /** A whole transaction: BEGIN … COMMIT, without its notification (the send has one for all). */
  statements: PgStatement[];
  /** It leaves work for others (see PostgresStore.commitWrites). */
  offered: boolean;
  /** Its last record: how a commit of a failed send is known to have landed. */
  head: { seq: number; hash: string };
}

/** What the server says landed of a failed send. */
export type Landed =
  /** The session lived: the mark of the last held transaction it committed (null: none since the session was marked). */
  | { session: 'same'; lastMark: string | null }
  /** The session was replaced (a cut connection): the heads that are stored, as `headKey`s. */
  | { session: 'new'; heads: Set<string> };

export interface CommitQueueIo {
  /** Sends the lists as one query; throws at the first failure (what follows it did not run). */
  sendAll(statements: PgStatement[]): void;
  /** The commits' transactions merged into one (pgHeldSend.ts), or null: each goes as its own. */
  merge(transactions: PgStatement[][]): PgStatement[] | null;
  /** A statement, inside a held transaction, that sets the session's mark (undone if it aborts). */
  markStatement(mark: string): PgStatement;
  /** The statement, after a send's transactions, that tells other processes they committed (`work`: one may have left work). */
  notifyStatement(work: boolean): PgStatement;
  /** Sends that notification on its own (after a failed send, for what of it landed). */
  notify(work: boolean): void;
  /** What landed of a failed send: the session's mark, or the stored heads when the session is new. */
  whatLanded(commits: QueuedCommit[]): Landed;
  /** Sends one commit on its own (the path of a commit without the flag); throws its refusal. */
  commitNow(batch: CommitBatch): void;
  /** A held commit is stored. */
  landed(commit: QueuedCommit): void;
  /** A held commit is refused. */
  refused(commit: QueuedCommit): void;
}

interface Held extends QueuedCommit {
  done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

export function headKey(runId: string, seq: number): string {
  return `${runId}\u0000${seq}`;
}

export class CommitQueue {
  private held: Held[] = [];
  private byRun = new Map<string, Held[]>();
  /** The first refusal of each run not yet reported to its writer. */
  private refused = new Map<string, unknown>();
  private scheduled = false;
  private sends = 0;

  constructor(private readonly io: CommitQueueIo) {}

  get size(): number {
    return this.held.length;
  }

  has(runId: string): boolean {
    return this.byRun.has(runId);
  }

  /** The held records of the run, oldest first (reads of the run's own pending writes). */
  heldRecords(runId: string): LedgerRecord[] {
    return (this.byRun.get(runId) ?? []).flatMap((c) => c.batch.records);
  }

  /**
   * The run's held commit that a new commit of the run may join: the last one held, when
   * nothing of the run has been sent since. Joined, the two are one transaction (the later
   * state, the records of both, the first one's guard): they land or are refused together,
   * and each writer awaiting it is answered by that.
   */
  joinable(runId: string): QueuedCommit | undefined {
    const mine = this.byRun.get(runId);
    return mine?.[mine.length - 1];
  }

  /** Replaces a held commit (from `joinable`) by the joined one, in its place in the send. */
  join(into: QueuedCommit, joined: QueuedCommit): void {
    Object.assign(into, joined);
  }

  add(commit: QueuedCommit): void {
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // The refusal is reported through `refused`; this promise only says when it is settled.
    done.catch(() => undefined);
    const held: Held = { ...commit, done, resolve, reject };
    this.held.push(held);
    const mine = this.byRun.get(commit.runId);
    if (mine) mine.push(held);
    else this.byRun.set(commit.runId, [held]);
    this.schedule();
  }

  /**
   * Resolves once the commits held for the run (every run: no id) are sent. With a run id it
   * rethrows that run's refusal, once.
   */
  async settled(runId?: string): Promise<void> {
    const waiting = runId === undefined ? [...this.held] : [...(this.byRun.get(runId) ?? [])];
    if (waiting.length) await Promise.allSettled(waiting.map((c) => c.done));
    if (runId !== undefined) this.throwRefusal(runId);
  }

  /** Throws the run's refusal not yet reported, once. */
  throwRefusal(runId: string): void {
    if (!this.refused.has(runId)) return;
    const err = this.refused.get(runId);
    this.refused.delete(runId);
    throw err;
  }

  /** Sends everything held now (before any other call to the server, and at the turn's end). */
  send(): void {
    if (!this.held.length) return;
    const batch = this.held;
    this.held = [];
    this.byRun.clear();
    const merged = batch.length > 1 ? this.io.merge(batch.map((c) => c.statements)) : null;
    // Merged, one refusal aborted them all: unless something of it landed (the session was
    // cut after COMMIT), they go again as one transaction each, where each gets its own answer.
    if (merged && this.sendAndLand(batch, [merged], true)) return;
    this.sendAndLand(
      batch,
      batch.map((c) => c.statements),
      false,
    );
  }

  /**
   * Sends the transactions (one per commit, or one for all) in one call, and lands what they
   * store. After a failure: false when nothing of this send landed and the session can say so
   * (the caller may send it otherwise); else what is left is settled commit by commit.
   */
  private sendAndLand(batch: Held[], transactions: PgStatement[][], merged: boolean): boolean {
    const send = ++this.sends;
    // After BEGIN: each transaction marks the session with its place in this send (merged,
    // the one transaction has the last place: all of them landed, or none).
    const last = (t: number) => (merged ? batch.length - 1 : t);
    const statements = transactions.flatMap((tx, t) => [tx[0]!, this.io.markStatement(`${send}:${last(t)}`), ...tx.slice(1)]);
    // One notification for the whole send, not one per transaction: every listening process
    // (and its server backend) wakes once for each, so per-commit ones cost every worker of
    // a fleet work for every commit of every other (notifications of a channel reach every
    // listener of the database).
    statements.push(this.io.notifyStatement(batch.some((c) => c.offered)));
    try {
      this.io.sendAll(statements);
    } catch {
      let landed: (c: Held, i: number) => boolean;
      try {
        landed = this.whichLanded(batch, send);
      } catch (gone) {
        // The server cannot say (it is gone): every commit of the send fails with that error.
        for (const c of batch) this.refuse(c, gone);
        return true;
      }
      if (merged && !batch.some(landed)) return false;
      this.resend(batch, landed);
      return true;
    }
    for (const c of batch) this.land(c);
    return true;
  }

  /** Which commits of a failed send landed, as the server says (throws when it cannot). */
  private whichLanded(batch: Held[], send: number): (c: Held, i: number) => boolean {
    const said = this.io.whatLanded(batch);
    if (said.session === 'new') return (c) => said.heads.has(headKey(c.runId, c.head.seq));
    const [from, at] = (said.lastMark ?? '').split(':');
    const last = Number(from) === send ? Number(at) : -1;
    return (_c, i) => i <= last;
  }

  private resend(batch: Held[], landed: (c: Held, i: number) => boolean): void {
    const refusedNow = new Map<string, unknown>();
    const landedHere: Held[] = [];
    for (const [i, c] of batch.entries()) {
      if (landed(c, i)) {
        this.land(c);
        landedHere.push(c);
        continue;
      }
      if (refusedNow.has(c.runId)) {
        this.refuse(c, refusedNow.get(c.runId));
        continue;
      }
      try {
        const { deferrable: _held, ...now } = c.batch;
        this.io.commitNow(now);
        c.resolve();
      } catch (err) {
        refusedNow.set(c.runId, err);
        this.refuse(c, err);
      }
    }
    // The send stopped before its notification: the commits of it that landed still get one
    // (those sent again on their own carried their own).
    if (landedHere.length)
      try {
        this.io.notify(landedHere.some((c) => c.offered));
      } catch {
        // The server is gone again: the next commit's notification, or a worker's rescan, covers these.
      }
  }

  private land(c: Held): void {
    this.io.landed(c);
    c.resolve();
  }

  private refuse(c: Held, err: unknown): void {
    this.io.refused(c);
    if (!this.refused.has(c.runId)) this.refused.set(c.runId, err);
    c.reject(err);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After every run in flight has committed in this turn (as GroupFsync schedules its fsync).
    setImmediate(() => {
      this.scheduled = false;
      this.send();
    });
  }
}

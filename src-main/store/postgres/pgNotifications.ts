/**
 * The store's asynchronous connection (on the event loop, beside the synchronous one in the
 * worker thread), with two jobs:
 *
 * - `LISTEN art_changes`: every commit sends `pg_notify('art_changes')` in its transaction, so
 *   this counts other processes' commits as they land: the change token workers and the
 *   change feed read every few milliseconds without a query (no polling of tables).
 * - group commit: commits are written with `synchronous_commit = off`; `whenDurable()`
 *   commits one row here with `synchronous_commit = on`. PostgreSQL flushes its WAL in
 *   order, so that flush makes every commit written before it durable: one flush covers all
 *   the runs in flight (tests/store/postgres.durability.test.ts shows it on a real server).
 *
 * If the connection drops it reconnects with backoff and counts that as a change (a
 * notification may have been missed, so readers look again).
 */
import pg from 'pg';

const RETRY_MS = [100, 200, 500, 1000, 2000, 5000];

/** whenDurable could not keep its promise: the server restarted before the flush. */
export class ServerRestartedError extends Error {}

export class PgNotifications {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private closed = false;
  private attempt = 0;
  /** Notifications (and reconnects) seen, from any connection / from other connections only. */
  all = 0;
  foreign = 0;
  /** Notifications that a commit may have made a run claimable (payload `work`), and reconnects. */
  work = 0;
  /** Whether LISTEN is live now (when not, readers must not trust an unchanged token). */
  listening = false;
  /** Called when `work` moves (see WorkQueueStore.onWorkOffered). */
  private readonly workListeners = new Set<() => void>();
  private dirty = false;
  /** The server's start time when the first unflushed commit was written (null: unknown). */
  private dirtySince: string | null = null;
  /** pg_postmaster_start_time() of the server this connection last reached. */
  private serverStart: string | null;
  private flushing: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  /** Durable flushes done, and commits they covered (tests and the bench read them). */
  flushes = 0;

  constructor(
    private readonly url: string,
    /** The synchronous connection's server pid: its notifications are this store's own writes. */
    private readonly ownPid: () => number | null,
    private readonly onError: (err: Error) => void,
    serverStart: string | null,
  ) {
    this.serverStart = serverStart;
  }

  start(): void {
    void this.connect().catch((err: Error) => {
      if (!this.closed) this.onError(err);
    });
  }

  /** A commit was written with synchronous_commit = off (not yet durable). */
  wrote(): void {
    if (!this.dirty) this.dirtySince = this.serverStart;
    this.dirty = true;
  }

  /**
   * Resolves once every commit written before this call is flushed to disk on the server.
   * Rejects if the server restarted since the first unflushed commit: those commits may be
   * gone, and saying they are durable would be a lie.
   */
  whenDurable(): Promise<void> {
    if (!this.dirty) return this.flushing ?? Promise.resolve();
    if (!this.flushing) return (this.flushing = this.flush());
    // A flush already under way may have started before this caller's commit: the next one covers it.
    this.next ??= this.flushing.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.next;
  }

  private startNext(): Promise<void> {
    this.next = null;
    this.flushing = this.flush();
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const since = this.dirtySince;
    this.dirty = false;
    try {
      let started: string | null;
      try {
        started = await this.markDurable();
      } catch {
        // The connection may have died unnoticed (a server restart): once more on a fresh one.
        if (this.client) this.lost(this.client);
        started = await this.markDurable();
      }
      this.flushes++;
      if (since !== null && started !== since)
        throw new ServerRestartedError('the database server restarted before recent commits were flushed; they may be lost');
    } catch (err) {
      if (!(err instanceof ServerRestartedError)) {
        this.dirty = true;
        this.dirtySince = since;
      }
      throw err;
    } finally {
      this.flushing = null;
    }
  }

  /** Commits the marker with synchronous_commit = on; returns the server's start time. */
  private async markDurable(): Promise<string | null> {
    const client = await this.connect();
    const r = await client.query<{ started: string }>(
      'UPDATE durable_marker SET n = n + 1 WHERE id = 1 RETURNING pg_postmaster_start_time()::text AS started',
    );
    return r.rows[0]?.started ?? null;
  }

  close(): void {
    this.closed = true;
    const c = this.client;
    this.client = null;
    void c?.end().catch(() => undefined);
  }

  private connect(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async open(): Promise<pg.Client> {
    for (;;) {
      if (this.closed) throw new Error('the store is closed');
      const client = new pg.Client({ connectionString: this.url });
      client.on('error', () => this.lost(client));
      client.on('end', () => this.lost(client));
      client.on('notification', (n) => {
        this.all++;
        if (n.payload === 'work') this.workOffered();
        if (n.processId !== this.ownPid()) this.foreign++;
      });
      try {
        await client.connect();
        await client.query('SET synchronous_commit = on');
        await client.query('LISTEN art_changes');
        const started = await client.query<{ s: string }>('SELECT pg_postmaster_start_time()::text AS s');
        this.serverStart = started.rows[0]?.s ?? null;
        if (this.closed) {
          void client.end().catch(() => undefined);
          throw new Error('the store is closed');
        }
        this.client = client;
        this.listening = true;
        // Commits may have landed before LISTEN took effect (at start, or while reconnecting): readers look again.
        this.bump();
        this.attempt = 0;
        return client;
      } catch (err) {
        void client.end().catch(() => undefined);
        if (this.closed) throw err;
        const delay = RETRY_MS[Math.min(this.attempt++, RETRY_MS.length - 1)]!;
        if (this.attempt > RETRY_MS.length) throw err;
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    this.bump();
    if (!this.closed) {
      this.attempt = 1;
      this.start();
    }
  }

  private bump(): void {
    this.all++;
    this.foreign++;
    this.workOffered();
  }

  /** Calls `wake` whenever a commit may have made a run claimable; returns what stops it. */
  onWork(wake: () => void): () => void {
    this.workListeners.add(wake);
    return () => this.workListeners.delete(wake);
  }

  private workOffered(): void {
    this.work++;
    for (const wake of this.workListeners) wake();
  }
}

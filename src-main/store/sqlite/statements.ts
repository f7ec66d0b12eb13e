/** Every fixed query of the SQLite store, prepared once per connection. */
import type Database from 'better-sqlite3';

const LEDGER_COLUMNS = 'seq, record_hash, signature, body, foreign_body';
/** A ledger row as the raw statements return it, in LEDGER_COLUMNS order. */
export type LedgerTuple = [seq: number, record_hash: string, signature: string | null, body: string, foreign_body: number];

// INDEXED BY: without ANALYZE statistics the planner prefers scanning the run's records by
// primary key, which grows with the ledger; the partial index is one lookup.
export const COMPLETED_BY_KEY_SQL = `SELECT ${LEDGER_COLUMNS} FROM ledger INDEXED BY ledger_completed_by_key
  WHERE run_id = ? AND idempotency_key = ? AND status = 'completed' ORDER BY seq DESC LIMIT 1`;

export function prepareStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    runHead: p('SELECT head_seq, head_hash FROM runs WHERE run_id = ?'),
    getRun: p('SELECT state FROM runs WHERE run_id = ?'),
    upsertRun: p(`INSERT INTO runs (run_id, workflow_id, status, parent_run_id, current_node, waiting_reason, wait_until_ms,
        event_name, paused, head_seq, head_hash, created_at, updated_at, origin_kind, workflow_version, runnable_at,
        wait_child_id, change_seq, state)
      VALUES (@run_id, @workflow_id, @status, @parent_run_id, @current_node, @waiting_reason, @wait_until_ms,
        @event_name, @paused, @head_seq, @head_hash, @created_at, @updated_at, @origin_kind, @workflow_version, @runnable_at,
        @wait_child_id, (SELECT coalesce(max(change_seq), 0) + 1 FROM runs), @state)
      ON CONFLICT(run_id) DO UPDATE SET workflow_id = excluded.workflow_id, status = excluded.status,
        parent_run_id = excluded.parent_run_id, current_node = excluded.current_node,
        waiting_reason = excluded.waiting_reason, wait_until_ms = excluded.wait_until_ms,
        event_name = excluded.event_name, paused = excluded.paused, head_seq = excluded.head_seq,
        head_hash = excluded.head_hash, updated_at = excluded.updated_at, origin_kind = excluded.origin_kind,
        workflow_version = excluded.workflow_version, runnable_at = excluded.runnable_at,
        wait_child_id = excluded.wait_child_id, change_seq = excluded.change_seq, state = excluded.state`),
    // The work queue (schema v3): a child's end wakes the parent waiting on it, in the same commit.
    childEnded: p(
      `SELECT CASE WHEN status IN ('completed', 'failed', 'cancelled') THEN updated_at END AS ended FROM runs WHERE run_id = ?`,
    ).pluck(),
    wakeParent: p(`UPDATE runs SET runnable_at = ?, change_seq = (SELECT max(change_seq) + 1 FROM runs)
      WHERE wait_child_id = ? AND status = 'waiting' AND paused = 0`),
    childStarted: p(`UPDATE runs SET runnable_at = NULL, change_seq = (SELECT max(change_seq) + 1 FROM runs)
      WHERE wait_child_id = ? AND status = 'waiting' AND runnable_at IS NOT NULL`),
    // The change feed (schema v3).
    changesSince: p('SELECT run_id, head_seq, change_seq FROM runs WHERE change_seq > ? ORDER BY change_seq LIMIT ?').raw(true),
    lastChange: p('SELECT max(change_seq) FROM runs').pluck(),
    runnablePage: p(`SELECT r.run_id, r.workflow_id, r.workflow_version, r.runnable_at, l.owner, l.expires_at
      FROM runs r INDEXED BY runs_runnable LEFT JOIN leases l ON l.run_id = r.run_id
      WHERE r.runnable_at IS NOT NULL AND r.runnable_at <= ? AND (r.runnable_at > ? OR (r.runnable_at = ? AND r.run_id > ?))
      ORDER BY r.runnable_at, r.run_id LIMIT ?`).raw(true),
    // The first runnable run nobody leases (an ordered walk of runs_runnable that stops at it),
    // and the earliest a leased runnable run is free again (CROSS JOIN, and `+` keeping the
    // planner off runs_runnable there: from the leases, one row per run in flight, each run
    // found by its key, never a walk of every pending timer).
    nextRunnable: p(
      `SELECT min(at) FROM (
         SELECT at FROM (SELECT r.runnable_at AS at FROM runs r WHERE r.runnable_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.run_id = r.run_id) ORDER BY r.runnable_at LIMIT 1)
         UNION ALL
         SELECT max(r.runnable_at, l.expires_at) FROM leases l CROSS JOIN runs r ON r.run_id = l.run_id WHERE +r.runnable_at IS NOT NULL)`,
    ).pluck(),
    holdRun: p('UPDATE runs SET runnable_at = NULL WHERE run_id = ? AND head_seq IS ?'),
    workState: p(
      `SELECT r.runnable_at, l.owner, l.expires_at FROM runs r LEFT JOIN leases l ON l.run_id = r.run_id WHERE r.run_id = ?`,
    ).raw(true),
    putWorker: p(`INSERT INTO workers (worker_id, kind, hostname, pid, started_at, heartbeat_at, expires_at, workflows)
      VALUES (@workerId, @kind, @hostname, @pid, @startedAt, @heartbeatAt, @expiresAt, @workflows)
      ON CONFLICT(worker_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at,
        workflows = excluded.workflows`),
    deleteWorker: p('DELETE FROM workers WHERE worker_id = ?'),
    liveWorkers: p(
      'SELECT worker_id, kind, hostname, pid, started_at, heartbeat_at, expires_at, workflows FROM workers WHERE expires_at > ?',
    ).raw(true),
    dropDeadWorkers: p('DELETE FROM workers WHERE expires_at <= ?'),
    // INDEXED BY: without statistics the planner reads every waiting run by status and sorts.
    dueTimers: p(`SELECT state FROM runs INDEXED BY runs_by_due_timer WHERE status = 'waiting' AND waiting_reason = 'until'
      AND paused = 0 AND wait_until_ms <= ? AND (wait_until_ms > ? OR (wait_until_ms = ? AND run_id > ?))
      ORDER BY wait_until_ms, run_id LIMIT ?`),
    waitingForEvent: p(`SELECT state FROM runs INDEXED BY runs_by_event WHERE status = 'waiting' AND event_name = ?
      AND paused = 0 AND run_id > ? ORDER BY run_id LIMIT ?`),
    countAll: p('SELECT coalesce(sum(n), 0) FROM run_counts').pluck(),
    countStatus: p('SELECT coalesce(sum(n), 0) FROM run_counts WHERE status IN (SELECT value FROM json_each(?))').pluck(),
    runnable: p(`SELECT state FROM runs WHERE status = 'running' ORDER BY updated_at`),

    insertRecord: p(`INSERT INTO ledger (run_id, seq, record_hash, signature, status, idempotency_key, foreign_body, body)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    // raw(): rows as arrays (see LedgerTuple), measurably faster for long ledgers.
    ledgerAfter: p(`SELECT ${LEDGER_COLUMNS} FROM ledger WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`).raw(true),
    ledgerBefore: p(`SELECT ${LEDGER_COLUMNS} FROM ledger WHERE run_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`).raw(true),
    completedByKey: p(COMPLETED_BY_KEY_SQL).raw(true),

    getLease: p('SELECT owner, expires_at FROM leases WHERE run_id = ?').raw(true),
    putLease: p(`INSERT INTO leases (run_id, owner, expires_at) VALUES (?, ?, ?)
      ON CONFLICT(run_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`),
    deleteLease: p('DELETE FROM leases WHERE run_id = ? AND owner = ?'),
    dropLease: p('DELETE FROM leases WHERE run_id = ?'),

    insertSnapshot: p(`INSERT OR IGNORE INTO snapshots (snapshot_id, run_id, name, description, tags, created_at, body)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    getSnapshot: p('SELECT body FROM snapshots WHERE snapshot_id = ?'),

    insertArtifact: p('INSERT OR IGNORE INTO artifacts (ref, mime, size, bytes) VALUES (?, ?, ?, ?)'),
    getArtifact: p('SELECT mime, bytes FROM artifacts WHERE ref = ?'),
    hasArtifact: p('SELECT 1 FROM artifacts WHERE ref = ?'),

    putSignedHead: p(`INSERT INTO signed_heads (run_id, seq, hash, sig, public_key) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(run_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, sig = excluded.sig,
        public_key = excluded.public_key`),
    getSignedHead: p('SELECT run_id, seq, hash, sig, public_key FROM signed_heads WHERE run_id = ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

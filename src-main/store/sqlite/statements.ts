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
        event_name, paused, head_seq, head_hash, created_at, updated_at, origin_kind, state)
      VALUES (@run_id, @workflow_id, @status, @parent_run_id, @current_node, @waiting_reason, @wait_until_ms,
        @event_name, @paused, @head_seq, @head_hash, @created_at, @updated_at, @origin_kind, @state)
      ON CONFLICT(run_id) DO UPDATE SET workflow_id = excluded.workflow_id, status = excluded.status,
        parent_run_id = excluded.parent_run_id, current_node = excluded.current_node,
        waiting_reason = excluded.waiting_reason, wait_until_ms = excluded.wait_until_ms,
        event_name = excluded.event_name, paused = excluded.paused, head_seq = excluded.head_seq,
        head_hash = excluded.head_hash, updated_at = excluded.updated_at, origin_kind = excluded.origin_kind,
        state = excluded.state`),
    dueTimers: p(`SELECT state FROM runs WHERE status = 'waiting' AND waiting_reason = 'until' AND paused = 0
      AND wait_until_ms <= ? ORDER BY wait_until_ms`),
    waitingForEvent: p(`SELECT state FROM runs WHERE status = 'waiting' AND event_name = ? AND paused = 0
      ORDER BY updated_at`),
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

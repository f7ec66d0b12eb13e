/**
 * The SQLite schema as an ordered list of migrations. `PRAGMA user_version` holds the
 * version a file is at; opening runs the missing migrations in order, each in its own
 * transaction, and refuses a file from a newer app (SchemaTooNewError).
 */
import type Database from 'better-sqlite3';

/** 'ARTD': marks a SQLite file as an AbstractRuntime Desktop database. */
export const APPLICATION_ID = 0x41525444;

export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

const V1 = `
CREATE TABLE runs (
  run_id         TEXT PRIMARY KEY,
  workflow_id    TEXT NOT NULL,
  status         TEXT NOT NULL,
  parent_run_id  TEXT,
  current_node   TEXT NOT NULL,
  waiting_reason TEXT,
  wait_until_ms  INTEGER,
  event_name     TEXT,
  paused         INTEGER NOT NULL DEFAULT 0,
  head_seq       INTEGER,
  head_hash      TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  state          TEXT NOT NULL
);
CREATE INDEX runs_by_updated ON runs(updated_at DESC, run_id DESC);
CREATE INDEX runs_by_status ON runs(status, updated_at DESC);
CREATE INDEX runs_by_workflow ON runs(workflow_id, updated_at DESC);
CREATE INDEX runs_by_parent ON runs(parent_run_id) WHERE parent_run_id IS NOT NULL;
CREATE INDEX runs_by_event ON runs(event_name) WHERE status = 'waiting' AND event_name IS NOT NULL;

-- body: the exact canonical JSON bytes that were hashed (record minus record_hash, signature).
-- A rowid table (not WITHOUT ROWID): bodies are often larger than SQLite advises for those.
CREATE TABLE ledger (
  run_id          TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  record_hash     TEXT NOT NULL,
  signature       TEXT,
  status          TEXT NOT NULL,
  idempotency_key TEXT,
  foreign_body    INTEGER NOT NULL DEFAULT 0,
  body            TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX ledger_completed_by_key ON ledger(run_id, idempotency_key)
  WHERE status = 'completed' AND idempotency_key IS NOT NULL;

CREATE TABLE leases (
  run_id     TEXT PRIMARY KEY,
  owner      TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE snapshots (
  snapshot_id TEXT PRIMARY KEY,
  run_id      TEXT NOT NULL,
  name        TEXT NOT NULL,
  description TEXT,
  tags        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  body        TEXT NOT NULL
);
CREATE INDEX snapshots_by_run ON snapshots(run_id, created_at DESC);
CREATE INDEX snapshots_by_time ON snapshots(created_at DESC);

CREATE TABLE artifacts (
  ref   TEXT PRIMARY KEY,
  mime  TEXT NOT NULL,
  size  INTEGER NOT NULL,
  bytes BLOB NOT NULL
);
`;

// v2: signed heads (provenance) and the origin of a run as an indexed column, backfilled
// from the stored state so older files list imported runs correctly.
const V2 = `
CREATE TABLE signed_heads (
  run_id     TEXT PRIMARY KEY,
  seq        INTEGER NOT NULL,
  hash       TEXT NOT NULL,
  sig        TEXT NOT NULL,
  public_key TEXT NOT NULL
);
ALTER TABLE runs ADD COLUMN origin_kind TEXT;
UPDATE runs SET origin_kind = json_extract(state, '$.origin.kind');
CREATE INDEX runs_by_due_timer ON runs(wait_until_ms) WHERE status = 'waiting' AND waiting_reason = 'until';
`;

// v3: the database is the work queue and the change feed. runnable_at (see
// runtime/runnable.ts) says from when a run needs a worker; wait_child_id lets a child's
// final commit wake its parent; workers lists the live processes that claim work
// (heartbeats), so a run nobody can take shows stalled; change_seq grows with every write
// to a run row, so another process reads exactly the runs that changed since it last looked.
const V3 = `
ALTER TABLE runs ADD COLUMN workflow_version TEXT;
ALTER TABLE runs ADD COLUMN runnable_at INTEGER;
ALTER TABLE runs ADD COLUMN wait_child_id TEXT;
ALTER TABLE runs ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET workflow_version = json_extract(state, '$.workflow_version'),
  wait_child_id = CASE WHEN status = 'waiting' AND waiting_reason = 'subworkflow' THEN json_extract(state, '$.waiting.child_run_id') END;
UPDATE runs SET runnable_at = CASE
  WHEN paused = 1 THEN NULL
  WHEN status = 'running' THEN CAST(julianday(updated_at) * 86400000 - 210866760000000 AS INTEGER)
  WHEN status = 'waiting' AND waiting_reason = 'until' THEN wait_until_ms
  WHEN status = 'waiting' AND waiting_reason = 'subworkflow' THEN (SELECT CAST(julianday(c.updated_at) * 86400000 - 210866760000000 AS INTEGER)
    FROM runs c WHERE c.run_id = runs.wait_child_id AND c.status IN ('completed', 'failed', 'cancelled'))
END;
CREATE INDEX runs_runnable ON runs(runnable_at, run_id) WHERE runnable_at IS NOT NULL;
CREATE INDEX runs_by_child ON runs(wait_child_id) WHERE wait_child_id IS NOT NULL;
UPDATE runs SET change_seq = rowid;
CREATE INDEX runs_by_change ON runs(change_seq);

-- Flat costs: list pages are keyset ranges ending in run_id (no sort of ties), due timers and
-- event waiters have indexes their queries name, and totals per status are kept, not counted.
DROP INDEX runs_by_status;
CREATE INDEX runs_by_status ON runs(status, updated_at DESC, run_id DESC);
DROP INDEX runs_by_workflow;
CREATE INDEX runs_by_workflow ON runs(workflow_id, updated_at DESC, run_id DESC);
DROP INDEX runs_by_event;
CREATE INDEX runs_by_event ON runs(event_name, run_id) WHERE status = 'waiting' AND event_name IS NOT NULL;
DROP INDEX runs_by_due_timer;
CREATE INDEX runs_by_due_timer ON runs(wait_until_ms, run_id) WHERE status = 'waiting' AND waiting_reason = 'until';
DROP INDEX snapshots_by_run;
CREATE INDEX snapshots_by_run ON snapshots(run_id, created_at DESC, snapshot_id DESC);
DROP INDEX snapshots_by_time;
CREATE INDEX snapshots_by_time ON snapshots(created_at DESC, snapshot_id DESC);
CREATE TABLE run_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO run_counts (status, n) SELECT status, count(*) FROM runs GROUP BY status;
CREATE TRIGGER runs_count_insert AFTER INSERT ON runs BEGIN
  INSERT INTO run_counts (status, n) SELECT new.status, 0 WHERE NOT EXISTS (SELECT 1 FROM run_counts WHERE status = new.status);
  UPDATE run_counts SET n = n + 1 WHERE status = new.status;
END;
CREATE TRIGGER runs_count_update AFTER UPDATE OF status ON runs WHEN old.status IS NOT new.status BEGIN
  UPDATE run_counts SET n = n - 1 WHERE status = old.status;
  INSERT INTO run_counts (status, n) SELECT new.status, 0 WHERE NOT EXISTS (SELECT 1 FROM run_counts WHERE status = new.status);
  UPDATE run_counts SET n = n + 1 WHERE status = new.status;
END;
CREATE TRIGGER runs_count_delete AFTER DELETE ON runs BEGIN
  UPDATE run_counts SET n = n - 1 WHERE status = old.status;
END;
CREATE TABLE workers (
  worker_id    TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,
  hostname     TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  workflows    TEXT NOT NULL
);
`;

// v4: full-text search over every ledger (ledgerSearch.ts says how it keeps in step).
const V4 = `
CREATE VIRTUAL TABLE ledger_fts USING fts5(body, content='ledger', content_rowid='rowid', tokenize='unicode61');
CREATE TABLE ledger_fts_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_rowid INTEGER NOT NULL);
INSERT INTO ledger_fts_state (id, indexed_rowid) VALUES (1, 0);
-- The inspector looks up a run's restores on every open (to mark superseded records): this
-- partial index holds only those rows, so the lookup never reads a long ledger.
CREATE INDEX ledger_restored ON ledger(run_id, seq) WHERE instr(body, '"kind":"restored"') > 0;
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: 'runs, ledger, leases, snapshots, artifacts', up: (db) => db.exec(V1) },
  { version: 2, description: 'signed heads, run origin column, due-timer index', up: (db) => db.exec(V2) },
  { version: 3, description: 'work queue: runnable index, awaited child, workers', up: (db) => db.exec(V3) },
  { version: 4, description: 'full-text index of ledger bodies, index of restore records', up: (db) => db.exec(V4) },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Runs every migration above `from` up to `to` (default: the latest), one transaction each. */
export function migrate(db: Database.Database, from: number, to = SCHEMA_VERSION): void {
  for (const m of MIGRATIONS) {
    if (m.version <= from || m.version > to) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    }).immediate();
  }
}

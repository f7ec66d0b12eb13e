/**
 * The PostgreSQL schema as an ordered list of migrations, like SQLite's (store/sqlite/
 * schema.ts): `art_schema_version` holds the version a database is at; opening runs the
 * missing migrations in order, each in its own transaction, under an advisory lock so that
 * two processes opening a new database at once never both migrate it; a database from a
 * newer app is refused naming both versions (SchemaTooNewError).
 *
 * Hashed bodies, states and snapshots are `text` holding exactly the bytes SQLite holds
 * (never `jsonb`: it reorders keys and rounds numbers); artifacts are `bytea`.
 */
export interface PgMigration {
  version: number;
  description: string;
  sql: string;
}

/** pg_advisory_lock key for migrations: 'ARTD' as a number, as SQLite's application_id. */
export const MIGRATION_LOCK = 0x41525444;

const V1 = `
-- COLLATE "C" on every text column: text compares and sorts by byte value, as in SQLite, so
-- list pages, keyset cursors and claims come in the same order on both engines.
CREATE TABLE runs (
  run_id           text COLLATE "C" PRIMARY KEY,
  workflow_id      text COLLATE "C" NOT NULL,
  status           text COLLATE "C" NOT NULL,
  parent_run_id    text COLLATE "C",
  current_node     text COLLATE "C" NOT NULL,
  waiting_reason   text COLLATE "C",
  wait_until_ms    bigint,
  event_name       text COLLATE "C",
  paused           smallint NOT NULL DEFAULT 0,
  head_seq         bigint,
  head_hash        text COLLATE "C",
  created_at       text COLLATE "C" NOT NULL,
  updated_at       text COLLATE "C" NOT NULL,
  origin_kind      text COLLATE "C",
  workflow_version text COLLATE "C",
  runnable_at      bigint,
  wait_child_id    text COLLATE "C",
  change_seq       bigint NOT NULL DEFAULT 0,
  state            text COLLATE "C" NOT NULL
);
--: the runs list orders by byte value, as SQLite does (and index ranges match).
CREATE INDEX runs_by_updated ON runs(updated_at DESC, run_id DESC);
CREATE INDEX runs_by_status ON runs(status, updated_at DESC, run_id DESC);
CREATE INDEX runs_by_workflow ON runs(workflow_id, updated_at DESC, run_id DESC);
CREATE INDEX runs_by_parent ON runs(parent_run_id) WHERE parent_run_id IS NOT NULL;
CREATE INDEX runs_by_event ON runs(event_name, run_id) WHERE status = 'waiting' AND event_name IS NOT NULL;
CREATE INDEX runs_by_due_timer ON runs(wait_until_ms, run_id) WHERE status = 'waiting' AND waiting_reason = 'until';
CREATE INDEX runs_runnable ON runs(runnable_at, run_id) WHERE runnable_at IS NOT NULL;
CREATE INDEX runs_by_child ON runs(wait_child_id) WHERE wait_child_id IS NOT NULL;
CREATE INDEX runs_by_change ON runs(change_seq);

CREATE TABLE ledger (
  run_id          text COLLATE "C" NOT NULL,
  seq             bigint NOT NULL,
  record_hash     text COLLATE "C" NOT NULL,
  signature       text COLLATE "C",
  status          text COLLATE "C" NOT NULL,
  idempotency_key text COLLATE "C",
  foreign_body    smallint NOT NULL DEFAULT 0,
  body            text COLLATE "C" NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX ledger_completed_by_key ON ledger(run_id, idempotency_key)
  WHERE status = 'completed' AND idempotency_key IS NOT NULL;

CREATE TABLE leases (
  run_id     text COLLATE "C" PRIMARY KEY,
  owner      text COLLATE "C" NOT NULL,
  expires_at bigint NOT NULL
);

CREATE TABLE snapshots (
  snapshot_id text COLLATE "C" PRIMARY KEY,
  run_id      text COLLATE "C" NOT NULL,
  name        text COLLATE "C" NOT NULL,
  description text COLLATE "C",
  tags        text COLLATE "C" NOT NULL,
  created_at  text COLLATE "C" NOT NULL,
  body        text COLLATE "C" NOT NULL
);
CREATE INDEX snapshots_by_run ON snapshots(run_id, created_at DESC, snapshot_id DESC);
CREATE INDEX snapshots_by_time ON snapshots(created_at DESC, snapshot_id DESC);

CREATE TABLE artifacts (
  ref   text COLLATE "C" PRIMARY KEY,
  mime  text COLLATE "C" NOT NULL,
  size  bigint NOT NULL,
  bytes bytea NOT NULL
);

CREATE TABLE signed_heads (
  run_id     text COLLATE "C" PRIMARY KEY,
  seq        bigint NOT NULL,
  hash       text COLLATE "C" NOT NULL,
  sig        text COLLATE "C" NOT NULL,
  public_key text COLLATE "C" NOT NULL
);

CREATE TABLE workers (
  worker_id    text COLLATE "C" PRIMARY KEY,
  kind         text COLLATE "C" NOT NULL,
  hostname     text COLLATE "C" NOT NULL,
  pid          integer NOT NULL,
  started_at   bigint NOT NULL,
  heartbeat_at bigint NOT NULL,
  expires_at   bigint NOT NULL,
  workflows    text COLLATE "C" NOT NULL
);

-- The change feed's order: one row, bumped as the last write of every commit. Its row lock
-- is held until that commit ends, so change_seq grows in commit order (a sequence would hand
-- out numbers in start order, and a reader could pass a number whose commit lands later).
CREATE TABLE change_counter (id smallint PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL);
INSERT INTO change_counter VALUES (1, 0);

-- whenDurable() commits here with synchronous_commit = on: that flush makes every earlier
-- commit durable (the WAL is flushed in order).
CREATE TABLE durable_marker (id smallint PRIMARY KEY CHECK (id = 1), n bigint NOT NULL);
INSERT INTO durable_marker VALUES (1, 0);

-- Totals per status, kept by a trigger (a count per list page would read every run).
CREATE TABLE run_counts (status text PRIMARY KEY, n bigint NOT NULL);
INSERT INTO run_counts VALUES ('running', 0), ('waiting', 0), ('completed', 0), ('failed', 0), ('cancelled', 0);
CREATE FUNCTION runs_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO run_counts VALUES (NEW.status, 1) ON CONFLICT (status) DO UPDATE SET n = run_counts.n + 1;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE run_counts SET n = n - 1 WHERE status = OLD.status;
  ELSIF OLD.status IS DISTINCT FROM NEW.status THEN
    INSERT INTO run_counts VALUES (NEW.status, 0) ON CONFLICT (status) DO NOTHING;
    -- One statement locks both rows in index order: two commits moving runs in opposite
    -- directions (running -> waiting, waiting -> running) cannot deadlock on them.
    UPDATE run_counts SET n = n + CASE WHEN status = NEW.status THEN 1 ELSE -1 END
      WHERE status IN (OLD.status, NEW.status);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER runs_count AFTER INSERT OR DELETE OR UPDATE OF status ON runs FOR EACH ROW EXECUTE FUNCTION runs_count();
`;

// A commit's checks done by the server in the commit's own round trip: the run's row locked
// and still at the head the writer started from, and no other owner's unexpired lease. Any
// refusal (class AR) sends the writer back to its two-trip path, which reads and decides
// what to say (the same errors as before), so the rules stay in one place: the client's.
const V2 = `
CREATE FUNCTION art_commit_guard(p_run text, p_seq bigint, p_hash text, p_owner text, p_now bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  h_seq bigint;
  h_hash text;
  l_owner text;
  l_exp bigint;
BEGIN
  SELECT head_seq, head_hash INTO h_seq, h_hash FROM runs WHERE run_id = p_run FOR UPDATE;
  IF NOT FOUND OR h_seq IS DISTINCT FROM p_seq OR h_hash IS DISTINCT FROM p_hash THEN
    RAISE EXCEPTION 'run % is not at the head its writer started from', p_run USING ERRCODE = 'AR409';
  END IF;
  IF p_owner IS NOT NULL THEN
    SELECT owner, expires_at INTO l_owner, l_exp FROM leases WHERE run_id = p_run;
    IF FOUND AND l_owner <> p_owner AND l_exp > p_now THEN
      RAISE EXCEPTION 'run % is leased by another owner', p_run USING ERRCODE = 'AR423';
    END IF;
  END IF;
END $$;
`;

// The totals per status kept per statement, not per row: a merged send (pgHeldSend.ts) writes
// a thousand runs in one statement, and the row trigger ran two statements of its own for
// each of them, as long as the runs' update itself. Each statement's net change per status is
// added in status order, so two commits moving runs in opposite directions lock the rows in
// the same order and cannot deadlock on them.
const V3 = `
DROP TRIGGER runs_count ON runs;
DROP FUNCTION runs_count();
CREATE FUNCTION runs_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO run_counts (status, n) SELECT status, count(*) FROM new_runs GROUP BY status ORDER BY status
    ON CONFLICT (status) DO UPDATE SET n = run_counts.n + excluded.n;
  RETURN NULL;
END $$;
CREATE FUNCTION runs_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO run_counts (status, n) SELECT status, -count(*) FROM old_runs GROUP BY status ORDER BY status
    ON CONFLICT (status) DO UPDATE SET n = run_counts.n + excluded.n;
  RETURN NULL;
END $$;
CREATE FUNCTION runs_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH moved AS (
    SELECT o.status AS was, n.status AS now FROM old_runs o JOIN new_runs n ON n.run_id = o.run_id
    WHERE n.status IS DISTINCT FROM o.status)
  INSERT INTO run_counts (status, n)
    SELECT status, sum(k) FROM (SELECT now AS status, 1 AS k FROM moved UNION ALL SELECT was, -1 FROM moved) m
    GROUP BY status ORDER BY status
    ON CONFLICT (status) DO UPDATE SET n = run_counts.n + excluded.n;
  RETURN NULL;
END $$;
CREATE TRIGGER runs_count_inserted AFTER INSERT ON runs REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION runs_count_inserted();
CREATE TRIGGER runs_count_deleted AFTER DELETE ON runs REFERENCING OLD TABLE AS old_runs
  FOR EACH STATEMENT EXECUTE FUNCTION runs_count_deleted();
CREATE TRIGGER runs_count_updated AFTER UPDATE ON runs REFERENCING OLD TABLE AS old_runs NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION runs_count_updated();
`;

export const PG_MIGRATIONS: readonly PgMigration[] = [
  { version: 1, description: 'runs, ledger, leases, snapshots, artifacts, signed heads, work queue, change feed', sql: V1 },
  { version: 2, description: "a commit's head and lease checked by the server in the commit's own round trip", sql: V2 },
  { version: 3, description: 'the totals per status kept per statement, not per row', sql: V3 },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;

/**
 * Every fixed query of the PostgreSQL store, and the WHERE clauses of its list and search
 * filters (the same rules as store/sqlite/queryFilters.ts, in PostgreSQL's SQL).
 */
import { canonicalJson } from '../../../src-shared/canonicalJson';
import { WAIT_KINDS, type LedgerFilter } from '../../../src-shared/ledgerFilter';
import { asciiLower } from '../../../src-shared/textSearch';
import type { RunFilter, SnapshotQuery } from '../../runtime/storeContract';

export const LEDGER_COLUMNS = 'seq, record_hash, signature, body, foreign_body';
export type PgLedgerTuple = [seq: number, record_hash: string, signature: string | null, body: string, foreign_body: number];

const LEDGER_INSERT_COLUMNS = 'run_id, seq, record_hash, signature, status, idempotency_key, foreign_body, body';
/** A ledger row's values after the run id, in the order of LEDGER_INSERT_COLUMNS. */
const LEDGER_ROW_VALUES = 7;
/** Rows per ledger insert (a bounded statement: 1 + 7 × 100 parameters). */
export const LEDGER_ROWS_PER_INSERT = 100;
const insertLedgerTexts: string[] = [];

/**
 * The insert of `n` ledger rows (n ≤ LEDGER_ROWS_PER_INSERT) as one VALUES list, $1 the run
 * id and each row's values after it. Not arrays: inlined into a pipelined list, each body is
 * then a plain quoted literal, not an element of an array literal with every quote and
 * backslash escaped again (twice the text for the server to read, and for the client to write).
 */
export function insertLedgerRows(n: number): string {
  return (insertLedgerTexts[n] ??= `INSERT INTO ledger (${LEDGER_INSERT_COLUMNS}) VALUES ${Array.from({ length: n }, (_, r) => {
    const at = 2 + r * LEDGER_ROW_VALUES;
    return `($1, ${Array.from({ length: LEDGER_ROW_VALUES }, (_, c) => `$${at + c}`).join(', ')})`;
  }).join(', ')}`);
}

/** A ledger row's values with its run id first, as a merged send's COPY takes them (COPY_LEDGER). */
export const LEDGER_ROW_WIDTH = 1 + LEDGER_ROW_VALUES;
/**
 * A merged send's ledger rows, all in one COPY (pgSyncClient.ts writes them): for the 11,000
 * rows of 1,000 runs' turns, half the server's time of the same rows as VALUES lists and half
 * the client's, the server reading plain rows instead of parsing, planning and typing 88,000
 * literals. The same rows, typed by the same columns; a duplicate key aborts it as it would
 * the insert.
 */
export const COPY_LEDGER = `COPY ledger (${LEDGER_INSERT_COLUMNS}) FROM STDIN`;

/**
 * Adds the rows of a statement written by insertLedgerRows to `into`, each as [run id, …its
 * values]; false (nothing added) for any other statement.
 */
export function addLedgerRows(s: { text: string; values?: unknown[] }, into: unknown[]): boolean {
  const v = s.values ?? [];
  if (!insertLedgerTexts.includes(s.text) || (v.length - 1) % LEDGER_ROW_VALUES !== 0) return false;
  for (let at = 1; at < v.length; at += LEDGER_ROW_VALUES) {
    into.push(v[0]);
    for (let c = at; c < at + LEDGER_ROW_VALUES; c++) into.push(v[c]);
  }
  return true;
}

/** Run columns in the order the insert/update statements take them ($1 …). */
export const RUN_COLUMNS = [
  'run_id',
  'workflow_id',
  'status',
  'parent_run_id',
  'current_node',
  'waiting_reason',
  'wait_until_ms',
  'event_name',
  'paused',
  'head_seq',
  'head_hash',
  'created_at',
  'updated_at',
  'origin_kind',
  'workflow_version',
  'runnable_at',
  'wait_child_id',
  'state',
] as const;

// The change counter is bumped by the run row's own write, late in the commit: its row lock
// is held only from there to COMMIT (pgSchema.ts says why it is not a sequence).
const BUMP = 'WITH c AS (UPDATE change_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq)';
const NUMERIC: Partial<Record<(typeof RUN_COLUMNS)[number], string>> = {
  wait_until_ms: 'bigint',
  paused: 'smallint',
  head_seq: 'bigint',
  runnable_at: 'bigint',
};
// Typed: in INSERT … SELECT a bare parameter would be taken for text.
const ph = RUN_COLUMNS.map((col, i) => `$${i + 1}::${NUMERIC[col] ?? 'text'}`);
/** The keys of a run's completed records (pgCompletedKeys.ts) as JSON text, at most `limit`: the client hands every value over as text. */
const completedKeysOf = (runId: string, limit: string) => `(SELECT coalesce(json_agg(k), '[]')::text FROM (SELECT idempotency_key AS k
    FROM ledger WHERE run_id = ${runId} AND status = 'completed' AND idempotency_key IS NOT NULL LIMIT ${limit}) q)`;

export const SQL = {
  begin: 'BEGIN',
  beginDurable: 'BEGIN; SET LOCAL synchronous_commit = on',
  commit: 'COMMIT',
  notify: "SELECT pg_notify('art_changes', '')",
  // A commit that may have made a run claimable says so: workers claim on these, not on every commit.
  notifyWork: "SELECT pg_notify('art_changes', 'work')",
  runHeadForUpdate: 'SELECT head_seq, head_hash FROM runs WHERE run_id = $1 FOR UPDATE',
  // Raises (class AR) unless the run is at the head ($2, $3) and no other owner holds it ($4 at $5).
  commitGuard: 'SELECT art_commit_guard($1, $2, $3, $4, $5)',
  runHead: 'SELECT head_seq FROM runs WHERE run_id = $1',
  getRun: 'SELECT state FROM runs WHERE run_id = $1',
  // The state with the keys of the run's completed records, in one snapshot; $2 caps the keys read.
  getRunWithKeys: `SELECT state, ${completedKeysOf('$1', '$2')} FROM runs WHERE run_id = $1`,
  insertRun: `${BUMP} INSERT INTO runs (${RUN_COLUMNS.join(', ')}, change_seq) SELECT ${ph.join(', ')}, c.seq FROM c`,
  updateRun: `${BUMP} UPDATE runs SET ${RUN_COLUMNS.slice(1)
    .map((col, i) => `${col} = $${i + 2}`)
    .join(', ')}, change_seq = c.seq FROM c WHERE run_id = $1`,
  upsertRun: `${BUMP} INSERT INTO runs (${RUN_COLUMNS.join(', ')}, change_seq) SELECT ${ph.join(', ')}, c.seq FROM c
    ON CONFLICT (run_id) DO UPDATE SET ${RUN_COLUMNS.slice(1)
      .map((col) => `${col} = excluded.${col}`)
      .join(', ')}, change_seq = excluded.change_seq`,
  childEnded: `SELECT CASE WHEN status IN ('completed', 'failed', 'cancelled') THEN updated_at END FROM runs WHERE run_id = $1`,
  wakeParent: `UPDATE runs SET runnable_at = $1, change_seq = (SELECT seq FROM change_counter WHERE id = 1)
    WHERE wait_child_id = $2 AND status = 'waiting' AND paused = 0`,
  childStarted: `UPDATE runs SET runnable_at = NULL, change_seq = (SELECT seq FROM change_counter WHERE id = 1)
    WHERE wait_child_id = $1 AND status = 'waiting' AND runnable_at IS NOT NULL`,
  ledgerAfter: `SELECT ${LEDGER_COLUMNS} FROM ledger WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
  ledgerBefore: `SELECT ${LEDGER_COLUMNS} FROM ledger WHERE run_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
  // The mark of the last held transaction the session committed (pgCommitQueue.ts); NULL in a session never marked.
  markSession: "SELECT set_config('abstractruntime.held', $1, false)",
  sessionMark: "SELECT current_setting('abstractruntime.held', true)",
  storedHeads: `SELECT l.run_id, l.seq FROM ledger l
    JOIN unnest($1::text[], $2::bigint[], $3::text[]) AS q(run_id, seq, hash)
    ON l.run_id = q.run_id AND l.seq = q.seq AND l.record_hash = q.hash`,
  completedByKey: `SELECT ${LEDGER_COLUMNS} FROM ledger WHERE run_id = $1 AND idempotency_key = $2 AND status = 'completed'
    ORDER BY seq DESC LIMIT 1`,

  getLease: 'SELECT owner, expires_at FROM leases WHERE run_id = $1',
  putLease: `INSERT INTO leases (run_id, owner, expires_at) VALUES ($1, $2, $3)
    ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`,
  // Releasing a run still runnable offers it to the other workers.
  deleteLease: `WITH d AS (DELETE FROM leases WHERE run_id = $1 AND owner = $2 RETURNING run_id)
    SELECT pg_notify('art_changes', 'work') FROM d JOIN runs r ON r.run_id = d.run_id WHERE r.runnable_at IS NOT NULL`,
  dropLease: 'DELETE FROM leases WHERE run_id = $1',

  // The work queue. Claims lock the runs rows they look at (SKIP LOCKED: rows another
  // worker is claiming or committing are passed over, never waited for).
  liveOwners: `SELECT DISTINCT l.owner FROM leases l JOIN runs r ON r.run_id = l.run_id
    WHERE r.runnable_at IS NOT NULL AND r.runnable_at <= $1 AND l.expires_at > $1 AND l.owner <> $2 LIMIT 1000`,
  runnablePage: `SELECT r.run_id, r.workflow_id, r.workflow_version, r.runnable_at
    FROM runs r LEFT JOIN leases l ON l.run_id = r.run_id
    WHERE r.runnable_at IS NOT NULL AND r.runnable_at <= $1 AND (r.runnable_at, r.run_id) > ($2, $3)
      AND (l.owner IS NULL OR l.expires_at <= $1 OR l.owner = ANY($4::text[]))
    ORDER BY r.runnable_at, r.run_id LIMIT $5 FOR UPDATE OF r SKIP LOCKED`,
  // Takes the leases, again only where still free: a lease written since the page was read wins.
  // Each claimed run comes back with its state and completed keys, as getRunWithKeys reads
  // them (the page locked the rows, so they are current): the worker reads nothing more.
  claimLeases: `WITH claimed AS (INSERT INTO leases (run_id, owner, expires_at) SELECT unnest($1::text[]), $2, $3
      ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
        WHERE leases.expires_at <= $4 OR leases.owner = ANY($5::text[])
      RETURNING run_id)
    SELECT c.run_id, r.state, ${completedKeysOf('c.run_id', '$6')} FROM claimed c JOIN runs r ON r.run_id = c.run_id`,
  // The first runnable run nobody leases (an ordered walk of runs_runnable that stops at it),
  // and the earliest a leased runnable run is free again (LATERAL: from the leases, one row
  // per run in flight, each run found by its key, never a walk of every pending timer).
  nextRunnable: `SELECT least(
      (SELECT r.runnable_at FROM runs r WHERE r.runnable_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.run_id = r.run_id) ORDER BY r.runnable_at LIMIT 1),
      (SELECT min(greatest(x.at, l.expires_at)) FROM leases l CROSS JOIN LATERAL
        (SELECT r.runnable_at AS at FROM runs r WHERE r.run_id = l.run_id AND r.runnable_at IS NOT NULL) x))`,
  holdRun: 'UPDATE runs SET runnable_at = NULL WHERE run_id = $1 AND head_seq IS NOT DISTINCT FROM $2',
  workState: 'SELECT r.runnable_at, l.owner, l.expires_at FROM runs r LEFT JOIN leases l ON l.run_id = r.run_id WHERE r.run_id = $1',
  putWorker: `INSERT INTO workers (worker_id, kind, hostname, pid, started_at, heartbeat_at, expires_at, workflows)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at,
      workflows = excluded.workflows`,
  dropDeadWorkers: 'DELETE FROM workers WHERE expires_at <= $1',
  deleteWorker: 'DELETE FROM workers WHERE worker_id = $1',
  liveWorkers: `SELECT worker_id, kind, hostname, pid, started_at, heartbeat_at, expires_at, workflows FROM workers
    WHERE expires_at > $1 ORDER BY worker_id`,
  changesSince: 'SELECT run_id, head_seq, change_seq FROM runs WHERE change_seq > $1 ORDER BY change_seq, run_id LIMIT $2',
  lastChange: 'SELECT max(change_seq) FROM runs',

  dueTimers: `SELECT state FROM runs WHERE status = 'waiting' AND waiting_reason = 'until' AND paused = 0
    AND wait_until_ms <= $1 AND (wait_until_ms, run_id) > ($2, $3) ORDER BY wait_until_ms, run_id LIMIT $4`,
  waitingForEvent: `SELECT state FROM runs WHERE status = 'waiting' AND event_name = $1 AND paused = 0 AND run_id > $2
    ORDER BY run_id LIMIT $3`,
  runnable: `SELECT state FROM runs WHERE status = 'running' ORDER BY updated_at, run_id`,
  countAll: 'SELECT coalesce(sum(n), 0)::bigint FROM run_counts',
  countStatus: 'SELECT coalesce(sum(n), 0)::bigint FROM run_counts WHERE status = ANY($1::text[])',

  insertSnapshot: `INSERT INTO snapshots (snapshot_id, run_id, name, description, tags, created_at, body)
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (snapshot_id) DO NOTHING`,
  getSnapshot: 'SELECT body FROM snapshots WHERE snapshot_id = $1',
  insertArtifact: 'INSERT INTO artifacts (ref, mime, size, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (ref) DO NOTHING',
  getArtifact: 'SELECT mime, bytes FROM artifacts WHERE ref = $1',
  hasArtifact: 'SELECT 1 FROM artifacts WHERE ref = $1',
  putSignedHead: `INSERT INTO signed_heads (run_id, seq, hash, sig, public_key) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (run_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, sig = excluded.sig,
      public_key = excluded.public_key`,
  putSignedHeadIfNone: `INSERT INTO signed_heads (run_id, seq, hash, sig, public_key) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (run_id) DO NOTHING`,
  getSignedHead: 'SELECT run_id, seq, hash, sig, public_key FROM signed_heads WHERE run_id = $1',
} as const;

/**
 * Statements of many runs' writes at once, one row per run (or per ledger row), for a send of
 * held commits merged into one transaction (pgHeldSend.ts). Each takes its rows' values in
 * order, `width` per row.
 */
function valuesRows(rows: number, types: readonly string[], numbered = false): string {
  const out: string[] = [];
  // The first row's casts type the columns; the other rows' literals take those types.
  for (let r = 0; r < rows; r++)
    out.push(
      `(${numbered ? `${r + 1}, ` : ''}${types.map((t, c) => `$${r * types.length + c + 1}${r === 0 ? `::${t}` : ''}`).join(', ')})`,
    );
  return out.join(', ');
}
const RUN_TYPES = RUN_COLUMNS.map((col) => NUMERIC[col] ?? 'text');
/**
 * The statement of `n` rows, written once: a worker's every send uses the same few sizes (its
 * full 1,000-row chunks, and a last one), and the text of a full chunk is a hundred kilobytes.
 * At most MANY_TEXTS_KEPT texts of a kind are kept.
 */
const MANY_TEXTS_KEPT = 16;
function kept(build: (n: number) => string): (n: number) => string {
  const texts = new Map<number, string>();
  return (n) => {
    let text = texts.get(n);
    if (text === undefined) {
      if (texts.size >= MANY_TEXTS_KEPT) texts.clear();
      texts.set(n, (text = build(n)));
    }
    return text;
  };
}

export const MANY = {
  /** art_commit_guard for each row (run, head seq, head hash, owner, now): raises at the first refused. */
  guards: kept(
    (n) =>
      `SELECT art_commit_guard(g.r, g.s, g.h, g.o, g.n) FROM (VALUES ${valuesRows(n, ['text', 'bigint', 'text', 'text', 'bigint'])}) AS g(r, s, h, o, n)`,
  ),
  dropLeases: kept((n) => `DELETE FROM leases WHERE run_id IN (${Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ')})`),
  putLeases: kept(
    (n) => `INSERT INTO leases (run_id, owner, expires_at) VALUES ${valuesRows(n, ['text', 'text', 'bigint'])}
    ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`,
  ),
  // The change counter bumped once for the n runs; each run gets its own number (its row's ordinal).
  updateRuns: kept(
    (n) => `WITH c AS (UPDATE change_counter SET seq = seq + ${n} WHERE id = 1 RETURNING seq)
    UPDATE runs SET ${RUN_COLUMNS.slice(1)
      .map((col) => `${col} = v.${col}`)
      .join(', ')}, change_seq = c.seq - ${n} + v.ord
    FROM c, (VALUES ${valuesRows(n, RUN_TYPES, true)}) AS v(ord, ${RUN_COLUMNS.join(', ')})
    WHERE runs.run_id = v.run_id`,
  ),
  insertRuns: kept(
    (n) => `WITH c AS (UPDATE change_counter SET seq = seq + ${n} WHERE id = 1 RETURNING seq)
    INSERT INTO runs (${RUN_COLUMNS.join(', ')}, change_seq)
    SELECT ${RUN_COLUMNS.map((col) => `v.${col}`).join(', ')}, c.seq - ${n} + v.ord
    FROM c, (VALUES ${valuesRows(n, RUN_TYPES, true)}) AS v(ord, ${RUN_COLUMNS.join(', ')})`,
  ),
};

/** Numbered placeholders: `next(v)` adds a value and returns its `$n`. */
function params() {
  const values: unknown[] = [];
  return { values, next: (v: unknown) => (values.push(v), `$${values.length}`) };
}

export function pgRunWhere(f: RunFilter): { where: string; values: unknown[] } {
  const parts: string[] = [];
  const p = params();
  if (f.status !== undefined) {
    const statuses = [f.status].flat();
    // One status as an equality: the planner then reads runs_by_status in order and stops at
    // the page's end. With ANY of one value it took every run of that status and sorted them
    // (10,000 waiting runs of 100,000: 20–40 ms a page instead of about 1).
    parts.push(statuses.length === 1 ? `status = ${p.next(statuses[0])}` : `status = ANY(${p.next(statuses)}::text[])`);
  }
  if (f.workflowId) parts.push(`workflow_id = ${p.next(f.workflowId)}`);
  if (f.parentRunId !== undefined) parts.push(`parent_run_id = ${p.next(f.parentRunId)}`);
  if (f.createdFrom) parts.push(`created_at >= ${p.next(f.createdFrom)}`);
  if (f.createdTo) parts.push(`created_at < ${p.next(f.createdTo)}`);
  if (f.search) {
    // lower() under COLLATE "C" folds ASCII only, as SQLite's lower() does; the text is folded the same way.
    const t = p.next(asciiLower(f.search));
    parts.push(`(strpos(lower(run_id), ${t}) > 0 OR strpos(lower(workflow_id), ${t}) > 0 OR strpos(lower(current_node), ${t}) > 0)`);
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values: p.values };
}

/** How many of the newest runs the search across runs looks in first (ledgerSearchNewest). */
export const SEARCH_NEWEST_RUNS = 2000;

/** Each of `words` words ($1…$n, already folded) in a ledger row's stored text; lower() under COLLATE "C" folds A–Z only, as asciiLower does. */
function holdsWords(words: number): string {
  return Array.from({ length: words }, (_, i) => `strpos(lower(l.body), $${i + 1}) > 0`).join(' AND ');
}
const LEDGER_COLUMNS_OF_L = LEDGER_COLUMNS.split(', ')
  .map((c) => `l.${c}`)
  .join(', ');

/**
 * The ledger rows holding every word, newest run first, at most $n+1: one scan of the whole
 * ledger. For a word few runs hold a walk of every run costs more (1.0 against 0.4 s over a
 * million records).
 */
export function ledgerSearch(words: number): string {
  return `SELECT l.run_id, r.workflow_id, ${LEDGER_COLUMNS_OF_L} FROM ledger l LEFT JOIN runs r ON r.run_id = l.run_id
    WHERE ${holdsWords(words)} ORDER BY r.updated_at DESC NULLS LAST, l.run_id DESC, l.seq LIMIT $${words + 1}`;
}

/**
 * The same, only in the newest $n+2 runs, walked in order: a word most runs hold has its first
 * page in a few ms, where ledgerSearch gathers and sorts every match (about 0.9 s over a
 * million records).
 */
export function ledgerSearchNewest(words: number): string {
  return `SELECT r.run_id, r.workflow_id, ${LEDGER_COLUMNS_OF_L}
    FROM (SELECT run_id, workflow_id, updated_at FROM runs ORDER BY updated_at DESC, run_id DESC LIMIT $${words + 2}) r
    CROSS JOIN LATERAL (SELECT ${LEDGER_COLUMNS_OF_L} FROM ledger l WHERE l.run_id = r.run_id AND ${holdsWords(words)}) l
    ORDER BY r.updated_at DESC, r.run_id DESC, l.seq LIMIT $${words + 1}`;
}

/**
 * One page of a run's records that may pass a ledger filter, after seq $2: our records
 * decided here, with the same tests as SQLite's query (store/sqlite/ledgerSearch.ts) and
 * `recordMatches`; records imported from Python (foreign_body = 1) only through the text
 * test, their bodies returned for the caller to decide (PostgreSQL's json may refuse a
 * Python body, NaN for one, so only our canonical bodies are parsed here, under CASE, which
 * PostgreSQL evaluates in order).
 */
export function pgLedgerFilter(runId: string, f: LedgerFilter, afterSeq: number, limit: number): { text: string; values: unknown[] } {
  const p = params();
  const where = [`run_id = ${p.next(runId)}`, `seq > ${p.next(afterSeq)}`];
  const ours: string[] = [];
  const b = 'CASE WHEN foreign_body = 0 THEN body::json END';
  const kind = `(${b})->>'kind'`;
  // Our bodies are canonical JSON: a text probe, spelled as the body spells it, skips parsing most rows.
  if (f.kind) ours.push(`strpos(body, ${p.next(`"kind":${canonicalJson(f.kind)}`)}) > 0 AND ${kind} = ${p.next(f.kind)}`);
  if (f.nodeId)
    ours.push(`strpos(body, ${p.next(`"node_id":${canonicalJson(f.nodeId)}`)}) > 0 AND (${b})->>'node_id' = ${p.next(f.nodeId)}`);
  if (f.status) ours.push(`status = ${p.next(f.status)}`);
  if (f.show === 'effects') ours.push(`${kind} = 'effect'`);
  if (f.show === 'waits') ours.push(`(status = 'waiting' OR ${kind} = ANY(${p.next([...WAIT_KINDS])}::text[]))`);
  if (f.show === 'errors')
    ours.push(`(status = 'failed' OR ${kind} = 'failed' OR coalesce(json_typeof((${b})->'error'), 'null') <> 'null')`);
  const text = f.text?.trim();
  // lower() under COLLATE "C" folds ASCII only, as asciiLower does.
  if (text) where.push(`strpos(lower(body), ${p.next(asciiLower(text))}) > 0`);
  if (ours.length) where.push(`(foreign_body = 1 OR (${ours.join(' AND ')}))`);
  return {
    text: `SELECT seq, record_hash, signature, CASE WHEN foreign_body = 1 THEN body END, foreign_body FROM ledger
      WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ${p.next(limit)}`,
    values: p.values,
  };
}

export function pgSnapshotWhere(q: SnapshotQuery): { where: string; values: unknown[] } {
  const parts: string[] = [];
  const p = params();
  if (q.runId) parts.push(`run_id = ${p.next(q.runId)}`);
  if (q.from) parts.push(`created_at >= ${p.next(q.from)}`);
  if (q.to) parts.push(`created_at <= ${p.next(q.to)}`);
  if (q.after) parts.push(`(created_at, snapshot_id) < (${p.next(q.after.created_at)}, ${p.next(q.after.snapshot_id)})`);
  if (q.text) {
    const t = p.next(asciiLower(q.text));
    parts.push(
      `(strpos(lower(name), ${t}) > 0 OR strpos(lower(coalesce(description, '')), ${t}) > 0 OR EXISTS (SELECT 1 FROM json_array_elements_text(tags::json) AS tag(v) WHERE strpos(lower(tag.v COLLATE "C"), ${t}) > 0))`,
    );
  }
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values: p.values };
}

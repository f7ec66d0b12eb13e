import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseCorruptError, DatabaseLockedError, NotADatabaseError, SchemaTooNewError, StoreError } from '../../src-shared/errors';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, migrate } from '../../src-main/store/sqlite/schema';
import { makeRecord, makeState, writeRun } from '../ledger/support/runFactory';
import { readableChild } from '../support/readableChild';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-sqlite-files-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('schema versions', () => {
  it('migrates a version-1 file on open, keeping its runs and ledger', () => {
    const file = join(dir, 'v1.db');
    const raw = new Database(file);
    migrate(raw, 0, 1);
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    const r0 = makeRecord('old', null);
    const state = makeState(
      'old',
      { seq: 0, hash: r0.record_hash },
      { origin: { kind: 'import', source: 'bundle', imported_at: 'x', path: null } },
    );
    raw
      .prepare(
        `INSERT INTO runs (run_id, workflow_id, status, current_node, head_seq, head_hash, created_at, updated_at, state)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        'old',
        state.workflow_id,
        state.status,
        state.current_node,
        0,
        r0.record_hash,
        state.created_at,
        state.updated_at,
        JSON.stringify(state),
      );
    raw.close();

    const store = SqliteStore.open(file);
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(store.getRun('old')).toEqual(state);
      // v2 backfilled the origin column from the stored state, and added signed heads.
      expect(store.db.prepare("SELECT origin_kind FROM runs WHERE run_id = 'old'").get()).toEqual({ origin_kind: 'import' });
      expect(store.getSignedHead('old')).toBeNull();
      // v3 put the old running run on the work queue: any worker can claim it.
      expect(store.workState('old')?.runnableAt).toBe(Date.parse(state.updated_at));
    } finally {
      store.close();
    }
  });

  it('lists its migrations in order, ending at the current version', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual([1, 2, 3, 4]);
    expect(SCHEMA_VERSION).toBe(4);
  });

  it('refuses a file from a newer version, saying which version each side has', () => {
    const file = join(dir, 'future.db');
    SqliteStore.open(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 7');
    raw.close();
    expect(() => SqliteStore.open(file)).toThrow(SchemaTooNewError);
    expect(() => SqliteStore.open(file)).toThrow(new RegExp(`schema version 7.*supports schema version ${SCHEMA_VERSION}`));
  });

  it("refuses someone else's SQLite database instead of adding tables to it", () => {
    const file = join(dir, 'other.db');
    const raw = new Database(file);
    raw.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    raw.close();
    expect(() => SqliteStore.open(file)).toThrow(NotADatabaseError);
    const again = new Database(file);
    expect(again.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 1 });
    again.close();
  });

  it('marks its files with an application id', () => {
    const store = SqliteStore.open(join(dir, 'a.db'));
    expect(store.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    store.close();
  });
});

describe('files users meet', () => {
  it('says a text file is not a database, naming it, and leaves it untouched', () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(20));
    expect(() => SqliteStore.open(file)).toThrow(NotADatabaseError);
    expect(() => SqliteStore.open(file)).toThrow(file);
    expect(readFileSync(file, 'utf8')).toBe('these are my notes, not a database\n'.repeat(20));
  });

  it('says a database opened read-only does not exist, without creating it', () => {
    const file = join(dir, 'missing.db');
    expect(() => SqliteStore.open(file, { readonly: true })).toThrow(StoreError);
    expect(() => SqliteStore.open(file, { readonly: true })).toThrow(/does not exist/);
    expect(existsSync(file)).toBe(false);
  });

  it('reports a damaged database as DatabaseCorruptError', () => {
    const file = join(dir, 'damaged.db');
    const store = SqliteStore.open(file);
    writeRun(store, 'r1', 300);
    store.close();
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0xff, pageSize * 2, bytes.length - pageSize); // every page but the schema and the last
    writeFileSync(file, bytes);
    // The schema may span more than one page (v3 has triggers): the damage shows on open or on read.
    expect(() => {
      const damaged = SqliteStore.open(file);
      try {
        damaged.getRun('r1');
        Array.from(damaged.iterateLedger('r1'));
      } finally {
        damaged.close();
      }
    }).toThrow(DatabaseCorruptError);
  });

  it('reports a database locked by another process as retryable, and loses nothing', async () => {
    const file = join(dir, 'locked.db');
    const store = SqliteStore.open(file, { busyTimeoutMs: 50 });
    const state = writeRun(store, 'r1', 3);
    // The three commits shared this turn's transaction, which holds the write lock until the
    // turn ends (the flush); a caller always awaits that before it reports.
    await store.whenDurable();
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const r = makeRecord('r1', state.ledger_head);
    const next = makeState('r1', { seq: r.seq, hash: r.record_hash });
    let err: unknown;
    try {
      store.commit({ state: next, records: [r], expectedHeadSeq: 2 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatabaseLockedError);
    expect((err as DatabaseLockedError).retryable).toBe(true);
    expect((err as Error).message).toContain(file);
    other.exec('ROLLBACK');
    other.close();
    store.commit({ state: next, records: [r], expectedHeadSeq: 2 }); // the retry succeeds
    expect(store.readLedger('r1', { limit: 10 }).total).toBe(4);
    store.close();
  });

  it('reports a read-only folder clearly, and can still read an existing database read-only', () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    const existing = join(ro, 'runs.db');
    const store = SqliteStore.open(existing);
    writeRun(store, 'r1', 2);
    store.close();
    chmodSync(ro, 0o555);
    chmodSync(dir, 0o755);
    const asUser = openAsUnprivileged;
    const created = asUser(join(ro, 'new.db'));
    expect(created).toMatchObject({ ok: false, code: 'READ_ONLY_LOCATION' });
    expect(created.message).toContain(join(ro, 'new.db'));
    expect(asUser(existing)).toMatchObject({ ok: false, code: 'READ_ONLY_LOCATION' });
    expect(asUser(existing, 'readonly')).toEqual({ ok: true, runs: 1 });
    chmodSync(ro, 0o755);
  });
});

const CHILD = resolve(__dirname, '../ledger/support/openStoreChild.ts');
let child: { script: string; dir: string } | null = null;
beforeAll(async () => {
  child = await readableChild(CHILD);
});
afterAll(() => {
  if (child) rmSync(child.dir, { recursive: true, force: true });
});

/** Root ignores file modes, so as root the child runs as `nobody`, from a copy it can read. */
function openAsUnprivileged(file: string, mode = ''): { ok: boolean; code?: string; message?: string; runs?: number } {
  const asRoot = process.getuid?.() === 0;
  const out = spawnSync(process.execPath, [child!.script, file, mode], {
    cwd: child!.dir,
    encoding: 'utf8',
    env: { ...process.env, HOME: tmpdir() },
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  const line = out.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) throw new Error(`child failed: ${out.stderr}`);
  return JSON.parse(line);
}

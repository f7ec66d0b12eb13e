/**
 * Opens (creating if needed) an AbstractRuntime SQLite file: checks it is ours and not from
 * a newer app, sets WAL + the durability level, and migrates older schemas. Every failure a
 * user can meet here becomes a typed error naming the file.
 */
import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NotADatabaseError, ReadOnlyLocationError, SchemaTooNewError, StoreError } from '../../../src-shared/errors';
import { APPLICATION_ID, SCHEMA_VERSION, migrate } from './schema';
import { guarded } from './sqliteErrors';

export type Durability = 'full' | 'process';

export interface OpenOptions {
  /** 'full' (default): synchronous=FULL, survives power loss. 'process': NORMAL, survives process crashes. */
  durability?: Durability;
  readonly?: boolean;
  /** How long a write waits for another process's lock before DatabaseLockedError (default 5000). */
  busyTimeoutMs?: number;
  /**
   * With durability 'full' (default true): commits do not fsync one by one (synchronous=
   * NORMAL); the store fsyncs the WAL once for every commit made meanwhile before any of them
   * is relied on (SqliteStore.whenDurable): group commit across runs in flight.
   */
  groupCommit?: boolean;
}

/** Whether the store itself must fsync the WAL to keep the 'full' promise. */
export function groupsCommits(opts: OpenOptions, file: string): boolean {
  // An in-memory database has no WAL file to fsync: nothing to group.
  return opts.durability !== 'process' && opts.groupCommit !== false && !opts.readonly && !isInMemory(file);
}

export function openDatabase(file: string, opts: OpenOptions = {}): Database.Database {
  if (!opts.readonly) ensureWritableFolder(file);
  else if (!existsSync(file)) throw new StoreError(`the database ${file} does not exist`, { file });
  const db = guarded(file, () => new Database(file, { readonly: !!opts.readonly, fileMustExist: !!opts.readonly }));
  try {
    guarded(file, () => configure(db, file, opts));
    return db;
  } catch (err) {
    db.close();
    if (opts.readonly && isReadOnlyFolderError(err)) return openInMemoryCopy(file, opts);
    throw err;
  }
}

/**
 * A WAL database in a read-only folder cannot be read in place (SQLite must create its
 * `-shm` file there), e.g. a backup on a read-only mount: read-only opens fall back to an
 * in-memory copy of the file, so it can still be listed, verified and exported.
 */
function openInMemoryCopy(file: string, opts: OpenOptions): Database.Database {
  const bytes = guarded(file, () => readFileSync(file));
  // Header bytes 18-19 = 2 mark WAL mode, which an in-memory image cannot use.
  if (bytes.length >= 20 && bytes[18] === 2) bytes[18] = bytes[19] = 1;
  const db = guarded(file, () => new Database(bytes, { readonly: true }));
  try {
    guarded(file, () => configure(db, file, opts));
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function isReadOnlyFolderError(err: unknown): boolean {
  const code = (err as { details?: { sqliteCode?: string } }).details?.sqliteCode ?? '';
  return code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN';
}

function configure(db: Database.Database, file: string, opts: OpenOptions): void {
  db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
  const version = db.pragma('user_version', { simple: true }) as number;
  const appId = db.pragma('application_id', { simple: true }) as number;
  checkIdentity(db, file, version, appId);
  if (version > SCHEMA_VERSION)
    throw new SchemaTooNewError(
      `${file} was written by a newer AbstractRuntime (schema version ${version}); this app supports schema version ${SCHEMA_VERSION} at most. Update the app to open it.`,
      { file, fileVersion: version, supportedVersion: SCHEMA_VERSION },
    );
  if (opts.readonly) {
    if (version < SCHEMA_VERSION)
      throw new StoreError(`${file} has schema version ${version} and needs upgrading to ${SCHEMA_VERSION}: open it once read-write`, {
        file,
      });
    return;
  }
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode syncs the WAL before each checkpoint and the database after it; the
  // commits between checkpoints are fsynced by the store in groups (see groupsCommits).
  db.pragma(`synchronous = ${opts.durability === 'process' || groupsCommits(opts, file) ? 'NORMAL' : 'FULL'}`);
  // Checkpoint every ~40 MB of WAL instead of SQLite's 4 MB: each checkpoint fsyncs, and a
  // run's commit writes 12-15 frames, so the default checkpointed (and fsynced) every ~70
  // commits; measured +15-20% steps/s. Hot pages are also copied back once, not ten times.
  db.pragma('wal_autocheckpoint = 10000');
  if (version < SCHEMA_VERSION) migrate(db, version);
}

/** A SQLite file with tables but without our id is someone else's database: never touch it. */
function checkIdentity(db: Database.Database, file: string, version: number, appId: number): void {
  if (appId === APPLICATION_ID) return;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
  if (appId !== 0 || version !== 0 || tables.n > 0)
    throw new NotADatabaseError(`${file} is a SQLite database, but not an AbstractRuntime one`, { file });
}

function ensureWritableFolder(file: string): void {
  if (file === ':memory:') return;
  const dir = dirname(file);
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    if (existsSync(file)) accessSync(file, constants.W_OK);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ReadOnlyLocationError(
      `cannot write the database ${file}: its folder or the file is read-only (${reason}); choose a writable location or open it read-only`,
      { file, reason },
    );
  }
}

function isInMemory(file: string): boolean {
  return file === ':memory:' || file === '' || file.startsWith('file::memory:');
}

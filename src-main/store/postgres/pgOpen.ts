/**
 * Opens an AbstractRuntime PostgreSQL database: connects, checks the database is ours (or
 * empty) and not from a newer app, refuses a read-only server for a writer, and runs the
 * missing migrations under an advisory lock (two processes opening a new database at once:
 * the second waits, then finds it migrated). Every failure is a typed error naming the
 * database by its redacted URL.
 */
import { DatabaseReadOnlyError, NotADatabaseError, RuntimeError, SchemaTooNewError, StoreError } from '../../../src-shared/errors';
import { MIGRATION_LOCK, PG_MIGRATIONS, PG_SCHEMA_VERSION } from './pgSchema';
import { PgSyncClient } from './pgSyncClient';
import { checkPostgresUrl, redactPostgresUrl } from './pgUrl';

export interface PgOpenSettings {
  readonly?: boolean;
  /** Commits through this connection do not wait for the disk flush (whenDurable does). */
  asyncCommits: boolean;
  reconnectForMs?: number;
}

export function openPgDatabase(url: string, opts: PgOpenSettings): { client: PgSyncClient; serverStart: string | null } {
  checkPostgresUrl(url);
  const label = redactPostgresUrl(url);
  const onConnect = ["SET application_name = 'abstractruntime'"];
  if (opts.asyncCommits) onConnect.push('SET synchronous_commit = off');
  const client = new PgSyncClient(url, label, { onConnect, reconnectForMs: opts.reconnectForMs });
  try {
    const [info] = client.run([
      {
        text: `SELECT current_setting('server_encoding'), current_setting('transaction_read_only'),
          pg_postmaster_start_time()::text`,
      },
    ]);
    const [encoding, readOnly, started] = info!.rows[0] as [string, string, string];
    if (encoding !== 'UTF8')
      throw new StoreError(`${label} uses the ${encoding} encoding; AbstractRuntime needs a UTF8 database to keep text exactly`, {
        database: label,
      });
    if (opts.readonly) {
      checkVersion(client, label, true);
    } else {
      if (readOnly === 'on')
        throw new DatabaseReadOnlyError(
          `${label} only accepts reads (a read-only replica or default_transaction_read_only = on); point --db at the primary`,
          { database: label, sqlState: '25006' },
        );
      migrate(client, label);
    }
    return { client, serverStart: started };
  } catch (err) {
    client.close();
    throw err instanceof RuntimeError ? err : new StoreError(`${label}: ${(err as Error).message}`, { database: label });
  }
}

/** The database's schema version (0: empty); refuses someone else's database and a newer schema. */
function checkVersion(client: PgSyncClient, label: string, readonly: boolean): number {
  const [res] = client.run([
    {
      text: `SELECT to_regclass('art_schema_version') IS NOT NULL,
        (SELECT count(*)::int FROM information_schema.tables WHERE table_schema = current_schema())`,
    },
  ]);
  const [ours, tables] = res!.rows[0] as [boolean, number];
  if (!ours) {
    if (tables > 0)
      throw new NotADatabaseError(`${label} holds other tables but no AbstractRuntime schema; use an empty database`, { database: label });
    if (readonly) throw new StoreError(`${label} has no AbstractRuntime schema yet: open it once read-write`, { database: label });
    return 0;
  }
  const version = client.rows<[number]>('SELECT max(version)::int FROM art_schema_version')[0]?.[0] ?? 0;
  if (version > PG_SCHEMA_VERSION)
    throw new SchemaTooNewError(
      `${label} was written by a newer AbstractRuntime (schema version ${version}); this app supports schema version ${PG_SCHEMA_VERSION} at most. Update the app to open it.`,
      { database: label, fileVersion: version, supportedVersion: PG_SCHEMA_VERSION },
    );
  if (readonly && version < PG_SCHEMA_VERSION)
    throw new StoreError(`${label} has schema version ${version} and needs upgrading to ${PG_SCHEMA_VERSION}: open it once read-write`, {
      database: label,
    });
  return version;
}

function migrate(client: PgSyncClient, label: string): void {
  client.run([{ text: 'SELECT pg_advisory_lock($1)', values: [MIGRATION_LOCK] }]);
  try {
    const from = checkVersion(client, label, false);
    for (const m of PG_MIGRATIONS) {
      if (m.version <= from) continue;
      client.run(
        [
          { text: 'BEGIN; SET LOCAL synchronous_commit = on' },
          { text: m.sql },
          {
            text: 'CREATE TABLE IF NOT EXISTS art_schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
          },
          { text: 'INSERT INTO art_schema_version (version, description) VALUES ($1, $2)', values: [m.version, m.description] },
          { text: 'COMMIT' },
        ],
        { rollbackOnError: true },
      );
    }
  } finally {
    try {
      client.run([{ text: 'SELECT pg_advisory_unlock($1)', values: [MIGRATION_LOCK] }]);
    } catch {
      // A lost connection released its session lock already; the migration's own error is the one to see.
    }
  }
}

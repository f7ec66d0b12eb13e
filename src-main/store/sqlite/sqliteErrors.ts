/**
 * Turns SQLite failures into the typed errors users meet, each naming the file: a file that
 * is not a database, a damaged one, one locked by another program, a read-only location.
 */
import {
  DatabaseCorruptError,
  DatabaseLockedError,
  NotADatabaseError,
  ReadOnlyLocationError,
  RuntimeError,
  StoreError,
} from '../../../src-shared/errors';

export function toStoreError(err: unknown, file: string): Error {
  if (err instanceof RuntimeError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
  const detail = err instanceof Error ? err.message : String(err);
  const details = { file, sqliteCode: code };
  if (code.startsWith('SQLITE_NOTADB'))
    return new NotADatabaseError(`${file} is not a database (it is not a SQLite file, or it is encrypted)`, details);
  if (code.startsWith('SQLITE_CORRUPT'))
    return new DatabaseCorruptError(
      `${file} is damaged (${detail}); committed data may be recoverable with the sqlite3 ".recover" command on a copy`,
      details,
    );
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new DatabaseLockedError(`${file} is locked by another program or process; try again shortly`, details);
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM'))
    return new ReadOnlyLocationError(`${file} cannot be written (read-only file or folder, or no permission): ${detail}`, details);
  if (code === 'SQLITE_FULL') return new StoreError(`${file}: the disk is full`, details);
  if (code.startsWith('SQLITE_IOERR')) return new StoreError(`${file}: disk I/O error (${detail})`, details);
  if (code === 'EACCES' || code === 'EPERM') return new StoreError(`${file} cannot be read: permission denied`, details);
  if (code.startsWith('SQLITE_')) return new StoreError(`${file}: ${detail}`, details);
  return err instanceof Error ? err : new StoreError(detail, details);
}

/** Runs `fn`, rethrowing SQLite errors as typed errors about `file`. */
export function guarded<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toStoreError(err, file);
  }
}

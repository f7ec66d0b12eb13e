/**
 * Writing a file a command was asked to produce (`export -o`, `artifact --save`): never over
 * a database (the open one, its WAL/SHM companions, or any SQLite file), never over an
 * existing file unless --force. The text goes to a temporary file first, then takes its
 * name in one step: without --force by a hard link, which fails if the name was taken
 * meanwhile, so a file that appeared after the check is not clobbered either.
 */
import { closeSync, existsSync, linkSync, openSync, readSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FileExistsError, WouldOverwriteDatabaseError } from '../../src-shared/errors';

const SQLITE_MAGIC = 'SQLite format 3\u0000';

export interface OutputFileOptions {
  force: boolean;
  /** The database the command works on: refused as a target even when it does not exist yet. */
  dbPath: string;
}

export function checkOutputFile(file: string, opts: OutputFileOptions): string {
  const path = resolve(file);
  const db = canonical(resolve(opts.dbPath));
  const target = canonical(path);
  if ([db, `${db}-wal`, `${db}-shm`, `${db}-journal`].includes(target))
    throw new WouldOverwriteDatabaseError(`${path} is the database this command uses: choose another file name`, { path });
  if (!existsSync(path)) return path;
  if (isSqliteFile(path))
    throw new WouldOverwriteDatabaseError(`${path} is a SQLite database: it is never overwritten, even with --force`, { path });
  if (!opts.force) throw new FileExistsError(`${path} already exists: pass --force to replace it`, { path });
  return path;
}

export function writeOutputFile(file: string, data: string | Uint8Array, opts: OutputFileOptions): string {
  const path = checkOutputFile(file, opts);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o644 });
  try {
    if (opts.force) renameSync(tmp, path);
    else linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new FileExistsError(`${path} already exists: pass --force to replace it`, { path });
    throw err;
  } finally {
    if (existsSync(tmp)) unlinkSync(tmp);
  }
  return path;
}

/** The real path of a file or, when it does not exist yet, of its folder plus its name. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const slash = path.lastIndexOf('/');
    try {
      return `${realpathSync(path.slice(0, slash) || '/')}/${path.slice(slash + 1)}`;
    } catch {
      return path;
    }
  }
}

function isSqliteFile(path: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(16);
    return readSync(fd, head, 0, 16, 0) === 16 && head.toString('latin1') === SQLITE_MAGIC;
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

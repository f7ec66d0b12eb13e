/**
 * Where file tools may read and write: inside an allowed folder and never inside a
 * forbidden place (the runtime's own files: data folder, database and its WAL/SHM/anchors).
 * A model chooses the paths, so every check is made on the REAL path (symlinks resolved),
 * and, on Linux, again on the file actually opened (`/proc/self/fd`), so a symlink swapped
 * in between the check and the open cannot redirect it. Final components are opened with
 * O_NOFOLLOW: a symlink as the file itself is refused, never followed.
 */
import { constants, readlinkSync, realpathSync } from 'node:fs';
import { mkdir, open, realpath, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

export interface PathPolicyOptions {
  /** A function is read on every check, so a Settings change applies at once. */
  allowed: string[] | (() => string[]);
  /** Folders (everything inside) and files (the file and every name that starts with it, e.g. `<db>-wal`). */
  forbidden?: string[];
}

export class PathPolicy {
  private readonly allowedSource: () => string[];
  private readonly forbidden: string[];

  constructor(opts: PathPolicyOptions) {
    const allowed = opts.allowed;
    this.allowedSource = typeof allowed === 'function' ? () => allowed().map((f) => resolve(f)) : () => allowed.map((f) => resolve(f));
    // Both spellings: a forbidden folder reached through a symlinked parent is still itself.
    this.forbidden = [...new Set(opts.forbidden?.flatMap((f) => [resolve(f), realOrSelf(resolve(f))]) ?? [])];
  }

  get allowed(): string[] {
    return this.allowedSource();
  }

  describeAllowed(): string {
    return this.allowed.join(', ') || 'none configured';
  }

  /** Resolves `path` (relative paths start at the first allowed folder) and checks it as written. */
  private target(path: string, allowRoot: boolean): string {
    const allowed = this.allowed;
    if (allowed.length === 0) throw new Error('no allowed folders are configured for file tools');
    const target = isAbsolute(path) ? resolve(path) : resolve(allowed[0]!, path);
    if (!allowed.some((f) => inside(f, target, allowRoot))) throw new Error(`${path} is outside the allowed folders`);
    this.refuseForbidden(path, target);
    return target;
  }

  private refuseForbidden(path: string, real: string): void {
    if (this.forbidden.some((f) => inside(f, real, true) || real.startsWith(f))) {
      throw new Error(`${path} is one of the runtime's own files (data folder, database, keys): no tool may read or write it`);
    }
  }

  private async checkReal(path: string, real: string, allowRoot: boolean): Promise<void> {
    const realFolders = await Promise.all(this.allowed.map((f) => realpath(f).catch(() => f)));
    if (!realFolders.some((f) => inside(f, real, allowRoot)))
      throw new Error(`${path} leads outside the allowed folders (through a symlink)`);
    this.refuseForbidden(path, real);
  }

  /** Opens an existing file or folder for reading; the handle's real path was checked. */
  async openForRead(path: string, allowRoot: boolean): Promise<{ handle: FileHandle; real: string }> {
    const target = this.target(path, allowRoot);
    const real = await realpath(target).catch((err: NodeJS.ErrnoException) => {
      throw new Error(err.code === 'ENOENT' ? `${path} does not exist` : `${path}: ${err.message}`);
    });
    await this.checkReal(path, real, allowRoot);
    const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: NodeJS.ErrnoException) => {
      throw new Error(err.code === 'ELOOP' ? `${path} was replaced by a symlink while opening` : `${path}: ${err.message}`);
    });
    await this.checkOpened(path, handle, real, allowRoot);
    return { handle, real };
  }

  /** Opens `path` for appending (created, 0644, when missing) after checking its folder's real path. */
  async openForAppend(path: string): Promise<{ handle: FileHandle; real: string }> {
    const target = this.target(path, false);
    await mkdir(dirname(target), { recursive: true });
    const folder = await realpath(dirname(target));
    const real = join(folder, basename(target));
    await this.checkReal(path, real, false);
    const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
    const handle = await open(real, flags, 0o644).catch((err: NodeJS.ErrnoException) => {
      throw new Error(err.code === 'ELOOP' ? `${path} is a symlink: file tools never write through one` : `${path}: ${err.message}`);
    });
    await this.checkOpened(path, handle, real, false);
    return { handle, real };
  }

  /** What was opened is what was checked (Linux; elsewhere the O_NOFOLLOW open is the guard). */
  private async checkOpened(path: string, handle: FileHandle, expected: string, allowRoot: boolean): Promise<void> {
    let opened: string;
    try {
      opened = readlinkSync(`/proc/self/fd/${handle.fd}`);
    } catch {
      return;
    }
    if (opened === expected) return;
    try {
      await this.checkReal(path, opened, allowRoot);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

export function inside(folder: string, target: string, allowRoot: boolean): boolean {
  const rel = relative(folder, target);
  if (rel === '') return allowRoot;
  return !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Which file a store opened, so it notices when that file is deleted or replaced while it is
 * open. SQLite keeps writing to the open (unlinked or renamed-away) inode without an error:
 * everything written after that is lost when the process exits. Checking the path still
 * names the same file (device + inode) before each write stops that at the first write.
 */
import { statSync } from 'node:fs';
import { DatabaseGoneError } from '../../../src-shared/errors';

export class DatabaseFileIdentity {
  private problem: string | null = null;

  private constructor(
    private readonly path: string,
    private readonly dev: number,
    private readonly ino: number,
  ) {}

  /** null for in-memory databases (nothing on disk to lose). */
  static of(path: string): DatabaseFileIdentity | null {
    if (path === ':memory:' || path === '') return null;
    const st = statSync(path);
    return new DatabaseFileIdentity(path, st.dev, st.ino);
  }

  /** The file's device:inode, the same for every path and connection that opens it. */
  get key(): string {
    return `${this.dev}:${this.ino}`;
  }

  /** Why writing is no longer safe, or null. Once found, the problem stays: the host must reopen. */
  currentProblem(): string | null {
    if (this.problem) return this.problem;
    let st;
    try {
      st = statSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return null;
      return (this.problem = `the database file ${this.path} was deleted while this host had it open`);
    }
    if (st.dev !== this.dev || st.ino !== this.ino)
      this.problem = `the database file ${this.path} was replaced by another file while this host had it open`;
    return this.problem;
  }

  /** Throws DatabaseGoneError when the path no longer names the file that was opened. */
  assertWritable(): void {
    const problem = this.currentProblem();
    if (problem)
      throw new DatabaseGoneError(`${problem}: nothing more is written to it; restart to open the file now at that path`, {
        path: this.path,
      });
  }
}

/**
 * Signed heads kept OUTSIDE the database. A hash chain cannot show its own lost tail; a
 * head signed and written to `<db>.anchors.json` (and to the DB) can: a database restored
 * from an old copy, or one that lost its WAL tail, ends below the anchor and verifies as
 * `truncated`. The file is replaced atomically (temp file + fsync + rename), and the
 * read-modify-write holds `<file>.lock` (created O_EXCL), so two hosts signing at once
 * cannot lose each other's heads. A lock left by a dead process, or older than
 * LOCK_STALE_MS, is taken over.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { StoreError } from '../../src-shared/errors';
import type { SignedHead } from '../../src-shared/types';
import type { SigningKeyStore } from './signing';

export interface AnchorFile {
  format: 'abstractruntime-anchors';
  version: 1;
  heads: Record<string, SignedHead>;
}

export function anchorPathFor(dbPath: string): string {
  return `${dbPath}.anchors.json`;
}

export function readAnchors(path: string): Record<string, SignedHead> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as AnchorFile;
    if (parsed.format !== 'abstractruntime-anchors' || typeof parsed.heads !== 'object') throw new Error('unexpected format');
    return parsed.heads;
  } catch (err) {
    throw new StoreError(`the anchor file ${path} is unreadable (${(err as Error).message}); keep it for inspection`, { path });
  }
}

/** The anchored heads, or the reason the file cannot be read (it is then left as it is). */
export function readAnchorsReport(path: string): { heads: Record<string, SignedHead>; problem: string | null } {
  try {
    return { heads: readAnchors(path), problem: null };
  } catch (err) {
    return { heads: {}, problem: (err as Error).message };
  }
}

const LOCK_WAIT_MS = 10_000;
const LOCK_STALE_MS = 30_000;

/**
 * Adds or replaces heads in the anchor file, atomically and under the file's lock. A head
 * never moves backwards: a lower seq than the one anchored is kept out (the signer is behind).
 */
export function writeAnchors(path: string, heads: SignedHead[]): void {
  withLock(`${path}.lock`, () => {
    const all = { ...readAnchors(path) };
    for (const h of heads) if (!all[h.run_id] || all[h.run_id]!.seq <= h.seq) all[h.run_id] = h;
    const file: AnchorFile = { format: 'abstractruntime-anchors', version: 1, heads: all };
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, JSON.stringify(file, null, 1));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  });
}

function withLock<T>(lockPath: string, fn: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx', 0o644);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (breakStaleLock(lockPath)) continue;
      if (Date.now() > deadline)
        throw new StoreError(`the anchor file lock ${lockPath} is held for over ${LOCK_WAIT_MS} ms`, { path: lockPath });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lockPath);
    } catch {
      // already taken over as stale: nothing to release
    }
  }
}

function breakStaleLock(lockPath: string): boolean {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8'));
    const old = Date.now() - statSync(lockPath).mtimeMs > LOCK_STALE_MS;
    if (old || (Number.isInteger(pid) && pid > 0 && !alive(pid))) {
      unlinkSync(lockPath);
      return true;
    }
  } catch {
    // vanished meanwhile (released): try again
    return true;
  }
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface HeadSource {
  getRun(runId: string): { ledger_head: { seq: number; hash: string } | null } | null;
  saveSignedHead?(head: SignedHead): void;
}

/**
 * Signs the run's current head and records it in the store and the anchor file.
 * Returns null for a run with no records yet.
 */
export function anchorRun(store: HeadSource, runId: string, keys: SigningKeyStore, anchorPath: string | null): SignedHead | null {
  const head = store.getRun(runId)?.ledger_head;
  if (!head) return null;
  const signed = keys.signHead(runId, head.seq, head.hash);
  store.saveSignedHead?.(signed);
  if (anchorPath) writeAnchors(anchorPath, [signed]);
  return signed;
}

/**
 * Signed heads kept OUTSIDE the database. A hash chain cannot show its own lost tail; a
 * head signed and written to `<db>.anchors.json` (and to the DB) can: a database restored
 * from an old copy, or one that lost its WAL tail, ends below the anchor and verifies as
 * `truncated`. The file is replaced atomically (temp file + fsync + rename).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
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

/** Adds or replaces heads in the anchor file, atomically. */
export function writeAnchors(path: string, heads: SignedHead[]): void {
  const all = { ...readAnchors(path) };
  for (const h of heads) all[h.run_id] = h;
  const file: AnchorFile = { format: 'abstractruntime-anchors', version: 1, heads: all };
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, JSON.stringify(file, null, 1));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
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

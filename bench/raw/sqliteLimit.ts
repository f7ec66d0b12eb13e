/**
 * The raw limit: what bare better-sqlite3 can do on this machine for the same unit of work
 * as one durable step (upsert the run row + insert one record row + one SHA-256, in one
 * transaction, on a WAL file database), and the raw SHA-256 rate over a set of records.
 */
import Database from 'better-sqlite3';
import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: Uint8Array, encoding: 'hex') => string;
// The fastest SHA-256 Node offers for small inputs: one-shot crypto.hash (Node ≥ 20.12),
// about twice the rate of createHash().update().digest(); the runtime hashes with it too,
// so the reference must as well.
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;
export const RAW_SHA256_API = oneShot ? 'crypto.hash' : 'createHash';
export function rawSha256Hex(bytes: Uint8Array): string {
  return oneShot ? oneShot('sha256', bytes, 'hex') : crypto.createHash('sha256').update(bytes).digest('hex');
}

export type Synchronous = 'FULL' | 'NORMAL';

export interface RawLimitResult {
  synchronous: Synchronous;
  transactions: number;
  ms: number;
  perSec: number;
}

/** A record body of realistic size (a transition record of the linear workflow). */
export function sampleRecordBytes(runId: string, seq: number, prevHash: string | null): Buffer {
  const body = {
    actor: { fingerprint: 'f'.repeat(64), id: 'runtime', kind: 'runtime' },
    actor_id: 'runtime',
    attempt: 1,
    effect: null,
    ended_at: '2026-01-01T00:00:00.000Z',
    error: null,
    idempotency_key: null,
    kind: 'transition',
    node_id: `n${seq % 10}`,
    prev_hash: prevHash,
    result: { next: `n${(seq + 1) % 10}` },
    run_id: runId,
    seq,
    started_at: '2026-01-01T00:00:00.000Z',
    status: 'completed',
    step_id: `step-${seq}`,
  };
  return Buffer.from(JSON.stringify(body));
}

export function rawSqliteLimit(file: string, opts: { transactions: number; synchronous: Synchronous }): RawLimitResult {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous}`);
  db.exec(`CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, state TEXT NOT NULL, head_seq INTEGER);
           CREATE TABLE IF NOT EXISTS records (run_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL,
             body TEXT NOT NULL, PRIMARY KEY (run_id, seq));`);
  const upsert = db.prepare(
    `INSERT INTO runs (run_id, state, head_seq) VALUES (?, ?, ?)
     ON CONFLICT(run_id) DO UPDATE SET state = excluded.state, head_seq = excluded.head_seq`,
  );
  const insert = db.prepare('INSERT INTO records (run_id, seq, hash, body) VALUES (?, ?, ?, ?)');
  const step = db.transaction((runId: string, seq: number, prev: string | null) => {
    const bytes = sampleRecordBytes(runId, seq, prev);
    const hash = rawSha256Hex(bytes);
    upsert.run(runId, `{"run_id":"${runId}","step_count":${seq}}`, seq);
    insert.run(runId, seq, hash, bytes.toString());
    return hash;
  });
  const runId = `raw-${opts.synchronous}-${Date.now()}`;
  let prev: string | null = null;
  const t0 = performance.now();
  for (let i = 0; i < opts.transactions; i++) prev = step(runId, i, prev);
  const ms = performance.now() - t0;
  db.close();
  return { synchronous: opts.synchronous, transactions: opts.transactions, ms, perSec: (opts.transactions * 1000) / ms };
}

/**
 * SHA-256 throughput (hashes per second) over the given byte strings, hex digests, with the
 * fastest API (`oneShot`, the default) or with createHash per item (for comparison).
 */
export function rawSha256Rate(
  items: readonly Uint8Array[],
  api: 'fastest' | 'createHash' = 'fastest',
): { hashes: number; ms: number; perSec: number } {
  const hash = api === 'fastest' ? rawSha256Hex : (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');
  const t0 = performance.now();
  for (const b of items) hash(b);
  const ms = performance.now() - t0;
  return { hashes: items.length, ms, perSec: (items.length * 1000) / ms };
}

/**
 * The raw PostgreSQL limit for one durable step: one INSERT of a record row and one UPDATE of
 * the run row in one transaction (BEGIN, INSERT, UPDATE, COMMIT with `synchronous_commit`
 * on, the server's default), with `pg` — the client our store uses — over `connections`
 * connections at once, each working through its own runs. Commits from several connections
 * share the server's WAL flushes, so the rate grows with connections.
 */
import pg from 'pg';
import { rawSha256Hex, sampleRecordBytes } from './sqliteLimit';

export interface PgLimitResult {
  connections: number;
  transactions: number;
  ms: number;
  perSec: number;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS raw_runs (run_id TEXT PRIMARY KEY, state TEXT NOT NULL, head_seq INTEGER);
CREATE TABLE IF NOT EXISTS raw_records (run_id TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, seq));`;

/** `runs` runs of `steps` steps each, spread over `connections` connections; one transaction per step. */
export async function rawPgLimit(
  url: string,
  opts: { connections: number; runs: number; steps: number; tag: string },
): Promise<PgLimitResult> {
  const clients = await Promise.all(
    Array.from({ length: opts.connections }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  try {
    await clients[0]!.query(SCHEMA);
    const perClient = clients.map((_, i) => {
      const ids: string[] = [];
      for (let r = i; r < opts.runs; r += opts.connections) ids.push(`raw-${opts.tag}-${r}`);
      return ids;
    });
    for (let i = 0; i < clients.length; i++) {
      const ids = perClient[i]!;
      if (ids.length)
        await clients[i]!.query('INSERT INTO raw_runs (run_id, state, head_seq) SELECT unnest($1::text[]), $2, -1', [ids, '{}']);
    }
    const t0 = performance.now();
    let transactions = 0;
    await Promise.all(
      clients.map(async (c, i) => {
        const ids = perClient[i]!;
        const prev = new Map<string, string | null>();
        for (let seq = 0; seq < opts.steps; seq++) {
          for (const runId of ids) {
            const bytes = sampleRecordBytes(runId, seq, prev.get(runId) ?? null);
            const hash = rawSha256Hex(bytes);
            await c.query('BEGIN');
            await c.query('INSERT INTO raw_records (run_id, seq, hash, body) VALUES ($1, $2, $3, $4)', [
              runId,
              seq,
              hash,
              bytes.toString(),
            ]);
            await c.query('UPDATE raw_runs SET state = $2, head_seq = $3 WHERE run_id = $1', [
              runId,
              `{"run_id":"${runId}","step_count":${seq}}`,
              seq,
            ]);
            await c.query('COMMIT');
            prev.set(runId, hash);
            transactions++;
          }
        }
      }),
    );
    const ms = performance.now() - t0;
    return { connections: opts.connections, transactions, ms, perSec: (transactions * 1000) / ms };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/**
 * Where the time goes, from the server's side: commits in one database and WAL written and
 * flushed by the whole cluster, read before and after a measurement (only one contender
 * runs at a time, so the cluster-wide WAL counters are that contender's). Backends report
 * their counters when they exit, so read `after` once every process has gone.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

export interface ServerCounters {
  commits: number;
  walRecords: number;
  walBytes: number;
  walSyncs: number;
}

export async function readServerCounters(url: string): Promise<ServerCounters> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const db = await c.query<{ commits: string }>('SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()');
    const wal = await c.query<{ wal_records: string; wal_bytes: string; wal_sync: string }>(
      'SELECT wal_records, wal_bytes, wal_sync FROM pg_stat_wal',
    );
    const w = wal.rows[0]!;
    return {
      commits: Number(db.rows[0]!.commits),
      walRecords: Number(w.wal_records),
      walBytes: Number(w.wal_bytes),
      walSyncs: Number(w.wal_sync),
    };
  } finally {
    await c.end();
  }
}

export function counterDelta(before: ServerCounters, after: ServerCounters): ServerCounters {
  return {
    commits: after.commits - before.commits,
    walRecords: after.walRecords - before.walRecords,
    walBytes: after.walBytes - before.walBytes,
    walSyncs: after.walSyncs - before.walSyncs,
  };
}

/** Process CPU time (user + system) in ms of a live process, from /proc (Linux), or null. */
export function processCpuMs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

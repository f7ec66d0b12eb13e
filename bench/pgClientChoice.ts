/**
 * Which PostgreSQL client the store uses, by measurement (run by hand:
 * `node --import tsx bench/pgClientChoice.ts [N]`; figures in docs/backlog/013_postgresql.md).
 * On one throw-away server (tests/support/pgCluster.ts), the same transaction — one insert +
 * one update — N times through `pg` and through `postgres`, each durable (synchronous_commit
 * on) and not; then PostgresStore.commit itself (the synchronous worker-thread facade), one
 * run at a time with every step durable, and 16 runs whose steps share one flush.
 */
import pg from 'pg';
import postgres from 'postgres';
import { PostgresStore } from '../src-main/store/postgres/PostgresStore';
import { startPgServer } from '../tests/support/pgCluster';
import { chain } from '../tests/store/conformance';

const N = Number(process.argv[2] ?? 2000);
const SETUP =
  'CREATE TABLE IF NOT EXISTS t (id bigint, body text); CREATE TABLE IF NOT EXISTS h (id int PRIMARY KEY, n bigint); INSERT INTO h VALUES (1, 0) ON CONFLICT DO NOTHING';
const BODY = 'x'.repeat(600);

async function viaPg(url: string, durable: boolean): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(SETUP);
  await c.query(`SET synchronous_commit = ${durable ? 'on' : 'off'}`);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    await c.query('BEGIN');
    await c.query('INSERT INTO t (id, body) VALUES ($1, $2)', [i, BODY]);
    await c.query('UPDATE h SET n = $1 WHERE id = 1', [i]);
    await c.query('COMMIT');
  }
  const ms = performance.now() - t0;
  await c.end();
  return (N / ms) * 1000;
}

async function viaPostgres(url: string, durable: boolean): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  await sql.unsafe(SETUP);
  await sql.unsafe(`SET synchronous_commit = ${durable ? 'on' : 'off'}`);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    await sql.begin(async (tx) => {
      await tx`INSERT INTO t (id, body) VALUES (${i}, ${BODY})`;
      await tx`UPDATE h SET n = ${i} WHERE id = 1`;
    });
  }
  const ms = performance.now() - t0;
  await sql.end();
  return (N / ms) * 1000;
}

async function viaStore(url: string, runs: number): Promise<{ perSec: number; flushes: number }> {
  const store = PostgresStore.open(url);
  const states = Array.from({ length: runs }, () => null as ReturnType<typeof chain>['state'] | null);
  const rounds = Math.ceil(N / runs);
  const t0 = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (let r = 0; r < runs; r++) {
      const c = chain(states[r]!, `run-${r}`, [{ step_id: `s${round}`, result: { text: BODY } }]);
      store.commit({ ...c, isNew: round === 0 });
      states[r] = c.state;
    }
    // As the kernel does: every step is durable before anything depends on it.
    await store.whenDurable();
  }
  const ms = performance.now() - t0;
  const flushes = store.durableFlushes;
  store.close();
  return { perSec: ((rounds * runs) / ms) * 1000, flushes };
}

const server = await startPgServer();
try {
  const rows: [string, number][] = [];
  for (const durable of [true, false]) {
    rows.push([
      `pg        insert+update tx/s (synchronous_commit ${durable ? 'on' : 'off'})`,
      await viaPg(server.createDatabase('pg'), durable),
    ]);
    rows.push([
      `postgres  insert+update tx/s (synchronous_commit ${durable ? 'on' : 'off'})`,
      await viaPostgres(server.createDatabase('pj'), durable),
    ]);
  }
  const one = await viaStore(server.createDatabase('s1'), 1);
  rows.push(['PostgresStore.commit steps/s, 1 run, each step durable', one.perSec]);
  const many = await viaStore(server.createDatabase('s16'), 16);
  rows.push([`PostgresStore.commit steps/s, 16 runs sharing flushes (${many.flushes} flushes)`, many.perSec]);
  for (const [name, v] of rows) console.log(`${name.padEnd(72)} ${v.toFixed(0).padStart(7)}`);
} finally {
  server.stop();
}

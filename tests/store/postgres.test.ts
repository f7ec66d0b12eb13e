/**
 * What the PostgreSQL store adds to the shared contracts: versioned migrations (a newer
 * schema refused naming both versions, two processes opening a new database at once), a
 * database that is not ours refused, exact text kept as SQLite keeps it, and group commit:
 * one flushed commit makes every earlier commit durable (the claim whenDurable rests on).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DatabaseReadOnlyError, NotADatabaseError, SchemaTooNewError, StoreError } from '../../src-shared/errors';
import { PostgresStore } from '../../src-main/store/postgres/PostgresStore';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from '../../src-main/store/postgres/pgSchema';
import { PgSyncClient } from '../../src-main/store/postgres/pgSyncClient';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
import { writeImportedRun } from '../../src-main/ledger/importRun';
import { verifyRunLedger } from '../../src-main/ledger/verifyRunLedger';
import { rowFromRecord } from '../../src-main/runtime/recordRows';
import { chain } from './conformance';

const reason = pgUnavailableReason();
if (reason) console.warn(`[postgres tests skipped] ${reason}`);

async function sql(url: string, text: string, values: unknown[] = []): Promise<unknown[][]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query({ text, values, rowMode: 'array' })).rows as unknown[][];
  } finally {
    await c.end();
  }
}

function openInChild(url: string): Promise<{ code: number | null; out: string }> {
  const module = join(process.cwd(), 'src-main/store/postgres/PostgresStore.ts');
  const code = `import { PostgresStore } from ${JSON.stringify(module)};
    const s = PostgresStore.open(${JSON.stringify(url)}); console.log('version', s.schemaVersion); s.close();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (c) => resolve({ code: c, out }));
  });
}

describe.skipIf(reason)('PostgresStore on a real server', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPgServer();
  }, 120_000);
  afterAll(() => server?.stop(), 180_000);

  it('records its schema version; a database from a newer app is refused naming both versions, and left unchanged', async () => {
    const url = server.createDatabase('schema');
    PostgresStore.open(url).close();
    expect(await sql(url, 'SELECT max(version) FROM art_schema_version')).toEqual([[PG_SCHEMA_VERSION]]);
    await sql(url, "INSERT INTO art_schema_version (version, description) VALUES ($1, 'from the future')", [PG_SCHEMA_VERSION + 1]);
    let err: unknown;
    try {
      PostgresStore.open(url);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SchemaTooNewError);
    expect((err as Error).message).toContain(`schema version ${PG_SCHEMA_VERSION + 1}`);
    expect((err as Error).message).toContain(`schema version ${PG_SCHEMA_VERSION} at most`);
    expect(await sql(url, 'SELECT count(*)::int FROM art_schema_version')).toEqual([[PG_SCHEMA_VERSION + 1]]);
  });

  it('two processes opening a new database at the same moment: both open it, it is migrated once', async () => {
    const url = server.createDatabase('race');
    const [a, b] = await Promise.all([openInChild(url), openInChild(url)]);
    expect(a).toMatchObject({ code: 0 });
    expect(b).toMatchObject({ code: 0 });
    expect(a.out).toContain(`version ${PG_SCHEMA_VERSION}`);
    expect(await sql(url, 'SELECT version FROM art_schema_version ORDER BY version')).toEqual(
      Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => [i + 1]),
    );
  }, 60_000);

  it('a database written at schema version 1 is brought to the current version on open, its runs and totals kept and committed to', async () => {
    const url = server.createDatabase('upgrade');
    // As a version-1 app left it: its schema only, version 1 recorded.
    await sql(
      url,
      'CREATE TABLE art_schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    await sql(url, PG_MIGRATIONS[0]!.sql);
    await sql(url, 'INSERT INTO art_schema_version (version, description) VALUES (1, $1)', [PG_MIGRATIONS[0]!.description]);
    const state = chain(null, 'r1', [{ step_id: 's0' }]).state;
    await sql(
      url,
      "INSERT INTO runs (run_id, workflow_id, status, current_node, created_at, updated_at, state) VALUES ('r1', $1, 'running', $2, $3, $3, $4)",
      [state.workflow_id, state.current_node, state.created_at, JSON.stringify(state)],
    );
    const after = PostgresStore.open(url);
    try {
      expect(await sql(url, 'SELECT max(version) FROM art_schema_version')).toEqual([[PG_SCHEMA_VERSION]]);
      expect(after.getRun('r1')).toEqual(state);
      expect(after.listRuns({ status: 'running' }).total).toBe(1);
      const c = chain(null, 'r2', [{ step_id: 's0' }], { status: 'completed' });
      after.commit({ ...c, isNew: true });
      expect(after.listRuns({ status: 'running' }).total).toBe(1);
      expect(after.listRuns({ status: 'completed' }).total).toBe(1);
      expect(after.listRuns({}).total).toBe(2);
    } finally {
      after.close();
    }
  });

  it("refuses a database that holds someone else's tables, and creates nothing in it", async () => {
    const url = server.createDatabase('foreign');
    await sql(url, 'CREATE TABLE customers (id int)');
    expect(() => PostgresStore.open(url)).toThrow(NotADatabaseError);
    expect(await sql(url, "SELECT count(*)::int FROM information_schema.tables WHERE table_schema = 'public'")).toEqual([[1]]);
  });

  it('refuses a database that is not UTF8, naming its encoding, and creates nothing in it', async () => {
    // SQL_ASCII stores bytes unchecked: text would come back in whatever bytes the client sent.
    const name = `ascii_${process.pid}_${Date.now().toString(36)}`;
    await sql(server.url, `CREATE DATABASE ${name} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
    const url = new URL(server.url);
    url.pathname = `/${name}`;
    try {
      let err: unknown;
      try {
        PostgresStore.open(url.toString()).close();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).message).toMatch(/uses the SQL_ASCII encoding; AbstractRuntime needs a UTF8 database/);
      expect(await sql(url.toString(), "SELECT count(*)::int FROM information_schema.tables WHERE table_schema = 'public'")).toEqual([[0]]);
    } finally {
      await sql(server.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it('stores the hashed body and the state text byte for byte as written (text, not jsonb)', async () => {
    const url = server.createDatabase('exact');
    const store = PostgresStore.open(url);
    try {
      const c = chain(null, 'r1', [{ result: { b: 1, a: 1.5e-7, big: 12345678901, s: 'é\u2028 \u0000' } as never }], {
        vars: { z: 1, a: 2 },
      });
      store.commit({ ...c, isNew: true });
      const [[body]] = (await sql(url, 'SELECT body FROM ledger WHERE run_id = $1', ['r1'])) as [[string]];
      expect(body).toBe(rowFromRecord(c.records[0]!).body);
      expect(body).toContain('"result":{"a":1.5e-07,"b":1,"big":12345678901,"s":"é\u2028 \\u0000"}');
      const [[state]] = (await sql(url, 'SELECT state FROM runs WHERE run_id = $1', ['r1'])) as [[string]];
      expect(state).toContain('"vars":{"z":1,"a":2}');
    } finally {
      store.close();
    }
  });

  it("a commit's or an import's records are stored byte for byte and in order whatever their number (inserts of up to 100 rows), sent at once or held", async () => {
    const url = server.createDatabase('rowCounts');
    const store = PostgresStore.open(url);
    const copy = PostgresStore.open(server.createDatabase('rowCountsImported'));
    const awkward = 'it\'s a \\ back\\slash, "quoted", $1; -- é \u2028 🚀';
    try {
      for (const n of [1, 100, 101, 250])
        for (const held of [false, true]) {
          const runId = `r${n}${held ? 'h' : ''}`;
          const first = chain(null, runId, [{ step_id: 's0' }]);
          store.commit({ ...first, isNew: true });
          const c = chain(
            first.state,
            runId,
            Array.from({ length: n }, (_, i) => ({ step_id: `s${i + 1}`, result: { i, text: `${awkward} ${i}` } as never })),
          );
          store.commit({ ...c, ...(held ? { deferrable: true } : {}) });
          await store.whenDurable(runId);
          const bodies = (await sql(url, 'SELECT body FROM ledger WHERE run_id = $1 AND seq > 0 ORDER BY seq', [runId])).map((r) => r[0]);
          expect(bodies).toEqual(c.records.map((r) => rowFromRecord(r).body));
          expect(verifyRunLedger(store, runId)).toMatchObject({ valid: true, records: n + 1 });
          // The same rows imported into another database (the path of `copy` and `import`).
          const rows = [...store.iterateLedgerRows(runId)];
          expect(writeImportedRun(copy, c.state, rows)).toMatchObject({ imported: true });
          expect([...copy.iterateLedgerRows(runId)]).toEqual(rows);
          expect(verifyRunLedger(copy, runId)).toMatchObject({ valid: true, records: n + 1 });
        }
    } finally {
      store.close();
      copy.close();
    }
  });

  it('group commit: commits are written without a flush, and one flushed commit (whenDurable) makes them all durable', async () => {
    const url = server.createDatabase('durable');
    // A lazy WAL writer, so nothing but our flush makes these commits durable within the test.
    await sql(url, "ALTER SYSTEM SET wal_writer_delay = '10s'");
    await sql(url, 'SELECT pg_reload_conf()');
    const store = PostgresStore.open(url);
    try {
      let state = null as ReturnType<typeof chain>['state'] | null;
      for (let i = 0; i < 5; i++) {
        const c = chain(state, 'r1', [{ step_id: `s${i}` }]);
        store.commit({ ...c, isNew: i === 0 });
        state = c.state;
      }
      const [[written, flushedBefore]] = (await sql(
        url,
        'SELECT pg_current_wal_insert_lsn() - $1::pg_lsn, pg_current_wal_flush_lsn() - $1::pg_lsn',
        ['0/0'],
      )) as [[string, string]];
      const flushesBefore = store.durableFlushes;
      await store.whenDurable();
      const [[flushedAfter]] = (await sql(url, 'SELECT pg_current_wal_flush_lsn() - $1::pg_lsn', ['0/0'])) as [[string]];
      expect(BigInt(flushedBefore)).toBeLessThan(BigInt(written));
      expect(BigInt(flushedAfter)).toBeGreaterThanOrEqual(BigInt(written));
      expect(store.durableFlushes).toBe(flushesBefore + 1);
      // Nothing written since: no second flush.
      await store.whenDurable();
      expect(store.durableFlushes).toBe(flushesBefore + 1);
    } finally {
      store.close();
      await sql(url, 'ALTER SYSTEM RESET wal_writer_delay');
      await sql(url, 'SELECT pg_reload_conf()');
    }
  });

  it("a new run's commit (no lease, no child to look at) is one server call", async () => {
    const store = PostgresStore.open(server.createDatabase('newrun'));
    try {
      const calls = vi.spyOn((store as unknown as { db: { run: (...a: unknown[]) => unknown } }).db, 'run');
      const c = chain(null, 'r1', [{ step_id: 's0' }, { step_id: 's1' }]);
      store.commit({ ...c, isNew: true });
      expect(calls).toHaveBeenCalledTimes(1);
      expect(store.getRun('r1')).toEqual(c.state);
      expect(store.workState('r1')?.runnableAt).not.toBeNull();
    } finally {
      store.close();
    }
  });

  it('a page of the runs of one status is read from runs_by_status in order, never by sorting every run of that status', async () => {
    const url = server.createDatabase('status_page');
    const store = PostgresStore.open(url);
    try {
      // Few runs waiting among many: a plan that gathers them and sorts is cheap to the planner,
      // and it chose that (for ANY of one value) on 100,000 runs, at 20–40 ms a page.
      for (let i = 0; i < 3000; i++) {
        const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
        const c = chain(null, `r${i}`, [{ step_id: 's0' }], { status: i % 100 === 0 ? 'waiting' : 'completed', updated_at: at });
        store.commit({ ...c, isNew: true });
      }
      await sql(url, 'ANALYZE runs');
      const sent = vi.spyOn(PgSyncClient.prototype, 'run');
      const page = store.listRuns({ status: 'waiting', limit: 5 });
      expect(page.runs.map((r) => r.run_id)).toEqual(['r2900', 'r2800', 'r2700', 'r2600', 'r2500']);
      const listing = sent.mock.calls.flatMap(([statements]) => statements).find((s) => s.text.startsWith('SELECT state FROM runs'))!;
      sent.mockRestore();
      const [[plan]] = (await sql(url, `EXPLAIN (FORMAT JSON) ${listing.text}`, listing.values)) as [[unknown]];
      const nodes: string[] = [];
      const walk = (n: { 'Node Type': string; 'Index Name'?: string; Plans?: unknown[] }) => {
        nodes.push(`${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}`);
        (n.Plans as (typeof n)[] | undefined)?.forEach(walk);
      };
      walk((plan as [{ Plan: Parameters<typeof walk>[0] }])[0].Plan);
      expect(nodes).not.toContain('Sort');
      expect(nodes).toContain('Index Scan runs_by_status');
    } finally {
      store.close();
    }
  });

  it('a store opened read-only reads, and refuses every write (DATABASE_READ_ONLY) with nothing written', async () => {
    const url = server.createDatabase('readonly');
    const writer = PostgresStore.open(url);
    const c = chain(null, 'r1', [{}]);
    writer.commit({ ...c, isNew: true });
    writer.close();
    const reader = PostgresStore.open(url, { readonly: true });
    try {
      expect(reader.getRun('r1')).toEqual(c.state);
      expect(() => reader.commit(chain(c.state, 'r1', [{ step_id: 'x' }]))).toThrow(DatabaseReadOnlyError);
      expect(() => reader.putArtifact(new Uint8Array([1]), 'application/octet-stream')).toThrow(DatabaseReadOnlyError);
      expect(await sql(url, "SELECT count(*)::int FROM ledger WHERE run_id = 'r1'")).toEqual([[1]]);
    } finally {
      reader.close();
    }
  });
});

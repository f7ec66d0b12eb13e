/**
 * The failures a user of a server database meets, each a typed error with a stable code and
 * the right retry flag, the password never shown, and nothing half-written: a server that
 * is down, a wrong password, a missing database, a connection lost in the middle of a
 * commit (reconnected on the next call), a restart, and a read-only database.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatabaseAuthError,
  DatabaseNotFoundError,
  DatabaseReadOnlyError,
  DatabaseUnavailableError,
  type RuntimeError,
} from '../../src-shared/errors';
import { PostgresStore } from '../../src-main/store/postgres/PostgresStore';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
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

function thrown(fn: () => unknown): RuntimeError {
  try {
    fn();
  } catch (err) {
    return err as RuntimeError;
  }
  throw new Error('expected an error');
}

function withUser(url: string, user: string, password: string, db?: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  if (db) u.pathname = `/${db}`;
  return u.toString();
}

describe.skipIf(reason)('PostgreSQL failures as typed errors', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPgServer();
  }, 120_000);
  afterAll(() => server?.stop(), 180_000);

  it('a wrong password: DATABASE_AUTH_FAILED, not retryable, the password nowhere in the error', async () => {
    // Passwords are checked for this role only (the throw-away cluster trusts everyone else).
    const [[hba]] = (await sql(server.url, 'SHOW hba_file')) as [[string]];
    await sql(server.url, "CREATE ROLE art_user LOGIN PASSWORD 'the-right-one'");
    await sql(
      server.url,
      `COPY (SELECT line FROM (VALUES (1, 'host all art_user 127.0.0.1/32 scram-sha-256'), (2, 'host all all 127.0.0.1/32 trust'),
        (3, 'local all all trust')) AS v(n, line) ORDER BY n) TO '${hba}'`,
    );
    await sql(server.url, 'SELECT pg_reload_conf()');
    const err = thrown(() => PostgresStore.open(withUser(server.url, 'art_user', 'wrong-secret-123')));
    expect(err).toBeInstanceOf(DatabaseAuthError);
    expect(err).toMatchObject({ code: 'DATABASE_AUTH_FAILED', retryable: false });
    expect(JSON.stringify(err.toPayload())).not.toContain('wrong-secret-123');
    expect(err.message).toContain('art_user:***@127.0.0.1');
    // The right password opens it.
    const db = new URL(server.createDatabase('auth')).pathname.slice(1);
    await sql(server.url, `ALTER DATABASE ${db} OWNER TO art_user`);
    PostgresStore.open(withUser(server.url, 'art_user', 'the-right-one', db)).close();
  });

  it('a missing database: DATABASE_NOT_FOUND, not retryable', () => {
    const u = new URL(server.url);
    u.pathname = '/no_such_database';
    const err = thrown(() => PostgresStore.open(u.toString()));
    expect(err).toBeInstanceOf(DatabaseNotFoundError);
    expect(err).toMatchObject({ code: 'DATABASE_NOT_FOUND', retryable: false });
    expect(err.message).toContain('no_such_database');
  });

  it('a read-only database: DATABASE_READ_ONLY on open for writing; read-only opens still read', async () => {
    const url = server.createDatabase('ro');
    const store = PostgresStore.open(url);
    const c = chain(null, 'r1', [{}]);
    store.commit({ ...c, isNew: true });
    store.close();
    const db = new URL(url).pathname.slice(1);
    await sql(server.url, `ALTER DATABASE ${db} SET default_transaction_read_only = on`);
    const err = thrown(() => PostgresStore.open(url));
    expect(err).toBeInstanceOf(DatabaseReadOnlyError);
    expect(err).toMatchObject({ code: 'DATABASE_READ_ONLY', retryable: false });
    const reader = PostgresStore.open(url, { readonly: true });
    try {
      expect(reader.getRun('r1')?.ledger_head?.seq).toBe(0);
      // A write that reaches the server anyway is refused by it with the same error.
      expect(() => reader.commit({ ...chain(c.state, 'r1', [{ step_id: 'x' }]) })).toThrow(DatabaseReadOnlyError);
    } finally {
      reader.close();
    }
  });

  it('a connection killed in the middle of a commit: DATABASE_UNAVAILABLE (retryable), nothing of it written; the next call reconnects', async () => {
    const url = server.createDatabase('lost');
    const store = PostgresStore.open(url);
    try {
      const c0 = chain(null, 'r1', [{}]);
      store.commit({ ...c0, isNew: true });
      // Hold the change counter: the commit writes its ledger rows, then waits on this lock
      // for its run row, and is killed there by another process.
      const blocker = new pg.Client({ connectionString: url });
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('UPDATE change_counter SET seq = seq WHERE id = 1');
      const killer = spawn(
        process.execPath,
        [
          '-e',
          `const {Client}=require('pg');(async()=>{const c=new Client({connectionString:${JSON.stringify(url)}});await c.connect();
           for(let i=0;i<100;i++){const r=await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name='abstractruntime' AND wait_event_type='Lock'");
           if(r.rowCount>0)break;await new Promise(r=>setTimeout(r,100));}await c.end();})()`,
        ],
        { stdio: 'ignore' },
      );
      const c1 = chain(c0.state, 'r1', [{ step_id: 'a' }, { step_id: 'b' }]);
      const err = thrown(() => store.commit(c1));
      await new Promise((r) => killer.on('exit', r));
      await blocker.query('ROLLBACK');
      await blocker.end();
      expect(err).toBeInstanceOf(DatabaseUnavailableError);
      expect(err.retryable).toBe(true);
      expect(await sql(url, "SELECT count(*)::int FROM ledger WHERE run_id = 'r1'")).toEqual([[1]]);
      expect(store.getRun('r1')).toEqual(c0.state);
      store.commit(c1);
      expect(store.readLedger('r1', { limit: 10 }).total).toBe(3);
    } finally {
      store.close();
    }
  });

  it('a server restart: the next call reconnects with backoff; whenDurable refuses to vouch for commits made before it', async () => {
    const url = server.createDatabase('restart');
    const store = PostgresStore.open(url);
    try {
      const c0 = chain(null, 'r1', [{}]);
      store.commit({ ...c0, isNew: true });
      await store.whenDurable();
      const c1 = chain(c0.state, 'r1', [{ step_id: 'a' }]);
      store.commit(c1);
      server.restart();
      await expect(store.whenDurable()).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE', retryable: true });
      expect(store.getRun('r1')?.ledger_head?.seq).toBe(1);
      store.commit(chain(c1.state, 'r1', [{ step_id: 'b' }]));
      await store.whenDurable();
    } finally {
      store.close();
    }
  });

  it('a server that is down: DATABASE_UNAVAILABLE (retryable) once the reconnect window has passed', () => {
    const url = server.createDatabase('down');
    server.stopServer();
    try {
      const err = thrown(() => PostgresStore.open(url, { reconnectForMs: 300 }));
      expect(err).toBeInstanceOf(DatabaseUnavailableError);
      expect(err).toMatchObject({ code: 'DATABASE_UNAVAILABLE', retryable: true });
    } finally {
      server.startServer();
    }
  });
});

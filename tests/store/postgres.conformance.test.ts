/**
 * The store conformance suite (tests/store/conformance.ts, the same cases as SQLite and
 * memory) on a real PostgreSQL server: one throw-away cluster for this file, a fresh
 * database per store.
 */
import { afterAll, describe } from 'vitest';
import pg from 'pg';
import { PostgresStore } from '../../src-main/store/postgres/PostgresStore';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
import { runStoreConformance } from './conformance';

const reason = pgUnavailableReason();
if (reason) console.warn(`[postgres tests skipped] ${reason}`);

describe.skipIf(reason)('PostgresStore', () => {
  let server: PgServer | null = null;
  const urls = new Map<PostgresStore, string>();
  // Stopping runs a shutdown checkpoint of every database the file created: slow on a busy disk.
  afterAll(() => server?.stop(), 180_000);

  runStoreConformance(
    'PostgresStore',
    async () => {
      server ??= await startPgServer();
      const url = server.createDatabase('conf');
      const store = PostgresStore.open(url);
      urls.set(store, url);
      return store;
    },
    {
      // Damage the bytes through another connection, as another program with access would.
      corruptArtifact: async (store, ref) => {
        const c = new pg.Client({ connectionString: urls.get(store as PostgresStore)! });
        await c.connect();
        await c.query("UPDATE artifacts SET bytes = overlay(bytes placing '\\x00'::bytea from 1 for 1) WHERE ref = $1", [ref]);
        await c.end();
      },
      dispose: (store) => {
        (store as PostgresStore).close();
        urls.delete(store as PostgresStore);
      },
    },
  );
});

/**
 * `abstractruntime copy --from DB --to DB` with real CLI processes: SQLite -> PostgreSQL and
 * back, runs with children, snapshots, an artifact and signed heads, every row byte for byte,
 * every chain verified; an export of a run is the same bundle from either engine; a target
 * holding a different run of the same id is refused, named, and left unchanged.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyRunLedger } from '../../src-main/ledger/index';
import { openRuntimeStore, type OpenedRuntimeStore } from '../../src-main/store/openRuntimeStore';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
import { chain } from '../store/conformance';
import { cliEnv, jsonOf, runCli } from './cliRunner';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const reason = pgUnavailableReason();
if (reason) console.warn(`[postgres tests skipped] ${reason}`);

function read<T>(spec: string, fn: (s: OpenedRuntimeStore) => T): T {
  const { store } = openRuntimeStore(spec, { readonly: true });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

/** Everything a copy must carry, per run: state, rows as stored, snapshots, signed head. */
function contents(spec: string) {
  return read(spec, (s) =>
    s
      .listRuns({ limit: 1000 })
      .runs.map((r) => r.run_id)
      .sort()
      .map((id) => ({
        state: s.getRun(id),
        rows: [...s.iterateLedgerRows(id)],
        snapshots: s.searchSnapshots({ runId: id }).map((x) => s.getSnapshot(x.snapshot_id)),
        head: s.getSignedHead(id),
        valid: verifyRunLedger(s, id).valid,
      })),
  );
}

describe.skipIf(reason)('copy between SQLite and PostgreSQL', () => {
  let server: PgServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let sqlite: string;
  let artifactRef: string;
  const cli = (...args: string[]) => runCli(args, env);
  const ok = async (...args: string[]) => {
    const r = await cli('--json', ...args);
    expect(r.code, r.stderr).toBe(0);
    return jsonOf(r);
  };

  beforeAll(async () => {
    server = await startPgServer();
    dir = mkdtempSync(join(tmpdir(), 'ar-copy-'));
    env = cliEnv(join(dir, 'home'));
    // Signing on: completed runs carry signed heads, which a copy must carry too.
    mkdirSync(join(dir, 'home'), { recursive: true });
    writeFileSync(join(dir, 'home', 'settings.json'), JSON.stringify({ signing: { enabled: true } }));
    sqlite = join(dir, 'source.db');
    const parent = await ok('--db', sqlite, 'run', 'examples.parent');
    await ok('--db', sqlite, 'tick');
    await ok('--db', sqlite, 'run', 'examples.counter', '--vars', '{"n":3}');
    await ok('--db', sqlite, 'snapshot', parent.run_id, '--name', 'before copy', '--tag', 'pg');
    // A run whose state references an artifact, written through the store as a host would.
    const store = SqliteStore.open(sqlite);
    try {
      artifactRef = store.putArtifact(new TextEncoder().encode('big value ☕'), 'text/plain').$artifact;
      const c = chain(null, 'with-artifact', [{ result: { $artifact: artifactRef } as never }], {
        status: 'completed',
        vars: { big: { $artifact: artifactRef } } as never,
      });
      store.commit({ ...c, isNew: true });
    } finally {
      store.close();
    }
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    server?.stop();
  }, 180_000);

  it('SQLite -> PostgreSQL -> SQLite: every run, row, snapshot, artifact and signed head arrives exactly, and verifies', async () => {
    const pgUrl = server.createDatabase('copy');
    const there = await ok('copy', '--from', sqlite, '--to', pgUrl);
    const source = contents(sqlite);
    expect(there.copied).toHaveLength(source.length);
    expect(source.length).toBe(4);
    expect(source.filter((r) => r.head).length).toBeGreaterThan(0);
    expect(source.flatMap((r) => r.snapshots)).toHaveLength(1);
    expect(contents(pgUrl)).toEqual(source);
    expect(contents(pgUrl).every((r) => r.valid)).toBe(true);
    expect(read(pgUrl, (s) => new TextDecoder().decode(s.getArtifact(artifactRef).bytes))).toBe('big value ☕');

    const back = join(dir, 'back.db');
    const again = await ok('copy', '--from', pgUrl, '--to', back);
    expect(again.copied).toHaveLength(source.length);
    expect(contents(back)).toEqual(source);
    expect(read(back, (s) => s.hasArtifact(artifactRef))).toBe(true);

    // Copied once more: nothing to do, nothing changed.
    expect(await ok('copy', '--from', sqlite, '--to', pgUrl)).toMatchObject({ copied: [], alreadyThere: expect.any(Array) });
  });

  it('an export of a run from SQLite and from its PostgreSQL copy is the same bundle', async () => {
    const pgUrl = server.createDatabase('export');
    await ok('copy', '--from', sqlite, '--to', pgUrl);
    const ids = read(sqlite, (s) => s.listRuns({ limit: 100 }).runs.map((r) => r.run_id));
    for (const id of ids) {
      const a = join(dir, `a-${id}.json`);
      const b = join(dir, `b-${id}.json`);
      await ok('--db', sqlite, 'export', id, '-o', a, '--force');
      await ok('--db', pgUrl, 'export', id, '-o', b, '--force');
      const strip = (file: string) => readFileSync(file, 'utf8').replace(/"exported_at": "[^"]+"/, '');
      expect(strip(b)).toBe(strip(a));
      expect((await cli('--db', pgUrl, 'verify', id)).code).toBe(0);
    }
  });

  it('refuses a target holding another run of the same id, names it, and changes nothing there', async () => {
    const pgUrl = server.createDatabase('clash');
    const runId = read(sqlite, (s) => s.listRuns({ limit: 100 }).runs[0]!.run_id);
    const { store } = openRuntimeStore(pgUrl);
    try {
      const c = chain(null, runId, [{ step_id: 'not-the-same' }]);
      store.commit({ ...c, isNew: true });
    } finally {
      store.close();
    }
    const before = contents(pgUrl);
    const r = await cli('copy', '--from', sqlite, '--to', pgUrl);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error IMPORT_FAILED: run ${runId} already exists in postgres://.* refusing to overwrite`, 'm'));
    expect(contents(pgUrl)).toEqual(before);
  });

  it("signing on PostgreSQL: the head is signed into the database and into this machine's anchor file; a rollback below it fails verify", async () => {
    const pgUrl = server.createDatabase('signed');
    const run = await ok('--db', pgUrl, 'run', 'examples.counter', '--vars', '{"n":2}');
    expect(run.status).toBe('completed');
    const head = read(pgUrl, (s) => s.getSignedHead(run.run_id));
    expect(head).toMatchObject({ run_id: run.run_id, seq: run.ledger_head.seq });
    const anchors = readdirSync(join(dir, 'home', 'anchors'));
    expect(
      anchors.some((f) => JSON.stringify(JSON.parse(readFileSync(join(dir, 'home', 'anchors', f), 'utf8'))).includes(run.run_id)),
    ).toBe(true);
    expect((await cli('--db', pgUrl, 'verify', run.run_id)).code).toBe(0);
    // Someone with access to the server drops the last record and the signed head: the anchor kept here still shows it.
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query('DELETE FROM ledger WHERE run_id = $1 AND seq = $2', [run.run_id, run.ledger_head.seq]);
    await c.query('DELETE FROM signed_heads WHERE run_id = $1', [run.run_id]);
    await c.end();
    const after = await cli('--db', pgUrl, 'verify', run.run_id);
    expect(after.code).toBe(1);
  });
});

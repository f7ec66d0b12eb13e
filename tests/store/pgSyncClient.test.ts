/**
 * The synchronous PostgreSQL client's pipelined calls: a list of statements sent as one
 * simple-protocol query, the values written as literals. What the store relies on: every
 * value arrives exactly as it does as a parameter (quotes, backslashes, `$1` and `;` inside
 * text, arrays with quotes and NULLs, 53-bit integers, bytes), each statement's rows come
 * back in place, and a failing statement runs nothing after it and leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgSyncClient } from '../../src-main/store/postgres/pgSyncClient';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';

const reason = pgUnavailableReason();
if (reason) console.warn(`[postgres tests skipped] ${reason}`);

const AWKWARD = [
  "it's",
  'back\\slash \\x00 \\\\',
  'E\'\\n\' and "quotes"',
  'a $1 b $2; SELECT 1; --',
  '{"json": ["with", "brackets", {"and": null}]}',
  'héllo wörld — 日本語 🚀',
  '',
  ' leading and trailing ',
  'multi\nline\r\ntext\ttab',
];

describe.skipIf(reason)('PgSyncClient pipelined calls on a real server', () => {
  let server: PgServer;
  let db: PgSyncClient;
  beforeAll(async () => {
    server = await startPgServer();
    db = new PgSyncClient(server.createDatabase('pipeline'), 'pipeline test');
    db.run([{ text: 'CREATE TABLE t (id int PRIMARY KEY, s text, n bigint, a text[], b bytea)' }]);
  }, 120_000);
  afterAll(() => {
    db?.close();
    server?.stop();
  }, 180_000);

  it('sends every value exactly as a parameter would, and answers each statement with its own rows', () => {
    const values = AWKWARD.map((s, i) => [i, s, Number.MAX_SAFE_INTEGER - i, [s, null, `"${s}"`], Buffer.from(s + '\u0001\u00ff')]);
    const insert = (table: string) => (v: unknown[]) => ({
      text: `INSERT INTO ${table} (id, s, n, a, b) VALUES ($1, $2, $3, $4, $5)`,
      values: v,
    });
    db.run([{ text: 'CREATE TABLE by_param (LIKE t)' }]);
    db.run([{ text: 'BEGIN' }, ...values.map(insert('t')), { text: 'COMMIT' }], { rollbackOnError: true, pipeline: true });
    db.run([{ text: 'BEGIN' }, ...values.map(insert('by_param')), { text: 'COMMIT' }], { rollbackOnError: true });
    const read = (table: string) =>
      db.run([{ text: `SELECT id, s, n, a, b, a[1], a[2] IS NULL, a[3] FROM ${table} ORDER BY id` }])[0]!.rows;
    const pipelined = read('t');
    expect(pipelined).toEqual(read('by_param'));
    expect(pipelined.map((r) => [r[0], r[1], r[2], r[5], r[6], r[7], Buffer.from(r[4] as Uint8Array)])).toEqual(
      values.map((v) => [v[0], v[1], v[2], v[1], true, `"${v[1] as string}"`, v[4]]),
    );
    // Rows per statement, in place, through a statement of two parts (BEGIN; SET LOCAL …).
    const got = db.run(
      [
        { text: 'BEGIN; SET LOCAL synchronous_commit = on' },
        { text: 'SELECT s FROM t WHERE id = $1', values: [3] },
        { text: 'SELECT count(*)::int FROM t WHERE s = ANY($1::text[])', values: [AWKWARD] },
        { text: 'SELECT $1::text, $2::bigint', values: [null, 42] },
        { text: 'COMMIT' },
      ],
      { pipeline: true },
    );
    expect(got.map((r) => r.rows)).toEqual([[], [[AWKWARD[3]]], [[AWKWARD.length]], [[null, 42]], []]);
  });

  it('a failing statement runs nothing after it: the transaction is rolled back and the error names the cause', () => {
    const before = db.run([{ text: 'SELECT count(*)::int FROM t' }])[0]!.rows;
    expect(() =>
      db.run(
        [
          { text: 'BEGIN' },
          { text: 'INSERT INTO t (id, s) VALUES ($1, $2)', values: [1000, 'new'] },
          { text: 'INSERT INTO t (id, s) VALUES ($1, $2)', values: [0, 'a duplicate id'] },
          { text: 'INSERT INTO t (id, s) VALUES ($1, $2)', values: [1001, 'after the failure'] },
          { text: 'COMMIT' },
        ],
        { rollbackOnError: true, pipeline: true },
      ),
    ).toThrow(/duplicate key/);
    expect(db.run([{ text: 'SELECT count(*)::int FROM t' }])[0]!.rows).toEqual(before);
    // The connection is usable again, outside any transaction.
    expect(db.run([{ text: 'SELECT current_setting($1)', values: ['transaction_isolation'] }], { pipeline: true })[0]!.rows).toEqual([
      ['read committed'],
    ]);
  });

  it('a COPY stores every value exactly as a parameter would, pipelined or alone, and the statements around it answer in place', () => {
    const rows: unknown[][] = AWKWARD.map((s, i) => [5000 + i, s, Number.MAX_SAFE_INTEGER - i, [s, null], Buffer.from(s + '\u0001\u00ff')]);
    rows.push([5100, null, null, null, null]);
    const copy = (table: string) => ({ text: `COPY ${table} (id, s, n, a, b) FROM STDIN`, copy: { values: rows.flat(), width: 5 } });
    db.run([{ text: 'CREATE TABLE copied (LIKE t)' }, { text: 'CREATE TABLE copied_alone (LIKE t)' }]);
    const got = db.run(
      [
        { text: 'BEGIN' },
        { text: 'SELECT $1::text', values: ['before'] },
        copy('copied'),
        { text: 'SELECT count(*)::int FROM copied' },
        { text: 'COMMIT' },
      ],
      { rollbackOnError: true, pipeline: true },
    );
    expect(got.map((r) => r.rows)).toEqual([[], [['before']], [], [[rows.length]], []]);
    expect(got[2]!.rowCount).toBe(rows.length);
    db.run([copy('copied_alone')]);
    const read = (table: string) => db.run([{ text: `SELECT id, s, n, a, b FROM ${table} WHERE id >= 5000 ORDER BY id` }])[0]!.rows;
    db.run([
      { text: 'BEGIN' },
      ...rows.map((values) => ({ text: 'INSERT INTO t (id, s, n, a, b) VALUES ($1, $2, $3, $4, $5)', values })),
      { text: 'COMMIT' },
    ]);
    const byParam = read('t');
    expect(byParam).toHaveLength(rows.length);
    expect(read('copied')).toEqual(byParam);
    expect(read('copied_alone')).toEqual(byParam);
  });

  it('two COPYs of megabytes in one call (written in chunks) store every row, in order', () => {
    db.run([{ text: 'CREATE TABLE big_a (id int PRIMARY KEY, s text)' }, { text: 'CREATE TABLE big_b (id int PRIMARY KEY, s text)' }]);
    // 3,000 rows of about 1 kB with a tab, a newline and a backslash in each: three chunks and more.
    const text = (i: number) => `${i}\t${'x'.repeat(1000)}\n\\${i}`;
    const rows = Array.from({ length: 3000 }, (_, i) => [i, text(i)]).flat();
    const got = db.run(
      [
        { text: 'BEGIN' },
        { text: 'COPY big_a (id, s) FROM STDIN', copy: { values: rows, width: 2 } },
        { text: 'COPY big_b (id, s) FROM STDIN', copy: { values: rows.slice(0, 20), width: 2 } },
        { text: 'COMMIT' },
      ],
      { rollbackOnError: true, pipeline: true },
    );
    expect(got.map((r) => r.rowCount)).toEqual([0, 3000, 10, 0]);
    const a = db.run([{ text: 'SELECT id, s FROM big_a ORDER BY id' }])[0]!.rows;
    expect(a).toEqual(Array.from({ length: 3000 }, (_, i) => [i, text(i)]));
    expect(db.run([{ text: 'SELECT count(*)::int FROM big_b' }])[0]!.rows).toEqual([[10]]);
  });

  it('a COPY refused in its last chunk stores nothing, and the connection goes on', () => {
    db.run([{ text: 'CREATE TABLE big_refused (id int PRIMARY KEY, s text)' }]);
    const rows = Array.from({ length: 3000 }, (_, i) => [i, 'y'.repeat(1000)]).flat();
    rows.push(0, 'a duplicate of the first row, after three megabytes');
    expect(() =>
      db.run([{ text: 'BEGIN' }, { text: 'COPY big_refused (id, s) FROM STDIN', copy: { values: rows, width: 2 } }, { text: 'COMMIT' }], {
        rollbackOnError: true,
        pipeline: true,
      }),
    ).toThrow(/duplicate key/);
    expect(db.run([{ text: 'SELECT count(*)::int FROM big_refused' }])[0]!.rows).toEqual([[0]]);
    expect(db.run([{ text: 'SELECT 1' }])[0]!.rows).toEqual([[1]]);
  });

  it('a refused COPY (a duplicate key, a NUL) stores nothing of its transaction, names the cause, and the connection goes on', () => {
    db.run([{ text: 'CREATE TABLE copy_refused (id int PRIMARY KEY, s text)' }]);
    const attempt = (values: unknown[]) => () =>
      db.run(
        [
          { text: 'BEGIN' },
          { text: 'INSERT INTO copy_refused (id, s) VALUES ($1, $2)', values: [1, 'before the copy'] },
          { text: 'COPY copy_refused (id, s) FROM STDIN', copy: { values, width: 2 } },
          { text: 'COMMIT' },
        ],
        { rollbackOnError: true, pipeline: true },
      );
    expect(attempt([2, 'a', 2, 'again'])).toThrow(/duplicate key/);
    expect(attempt([2, 'a\u0000b'])).toThrow(/0x00/);
    expect(db.run([{ text: 'SELECT count(*)::int FROM copy_refused' }])[0]!.rows).toEqual([[0]]);
    attempt([2, 'fine'])();
    expect(db.run([{ text: 'SELECT id, s FROM copy_refused ORDER BY id' }])[0]!.rows).toEqual([
      [1, 'before the copy'],
      [2, 'fine'],
    ]);
  });

  it('a text with a NUL goes statement by statement, and the server refuses it as it refuses a parameter', () => {
    expect(() =>
      db.run([{ text: 'BEGIN' }, { text: 'INSERT INTO t (id, s) VALUES ($1, $2)', values: [2000, 'a\u0000b'] }, { text: 'COMMIT' }], {
        rollbackOnError: true,
        pipeline: true,
      }),
    ).toThrow(/0x00/);
    expect(db.run([{ text: 'SELECT count(*)::int FROM t WHERE id = 2000' }])[0]!.rows).toEqual([[0]]);
  });
});

/**
 * Tampering with a real SQLite file through a second connection, as someone with the file
 * could: every change is caught with the seq where it shows and the right reason.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src-main/runtime/sha256';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import {
  SigningKeyStore,
  anchorPathFor,
  anchorRun,
  checkAnchors,
  verifyChain,
  verifyRunLedger,
  chainRowFromRecord,
} from '../../src-main/ledger/index';
import { makeRecord, makeState, writeRun } from './support/runFactory';

let dir: string;
let file: string;
let store: SqliteStore;
let raw: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-tamper-'));
  file = join(dir, 'runs.db');
  store = SqliteStore.open(file);
  raw = new Database(file);
});
afterEach(() => {
  raw.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const body = (seq: number) => (raw.prepare("SELECT body FROM ledger WHERE run_id = 'r1' AND seq = ?").get(seq) as { body: string }).body;
const setBody = (seq: number, b: string, rehash = false) =>
  raw
    .prepare(`UPDATE ledger SET body = ?${rehash ? ', record_hash = ?' : ''} WHERE run_id = 'r1' AND seq = ?`)
    .run(...(rehash ? [b, sha256Hex(b), seq] : [b, seq]));
const verify = () => verifyRunLedger(store, 'r1');

describe('tampering with a SQLite ledger', () => {
  beforeEach(async () => {
    writeRun(store, 'r1', 10);
    // Commits of one turn share a transaction until the turn's flush; a caller awaits it before it reports.
    await store.whenDurable();
  });

  it('leaves an untouched ledger valid', () => {
    expect(verify()).toEqual({
      valid: true,
      records: 10,
      firstBadSeq: null,
      reason: null,
      message: expect.stringMatching(/valid/),
      signed: null,
    });
  });

  it('catches a modified field', () => {
    setBody(4, body(4).replace('"node_id":"a"', '"node_id":"b"'));
    expect(verify()).toMatchObject({ valid: false, firstBadSeq: 4, reason: 'hash_mismatch' });
  });

  it('catches a modified record_hash column', () => {
    raw.prepare("UPDATE ledger SET record_hash = ? WHERE run_id = 'r1' AND seq = 6").run('0'.repeat(64));
    expect(verify()).toMatchObject({ valid: false, firstBadSeq: 6, reason: 'hash_mismatch' });
  });

  it('catches a modified record whose hash was recomputed, at the next record', () => {
    setBody(4, body(4).replace('"node_id":"a"', '"node_id":"b"'), true);
    expect(verify()).toMatchObject({ valid: false, firstBadSeq: 5, reason: 'broken_link' });
  });

  it('catches a deleted record', () => {
    raw.prepare("DELETE FROM ledger WHERE run_id = 'r1' AND seq = 3").run();
    expect(verify()).toMatchObject({ valid: false, firstBadSeq: 3, reason: 'gap' });
  });

  it('catches two swapped records', () => {
    raw.exec(`UPDATE ledger SET seq = -1 WHERE run_id = 'r1' AND seq = 3;
      UPDATE ledger SET seq = 3 WHERE run_id = 'r1' AND seq = 4;
      UPDATE ledger SET seq = 4 WHERE run_id = 'r1' AND seq = -1;`);
    expect(verify()).toMatchObject({ valid: false, firstBadSeq: 3, reason: 'reorder' });
  });

  it('catches an inserted record', () => {
    // A well-formed record chained after seq 3, slipped in at seq 4, pushing the rest up.
    const r3 = (raw.prepare("SELECT record_hash FROM ledger WHERE run_id = 'r1' AND seq = 3").get() as { record_hash: string }).record_hash;
    const forged = makeRecord('r1', { seq: 3, hash: r3 }, { node_id: 'forged' });
    raw.exec(
      "UPDATE ledger SET seq = seq + 100 WHERE run_id = 'r1' AND seq >= 4; UPDATE ledger SET seq = seq - 99 WHERE run_id = 'r1' AND seq >= 104;",
    );
    const row = chainRowFromRecord(forged);
    raw
      .prepare(
        "INSERT INTO ledger (run_id, seq, record_hash, signature, status, idempotency_key, foreign_body, body) VALUES ('r1', 4, ?, NULL, 'completed', NULL, 0, ?)",
      )
      .run(row.record_hash, row.body);
    expect(verify()).toMatchObject({ valid: false, firstBadSeq: 5, reason: 'reorder' });
  });

  it("catches lost tail records against the head in the run's own state", () => {
    raw.prepare("DELETE FROM ledger WHERE run_id = 'r1' AND seq >= 7").run();
    expect(verify()).toMatchObject({ valid: false, records: 7, firstBadSeq: 7, reason: 'truncated' });
  });

  it('catches a record appended outside a commit', () => {
    const r9 = (raw.prepare("SELECT record_hash FROM ledger WHERE run_id = 'r1' AND seq = 9").get() as { record_hash: string }).record_hash;
    const extra = chainRowFromRecord(makeRecord('r1', { seq: 9, hash: r9 }));
    raw
      .prepare(
        "INSERT INTO ledger (run_id, seq, record_hash, signature, status, idempotency_key, foreign_body, body) VALUES ('r1', 10, ?, NULL, 'completed', NULL, 0, ?)",
      )
      .run(extra.record_hash, extra.body);
    expect(verify()).toMatchObject({ valid: false, firstBadSeq: 10, reason: 'malformed' });
  });

  it('cannot see a tail cut together with the run row, without a signed head (why anchors exist)', () => {
    const r6 = (raw.prepare("SELECT record_hash FROM ledger WHERE run_id = 'r1' AND seq = 6").get() as { record_hash: string }).record_hash;
    raw.prepare("DELETE FROM ledger WHERE run_id = 'r1' AND seq >= 7").run();
    raw.prepare("UPDATE runs SET state = ? WHERE run_id = 'r1'").run(JSON.stringify(makeState('r1', { seq: 6, hash: r6 })));
    expect(verify()).toMatchObject({ valid: true, records: 7 });
  });
});

describe('signed ledgers', () => {
  let keys: SigningKeyStore;
  beforeEach(() => {
    keys = new SigningKeyStore(join(dir, 'data'));
    writeRun(store, 'r1', 10, { signer: keys.signer() });
  });

  it('verify with their signatures and signed head', () => {
    const head = anchorRun(store, 'r1', keys, anchorPathFor(file))!;
    expect(head).toMatchObject({ run_id: 'r1', seq: 9, public_key: keys.publicKeyBase64() });
    const report = verify();
    expect(report).toMatchObject({
      valid: true,
      records: 10,
      signed: { publicKey: keys.publicKeyBase64(), signedSeq: 9, keyId: keys.keyId() },
    });
  });

  it('catch a signature that does not verify', () => {
    anchorRun(store, 'r1', keys, null);
    const other = new SigningKeyStore(join(dir, 'other'));
    const hash = (raw.prepare("SELECT record_hash FROM ledger WHERE run_id = 'r1' AND seq = 2").get() as { record_hash: string })
      .record_hash;
    raw.prepare("UPDATE ledger SET signature = ? WHERE run_id = 'r1' AND seq = 2").run(other.sign(hash));
    expect(verify()).toMatchObject({ valid: false, firstBadSeq: 2, reason: 'bad_signature' });
  });

  it('catch a forged signed head', () => {
    const head = anchorRun(store, 'r1', keys, null)!;
    store.saveSignedHead({ ...head, seq: 5 });
    expect(verify()).toMatchObject({ valid: false, firstBadSeq: 5, reason: 'bad_signature' });
  });

  it('catch a tail cut below the signed head', () => {
    anchorRun(store, 'r1', keys, null);
    raw.prepare("DELETE FROM ledger WHERE run_id = 'r1' AND seq >= 7").run();
    expect(verify()).toMatchObject({ valid: false, firstBadSeq: 7, reason: 'truncated' });
  });

  it('catch a database rolled back to an older copy, through the anchor file', () => {
    raw.close();
    store.close();
    copyFileSync(file, join(dir, 'backup.db')); // 10 records
    store = SqliteStore.open(file);
    raw = new Database(file);
    const state = store.getRun('r1')!;
    const r = makeRecord('r1', state.ledger_head, {}, keys.signer());
    store.commit({ state: makeState('r1', { seq: r.seq, hash: r.record_hash }), records: [r], expectedHeadSeq: 9 });
    anchorRun(store, 'r1', keys, anchorPathFor(file));
    raw.close();
    store.close();
    copyFileSync(join(dir, 'backup.db'), file); // the rollback: DB and its signed heads go back
    store = SqliteStore.open(file);
    raw = new Database(file);
    expect(verify()).toMatchObject({ valid: true, records: 10 }); // the DB alone cannot tell
    expect(verifyRunLedger(store, 'r1', { anchorPath: anchorPathFor(file) })).toMatchObject({
      valid: false,
      firstBadSeq: 10,
      reason: 'truncated',
    });
    expect(checkAnchors(store, anchorPathFor(file))).toEqual([
      { runId: 'r1', report: expect.objectContaining({ valid: false, firstBadSeq: 10, reason: 'truncated' }) },
    ]);
  });

  it('report a run whose anchored record was rewritten, and say nothing of an intact one', () => {
    anchorRun(store, 'r1', keys, anchorPathFor(file));
    expect(checkAnchors(store, anchorPathFor(file))).toEqual([]);
    const head = store.getRun('r1')!.ledger_head!;
    raw.prepare("UPDATE ledger SET record_hash = ? WHERE run_id = 'r1' AND seq = ?").run('0'.repeat(64), head.seq);
    expect(checkAnchors(store, anchorPathFor(file))).toMatchObject([
      { runId: 'r1', report: { reason: 'truncated', firstBadSeq: head.seq } },
    ]);
  });

  it('report a run missing altogether below its anchor', () => {
    anchorRun(store, 'r1', keys, anchorPathFor(file));
    raw.exec("DELETE FROM ledger WHERE run_id = 'r1'; DELETE FROM runs WHERE run_id = 'r1';");
    expect(checkAnchors(store, anchorPathFor(file))).toMatchObject([{ runId: 'r1', report: { reason: 'truncated', firstBadSeq: 0 } }]);
  });
});

describe('verifyChain', () => {
  it('verifies records from stores without raw rows by re-canonicalizing them', () => {
    let head = null;
    const rows = [];
    for (let i = 0; i < 5; i++) {
      const r = makeRecord('m', head);
      head = { seq: r.seq, hash: r.record_hash };
      rows.push(chainRowFromRecord(r));
    }
    expect(verifyChain(rows)).toMatchObject({ valid: true, records: 5 });
    expect(verifyChain([rows[0]!, rows[1]!, rows[1]!])).toMatchObject({ valid: false, firstBadSeq: 1, reason: 'reorder' });
  });

  it('finds the top-level prev_hash even when a nested object uses the same key', () => {
    const r0 = makeRecord('n', null, { result: { prev_hash: 'nested', seq: 99 } });
    const r1 = makeRecord('n', { seq: 0, hash: r0.record_hash }, { result: { prev_hash: null, seq: 0 } });
    expect(verifyChain([r0, r1].map(chainRowFromRecord))).toMatchObject({ valid: true, records: 2 });
  });
});

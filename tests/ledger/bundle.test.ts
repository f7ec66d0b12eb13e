import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleInvalidError, LedgerInvalidError } from '../../src-shared/errors';
import type { LedgerHead } from '../../src-shared/types';
import { RawNumber } from '../../src-shared/canonicalJson';
import { readJsonExact, stringifyExact } from '../../src-shared/exactJson';
import type { JsonObject } from '../../src-shared/json';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import {
  SigningKeyStore,
  KEY_FILE_NAME,
  anchorRun,
  createExportBundle,
  importBundle,
  verifyBundle,
  verifyRunLedger,
  type ExportBundle,
} from '../../src-main/ledger/index';
import { iso, makeRecord, makeState } from './support/runFactory';

let dir: string;
let store: SqliteStore;
let keys: SigningKeyStore;
let artifactRef: string;

/** A signed run whose record 3 and whose vars reference a large artifact, plus a snapshot. */
function writeRichRun(s: SqliteStore): void {
  artifactRef = s.putArtifact(new TextEncoder().encode('big output '.repeat(8000)), 'text/plain').$artifact;
  let head: LedgerHead | null = null;
  for (let i = 0; i < 6; i++) {
    const extra = i === 3 ? { result: { $artifact: artifactRef, size: 88000, mime: 'text/plain' } } : {};
    const r = makeRecord('r1', head, extra, keys.signer());
    const state = makeState(
      'r1',
      { seq: r.seq, hash: r.record_hash },
      { vars: { out: { $artifact: artifactRef, size: 88000, mime: 'text/plain' } } },
    );
    s.commit({ state, records: [r], expectedHeadSeq: head?.seq ?? null, isNew: head === null });
    head = { seq: r.seq, hash: r.record_hash };
  }
  s.saveSnapshot({
    snapshot_id: 'snap-1',
    run_id: 'r1',
    name: 'halfway',
    description: null,
    tags: ['t'],
    created_at: iso(3),
    ledger_seq: 3,
    state_hash: 'h',
    state: makeState('r1', head),
  });
  anchorRun(s, 'r1', keys, null);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-bundle-'));
  keys = new SigningKeyStore(join(dir, 'data'));
  store = SqliteStore.open(join(dir, 'runs.db'));
  writeRichRun(store);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const fresh = (): ExportBundle => JSON.parse(JSON.stringify(createExportBundle(store, 'r1', { now: new Date(iso(99)) })));

describe('export bundles', () => {
  it('hold records, final state, snapshots, referenced artifacts and the signing key, and verify offline', () => {
    const b = fresh();
    expect(b).toMatchObject({ format: 'abstractruntime-bundle', version: 1, run_id: 'r1', workflow_id: 'test.flow', exported_at: iso(99) });
    expect(b.records.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(b.snapshots.map((s) => s.snapshot_id)).toEqual(['snap-1']);
    expect(b.artifacts.map((a) => a.ref)).toEqual([artifactRef]);
    expect(b.signing).toMatchObject({ public_key: keys.publicKeyBase64(), key_id: keys.keyId(), signed_head: { seq: 5 } });
    expect(verifyBundle(b)).toMatchObject({ valid: true, records: 6, signed: { signedSeq: 5, keyId: keys.keyId() } });
    expect(verifyBundle(JSON.stringify(b))).toMatchObject({ valid: true });
  });

  it('catch a modified field, a deleted, swapped or inserted record, and a cut tail', () => {
    const edit = (f: (b: ExportBundle) => void) => {
      const b = fresh();
      f(b);
      return verifyBundle(b);
    };
    expect(edit((b) => (b.records[2]!.body = b.records[2]!.body.replace('"attempt":1', '"attempt":2')))).toMatchObject({
      valid: false,
      firstBadSeq: 2,
      reason: 'hash_mismatch',
    });
    expect(edit((b) => b.records.splice(2, 1))).toMatchObject({ valid: false, firstBadSeq: 2, reason: 'gap' });
    expect(edit((b) => ([b.records[1], b.records[2]] = [b.records[2]!, b.records[1]!]))).toMatchObject({
      valid: false,
      firstBadSeq: 1,
      reason: 'reorder',
    });
    expect(edit((b) => b.records.splice(3, 0, { ...b.records[2]! }))).toMatchObject({ valid: false, firstBadSeq: 2, reason: 'reorder' });
    expect(edit((b) => b.records.splice(4))).toMatchObject({ valid: false, firstBadSeq: 4, reason: 'truncated' });
  });

  it('catch a signature or signed head that does not verify', () => {
    const other = new SigningKeyStore(join(dir, 'other'));
    const b = fresh();
    b.records[1]!.signature = other.sign(b.records[1]!.record_hash);
    expect(verifyBundle(b)).toMatchObject({ valid: false, firstBadSeq: 1, reason: 'bad_signature' });
    const c = fresh();
    c.signing!.public_key = other.publicKeyBase64();
    expect(verifyBundle(c)).toMatchObject({ valid: false, reason: 'bad_signature' });
  });

  it('catch a flipped byte in an artifact, and a missing artifact', () => {
    const b = fresh();
    const bytes = Buffer.from(b.artifacts[0]!.base64, 'base64');
    bytes[100] = bytes[100]! ^ 0x01;
    b.artifacts[0]!.base64 = bytes.toString('base64');
    const report = verifyBundle(b);
    expect(report).toMatchObject({ valid: false, firstBadSeq: 3, reason: 'hash_mismatch' });
    expect(report.message).toContain(artifactRef);
    const c = fresh();
    c.artifacts = [];
    expect(verifyBundle(c)).toMatchObject({ valid: false, firstBadSeq: 3, reason: 'malformed' });
  });

  it('refuse what is not a bundle with BundleInvalidError naming the field', () => {
    const bad = (v: unknown) => () => verifyBundle(v);
    expect(bad('not json')).toThrow(BundleInvalidError);
    expect(bad({})).toThrow(/bundle\.format/);
    const b = fresh() as unknown as { records: { body: unknown }[] };
    b.records[2]!.body = 42;
    expect(bad(b)).toThrow(/bundle\.records\.2\.body/);
    const c = fresh() as unknown as { version: number };
    c.version = 2;
    expect(bad(c)).toThrow(/bundle\.version/);
  });
});

describe('importing bundles', () => {
  it("a record's exact numbers (1.0, 98765432109876543210) import into a store without its own import path and still verify", () => {
    const src = new MemoryStore();
    const r = makeRecord('exact', null, {
      result: { one: new RawNumber('1.0'), big: new RawNumber('98765432109876543210'), z: new RawNumber('-0.0') } as unknown as JsonObject,
    });
    src.commit({ state: makeState('exact', { seq: r.seq, hash: r.record_hash }), records: [r], expectedHeadSeq: null, isNew: true });
    const bundle = readJsonExact(stringifyExact(createExportBundle(src, 'exact')));
    const target = new MemoryStore();
    expect(importBundle(target, bundle)).toEqual({ runId: 'exact', imported: true });
    expect(verifyRunLedger(target, 'exact')).toMatchObject({ valid: true, records: 1 });
    expect(stringifyExact(target.readLedger('exact', { limit: 1 }).records[0]!.result)).toBe(
      '{"big":98765432109876543210,"one":1.0,"z":-0.0}',
    );
  });

  it('stores the run, snapshots and artifacts once, marked as imported, and it verifies', () => {
    const b = fresh();
    const target = SqliteStore.open(join(dir, 'other.db'));
    try {
      expect(importBundle(target, b, { now: new Date(iso(500)) })).toEqual({ runId: 'r1', imported: true });
      expect(importBundle(target, b)).toEqual({ runId: 'r1', imported: false });
      expect(target.getRun('r1')).toMatchObject({ origin: { kind: 'import', source: 'bundle', imported_at: iso(500) } });
      expect(target.readLedger('r1', { limit: 100 }).total).toBe(6);
      expect(target.getSnapshot('snap-1')?.name).toBe('halfway');
      expect(target.getArtifact(artifactRef).bytes.byteLength).toBe(88000);
      expect(verifyRunLedger(target, 'r1')).toMatchObject({ valid: true, records: 6, signed: { signedSeq: 5 } });
      // A host with its own signing key still checks an imported run against its signer's key.
      const local = new SigningKeyStore(join(dir, 'local')).publicKeyBase64();
      expect(verifyRunLedger(target, 'r1', { publicKey: local })).toMatchObject({ valid: true, signed: { keyId: keys.keyId() } });
      expect(verifyBundle(createExportBundle(target, 'r1'))).toMatchObject({ valid: true });
    } finally {
      target.close();
    }
  });

  it('refuses a bundle that does not verify, and stores nothing', () => {
    const b = fresh();
    b.records[4]!.body = b.records[4]!.body.replace('"attempt":1', '"attempt":3');
    const target = SqliteStore.open(join(dir, 'other.db'));
    try {
      expect(() => importBundle(target, b)).toThrow(LedgerInvalidError);
      expect(() => importBundle(target, b)).toThrow(/record 4/);
      expect(target.getRun('r1')).toBeNull();
    } finally {
      target.close();
    }
  });

  it('a longer bundle of a run already here appends only its new verified records (the rule Python folders use)', () => {
    const first = fresh();
    const target = SqliteStore.open(join(dir, 'other.db'));
    try {
      importBundle(target, first);
      let head = store.getRun('r1')!.ledger_head!;
      for (let i = 0; i < 2; i++) {
        const r = makeRecord('r1', head, {}, keys.signer());
        store.commit({
          state: makeState('r1', { seq: r.seq, hash: r.record_hash }),
          records: [r],
          expectedHeadSeq: head.seq,
          isNew: false,
        });
        head = { seq: r.seq, hash: r.record_hash };
      }
      const longer = JSON.parse(JSON.stringify(createExportBundle(store, 'r1')));
      expect(importBundle(target, longer)).toEqual({ runId: 'r1', imported: true, appended: 2 });
      expect(verifyRunLedger(target, 'r1')).toMatchObject({ valid: true, records: 8 });
      // The shorter one again: nothing written.
      expect(importBundle(target, first)).toEqual({ runId: 'r1', imported: false });
      expect(target.readLedger('r1', { limit: 100 }).total).toBe(8);
    } finally {
      target.close();
    }
  });

  it('works with the in-memory store for runs written here', () => {
    const mem = new MemoryStore();
    expect(importBundle(mem, fresh())).toEqual({ runId: 'r1', imported: true });
    expect(verifyRunLedger(mem, 'r1')).toMatchObject({ valid: true, records: 6 });
  });
});

describe('the signing key', () => {
  it('is created on first use with mode 0600, and reused by the next instance', () => {
    const keyDir = join(dir, 'fresh-data');
    const a = new SigningKeyStore(keyDir);
    const pub = a.publicKeyBase64();
    const file = join(keyDir, KEY_FILE_NAME);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
    expect(new SigningKeyStore(keyDir).publicKeyBase64()).toBe(pub);
    expect(Buffer.from(pub, 'base64')).toHaveLength(32);
  });
});

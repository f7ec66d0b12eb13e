/**
 * Cases 4, 6 and 8 of issue #11 with crafted bundles against a real SQLite host, and the
 * real CLI for `verify --require-trusted` and `keys`:
 * 4. a bundle whose snapshots belong to another run; a bundle whose signed head (another key)
 *    would replace the genuine one;
 * 6. a chain edited and re-hashed, stripped of signatures, or re-signed with a foreign key:
 *    each says in words who vouches for it, and only own / trusted keys pass --require-trusted;
 * 8. one run's records presented as another's (bundle and database), and a run renamed to a path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { canonicalJson } from '../../src-shared/canonicalJson';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { SigningKeyStore } from '../../src-main/ledger/signing';
import { sha256Hex } from '../../src-main/runtime/sha256';
import type { ExportBundle } from '../../src-main/ledger/bundle';
import { runCli } from '../reliability/support/processes';
import { dispatch } from '../../src-main/transport/dispatch';

let dir: string;
let data: string;
let db: string;
let host: RuntimeHost;
let attackerKeys: SigningKeyStore;
const api = () => createApiHandlers(host);
/** Handlers may throw before returning a promise: this makes either a rejection. */
const later = async <T>(f: () => T): Promise<Awaited<T>> => await f();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-sec-bundles-'));
  data = join(dir, 'data');
  db = join(dir, 'runtime.db');
  host = await RuntimeHost.open({ dbPath: db, dataDir: data, env: {}, projectFile: null });
  await api().setSettings({ signing: { enabled: true } });
  attackerKeys = new SigningKeyStore(join(dir, 'attacker'));
}, 60_000);

afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function completedRun(): Promise<string> {
  const run = await host.startRun('examples.counter', { n: 2 });
  expect(run.status).toBe('completed');
  return run.run_id;
}

async function exported(runId: string): Promise<ExportBundle> {
  return structuredClone((await api().exportRun({ runId })).bundle as unknown as ExportBundle);
}

/** Rewrites the records' bodies with `edit`, re-links and re-hashes them; signs with `keys` (or strips signatures). */
function rehash(
  bundle: ExportBundle,
  edit: (body: Record<string, unknown>, seq: number) => void,
  keys: SigningKeyStore | null,
): ExportBundle {
  let prev: string | null = null;
  for (const r of bundle.records) {
    const body = JSON.parse(r.body) as Record<string, unknown>;
    edit(body, r.seq);
    body.prev_hash = prev;
    r.body = canonicalJson(body as never);
    r.record_hash = sha256Hex(r.body);
    r.signature = keys ? keys.sign(r.record_hash) : null;
    prev = r.record_hash;
  }
  const last = bundle.records.at(-1)!;
  bundle.state = { ...bundle.state, ledger_head: { seq: last.seq, hash: last.record_hash } };
  bundle.signing = keys
    ? { public_key: keys.publicKeyBase64(), key_id: keys.keyId(), signed_head: keys.signHead(bundle.run_id, last.seq, last.record_hash) }
    : null;
  return bundle;
}

async function cliVerify(bundle: ExportBundle, ...flags: string[]) {
  const file = join(dir, `b-${Math.random().toString(36).slice(2)}.bundle.json`);
  writeFileSync(file, JSON.stringify(bundle));
  const r = await runCli(['--db', db, '--json', 'verify', '--file', file, ...flags], { ABSTRACTRUNTIME_HOME: data });
  return {
    code: r.code,
    report: JSON.parse(r.stdout || '{}') as { valid: boolean; trust: string; trustMessage: string; message: string },
    stderr: r.stderr,
  };
}

describe('imports touch only their own run (case 4)', () => {
  it('a snapshot of another run inside a bundle is refused, naming it, and nothing is written', async () => {
    const victim = await completedRun();
    const snap = await host.createSnapshot(victim, { name: 'genuine' });
    const before = JSON.stringify(await api().searchSnapshots({ runId: victim }));
    const victimState = JSON.stringify(host.getRun(victim));

    // An attacker's run, exported, carrying a "snapshot" that rewrites the victim.
    const other = await completedRun();
    const bundle = await exported(other);
    const forged = { ...(host.store.getSnapshot(snap.snapshot_id) as object), snapshot_id: 'forged-snap', run_id: other } as Record<
      string,
      any
    >;
    forged.state = { ...forged.state, run_id: victim, vars: { pwned: true }, status: 'running' };
    bundle.snapshots = [forged as never];
    await expect(later(() => api().importBundle({ bundle }))).rejects.toMatchObject({
      code: 'IMPORT_FAILED',
      message: expect.stringContaining('snapshot forged-snap'),
    });
    // Same id as the victim's genuine snapshot, labelled as the bundle's run: refused too.
    bundle.snapshots = [{ ...(host.store.getSnapshot(snap.snapshot_id) as object), run_id: other } as never];
    await expect(later(() => api().importBundle({ bundle }))).rejects.toMatchObject({ code: 'IMPORT_FAILED' });
    expect(JSON.stringify(await api().searchSnapshots({ runId: victim }))).toBe(before);
    expect(JSON.stringify(host.getRun(victim))).toBe(victimState);
    expect(host.store.getSnapshot('forged-snap')).toBeNull();
  });

  it('importing a run that exists never replaces its signed head; its exports keep verifying', async () => {
    const runId = await completedRun();
    const genuineHead = (host.store as unknown as { getSignedHead(id: string): unknown }).getSignedHead(runId);
    expect(genuineHead).not.toBeNull();
    // The same records, with a head signed by another key.
    const bundle = await exported(runId);
    const last = bundle.records.at(-1)!;
    bundle.signing = {
      public_key: attackerKeys.publicKeyBase64(),
      key_id: attackerKeys.keyId(),
      signed_head: attackerKeys.signHead(runId, last.seq, last.record_hash),
    };
    for (const r of bundle.records) r.signature = attackerKeys.sign(r.record_hash);
    await api().importBundle({ bundle });
    expect((host.store as unknown as { getSignedHead(id: string): unknown }).getSignedHead(runId)).toEqual(genuineHead);
    const again = await exported(runId);
    expect((await api().verifyBundle({ bundle: again })).valid).toBe(true);
    expect((await api().verifyRun({ runId })).valid).toBe(true);
  });

  it('a run that exists with a different ledger is refused; the stored run is untouched', async () => {
    const runId = await completedRun();
    const state = JSON.stringify(host.getRun(runId));
    const bundle = rehash(await exported(runId), (b) => void (b.result = b.result ?? null), null);
    bundle.records[0]!.body = bundle.records[0]!.body.replace('"node_id"', '"node_id_x":1,"node_id"');
    const edited = rehash(bundle, () => undefined, null);
    await expect(later(() => api().importBundle({ bundle: edited }))).rejects.toMatchObject({
      code: 'IMPORT_FAILED',
      message: expect.stringContaining('different ledger'),
    });
    expect(JSON.stringify(host.getRun(runId))).toBe(state);
  });
});

describe('a chain belongs to one run (case 8)', () => {
  it("a bundle carrying another run's intact records under a victim's id does not verify", async () => {
    const victim = await completedRun();
    const donor = await completedRun();
    const bundle = await exported(donor);
    bundle.run_id = victim;
    bundle.state = { ...bundle.state, run_id: victim };
    if (bundle.signing) bundle.signing = null;
    for (const r of bundle.records) r.signature = null;
    const report = await api().verifyBundle({ bundle });
    expect(report).toMatchObject({ valid: false, firstBadSeq: 0 });
    expect(report.message).toMatch(/belongs to another run/);
  });

  it("a database whose run's ledger was replaced by another run's records does not verify", async () => {
    const victim = await completedRun();
    const donor = await completedRun();
    const raw = new Database(db);
    try {
      raw.exec('BEGIN');
      raw.prepare('DELETE FROM ledger WHERE run_id = ?').run(victim);
      raw
        .prepare(
          'INSERT INTO ledger SELECT ?, seq, record_hash, signature, status, idempotency_key, foreign_body, body FROM ledger WHERE run_id = ?',
        )
        .run(victim, donor);
      const head = raw.prepare('SELECT head_seq, head_hash FROM runs WHERE run_id = ?').get(donor) as {
        head_seq: number;
        head_hash: string;
      };
      raw.prepare('UPDATE runs SET head_seq = ?, head_hash = ? WHERE run_id = ?').run(head.head_seq, head.head_hash, victim);
      raw.prepare('DELETE FROM signed_heads WHERE run_id = ?').run(victim);
      raw.exec('COMMIT');
    } finally {
      raw.close();
    }
    const report = await api().verifyRun({ runId: victim });
    expect(report.valid).toBe(false);
    expect(report.message).toMatch(/belongs to another run|signed head/);
  });

  it('a bundle renaming its run to a path is refused as invalid, naming run_id; a path is never taken for a run id', async () => {
    const bundle = await exported(await completedRun());
    bundle.run_id = '../../etc/passwd';
    bundle.state = { ...bundle.state, run_id: '../../etc/passwd' };
    await expect(later(() => api().importBundle({ bundle }))).rejects.toMatchObject({
      code: 'BUNDLE_INVALID',
      message: expect.stringContaining('bundle.run_id'),
    });
    const viaApi = await dispatch(api(), 'verifyRun', { runId: '../../etc/passwd' });
    expect(viaApi).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } });
    await expect(later(() => host.startRun('examples.counter', {}, { runId: 'a/b' }))).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    // The CLI: a run id argument is looked up as a run, never opened as a file.
    const r = await runCli(['--db', db, 'verify', 'passwd'], { ABSTRACTRUNTIME_HOME: data });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/RUN_NOT_FOUND/);
  });
});

describe('everything a bundle shows is verified (case 5)', () => {
  const edits: [string, (s: Record<string, any>) => void][] = [
    ['status', (s) => void (s.status = 'failed')],
    ['output', (s) => void (s.output = { count: 999 })],
    ['vars', (s) => void (s.vars = { ...s.vars, admin: true })],
    ['workflow_id', (s) => void (s.workflow_id = 'examples.agent')],
    ['workflow_version', (s) => void (s.workflow_version = '99')],
  ];
  for (const [field, edit] of edits) {
    it(`an edited state.${field} makes the bundle invalid, naming the field, and it cannot be imported`, async () => {
      const runId = await completedRun();
      const bundle = await exported(runId);
      edit(bundle.state as never);
      if (field === 'workflow_id') bundle.workflow_id = bundle.state.workflow_id;
      const report = await api().verifyBundle({ bundle });
      expect(report.valid).toBe(false);
      expect(report.message).toContain(`state.${field}`);
      // Imported elsewhere (a fresh database), it is refused before anything is written.
      const other = await RuntimeHost.open({
        dbPath: join(dir, `other-${field}.db`),
        dataDir: join(dir, `other-${field}`),
        env: {},
        projectFile: null,
      });
      try {
        await expect(later(() => createApiHandlers(other).importBundle({ bundle }))).rejects.toMatchObject({
          code: 'LEDGER_INVALID',
          message: expect.stringContaining(`state.${field}`),
        });
        expect((await createApiHandlers(other).listRuns({})).total).toBe(0);
      } finally {
        await other.close();
      }
    });
  }

  it('an untouched bundle, its state included, verifies and imports', async () => {
    const bundle = await exported(await completedRun());
    expect((await api().verifyBundle({ bundle })).valid).toBe(true);
    const other = await RuntimeHost.open({ dbPath: join(dir, 'other-ok.db'), dataDir: join(dir, 'other-ok'), env: {}, projectFile: null });
    try {
      await createApiHandlers(other).importBundle({ bundle });
      expect(other.getRun(bundle.run_id).vars).toEqual(bundle.state.vars);
    } finally {
      await other.close();
    }
  });
});

describe('trust is explicit (case 6)', () => {
  it("this machine's own export: signed by this machine's key; passes --require-trusted", async () => {
    const out = await cliVerify(await exported(await completedRun()), '--require-trusted');
    expect(out.report).toMatchObject({ valid: true, trust: 'own_key' });
    expect(out.report.trustMessage).toMatch(/signed by this machine's key/);
    expect(out.code).toBe(0);
  });

  it('an edited, re-hashed chain without signatures is valid but says it is unsigned, and fails --require-trusted', async () => {
    // Backdated records: nothing the state shows, so only the missing signature can tell.
    const edited = rehash(await exported(await completedRun()), (b) => void (b.started_at = '2000-01-01T00:00:00.000Z'), null);
    const plain = await cliVerify(edited);
    expect(plain.code).toBe(0);
    expect(plain.report).toMatchObject({ valid: true, trust: 'unsigned' });
    expect(plain.report.trustMessage).toBe('unsigned: integrity only (anyone who can edit the file can re-hash it)');
    expect((await cliVerify(edited, '--require-trusted')).code).toBe(1);
  });

  it('a bundle stripped of its signatures says it is unsigned', async () => {
    const bundle = await exported(await completedRun());
    bundle.signing = null;
    for (const r of bundle.records) r.signature = null;
    const report = await api().verifyBundle({ bundle });
    expect(report).toMatchObject({ valid: true, trust: 'unsigned' });
    expect(report.message).toContain('unsigned: integrity only');
  });

  it("a chain re-signed with an attacker's key says unknown key — until the user trusts that key", async () => {
    const forged = rehash(await exported(await completedRun()), () => undefined, attackerKeys);
    const unknown = await cliVerify(forged, '--require-trusted');
    expect(unknown.report).toMatchObject({ valid: true, trust: 'unknown_key' });
    expect(unknown.report.trustMessage).toMatch(new RegExp(`unknown key ${attackerKeys.keyId()}`));
    expect(unknown.code).toBe(1);

    const file = join(dir, 'attacker.bundle.json');
    writeFileSync(file, JSON.stringify(forged));
    expect((await runCli(['--db', db, 'keys', 'trust', file, '--label', 'a colleague'], { ABSTRACTRUNTIME_HOME: data })).code).toBe(0);
    const listed = await runCli(['--db', db, '--json', 'keys', 'list'], { ABSTRACTRUNTIME_HOME: data });
    expect(JSON.parse(listed.stdout).trusted).toEqual([expect.objectContaining({ key_id: attackerKeys.keyId(), label: 'a colleague' })]);
    const trusted = await cliVerify(forged, '--require-trusted');
    expect(trusted.report).toMatchObject({ valid: true, trust: 'trusted_key' });
    expect(trusted.code).toBe(0);

    expect((await runCli(['--db', db, 'keys', 'untrust', attackerKeys.keyId()], { ABSTRACTRUNTIME_HOME: data })).code).toBe(0);
    expect((await cliVerify(forged)).report.trust).toBe('unknown_key');
    expect(readFileSync(join(data, 'trusted-keys.json'), 'utf8')).not.toContain(attackerKeys.keyId());
  }, 60_000);
});

/** The CLI over runs the Python AbstractRuntime 0.4.28 wrote (tests/fixtures/abstractruntime-py-0.4.28). */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, jsonOf, runCli, spawnCli } from './cliRunner';
import { PY_FIXTURES, PY_STORE_FOLDERS } from '../support/pythonFixtures';

const STRESS = '84e1da88-9ea9-49fb-8e76-ec9b08e5cdcb';
const ASK = '2bcad403-90d3-4595-9195-317b483a94e7';
const EVENT = 'c77227d1-213e-4bb9-9742-b964592de72e';

let dir: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli(['--db', join(dir, 'runs.db'), ...args], env);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-cli-py-'));
  env = cliEnv(join(dir, 'home'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('abstractruntime over Python store folders', () => {
  it('verify exits 1 for an unchained ledger, saying there is no hash chain (not that it is broken)', async () => {
    const r = await cli('verify', join(PY_FIXTURES, 'unchained'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/UNCHECKED: .*no hash chain: integrity cannot be checked/);
    expect(r.stdout).not.toMatch(/INVALID|malformed/);
    const j = jsonOf(await cli('--json', 'verify', join(PY_FIXTURES, 'unchained', 'ledger_64478f0d-1ce0-4587-b801-a4f425f2167d.jsonl')));
    expect(j).toMatchObject({ valid: false, reason: 'unchained', firstBadSeq: null });
    expect((await cli('verify', join(PY_FIXTURES, 'stress'))).code).toBe(0);
    expect((await cli('verify', join(PY_FIXTURES, 'history', 'history_chained_61f70b07-3d99-4966-9feb-a7eaa172d48a.json'))).code).toBe(0);
    const h = await cli('--json', 'verify', join(PY_FIXTURES, 'history', 'history_unchained_d5c364b2-ecd2-4844-91bd-2ff6b6f1915f.json'));
    expect(h.code).toBe(1);
    expect(jsonOf(h)).toMatchObject({ reason: 'unchained' });
  });

  it('imports every folder; show and ledger show what Python wrote, session_id included', async () => {
    // One Python store holding every folder's runs (one CLI start, not twelve).
    const all = join(dir, 'all');
    for (const f of PY_STORE_FOLDERS) cpSync(join(PY_FIXTURES, f), all, { recursive: true });
    const r = await cli('--json', 'import', all);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOf(r).imported).toHaveLength(13);
    const shown = await cli('show', ASK);
    expect(shown.stdout).toMatch(/session\s+sess-1/);
    const view = jsonOf(await cli('--json', 'show', ASK));
    expect(view.state.session_id).toBe('sess-1');
    const unchained = await cli('show', '64478f0d-1ce0-4587-b801-a4f425f2167d');
    expect(unchained.stdout).toMatch(/imported \(abstractruntime-py, no hash chain\)/);
    expect(unchained.stdout).toMatch(/read-only .*no hash chain/);
    const exactShow = await cli('--json', 'show', STRESS);
    expect(exactShow.stdout).toContain('"int_2_53_plus1": 9007199254740993');
    expect(exactShow.stdout).toContain('"f_negzero": -0.0');
    expect(exactShow.stdout).toContain('"f_one": 1.0');
    expect(jsonOf(exactShow).state).toMatchObject({ run_id: STRESS, status: 'completed' });
    const raw = await cli('--json', 'ledger', STRESS);
    // The numbers as Python wrote (and hashed) them, not as doubles.
    expect(raw.stdout).toContain('"int_2_53_plus1":9007199254740993');
    expect(raw.stdout).toContain('"f_negzero":-0.0');
    expect(raw.stdout).toContain('"f_one":1.0');
    const ledger = jsonOf(raw);
    expect(ledger).toHaveLength(7);
    expect(ledger.map((r: { seq: number }) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('a folder with a bad run imports nothing and names it; --skip-invalid imports the rest and lists it', async () => {
    const folder = join(dir, 'mixed');
    cpSync(join(PY_FIXTURES, 'pure'), folder, { recursive: true });
    cpSync(join(PY_FIXTURES, 'until'), folder, { recursive: true });
    writeFileSync(join(folder, 'ledger_broken-run.jsonl'), '{"run_id": "broken-run", oops\n');
    const db = ['--db', join(dir, 'mixed.db')];
    const refused = await runCli([...db, 'import', folder], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/IMPORT_FAILED: nothing imported .*broken-run: LEDGER_INVALID/);
    expect(jsonOf(await runCli([...db, '--json', 'runs'], env)).total).toBe(0);
    const skipped = await runCli([...db, '--json', 'import', folder, '--skip-invalid'], env);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(jsonOf(skipped).imported).toHaveLength(2);
    expect(jsonOf(skipped).skipped).toMatchObject([{ runId: 'broken-run', code: 'LEDGER_INVALID' }]);
  });

  it('export --format python-store and python-history write files that import back with the same records', async () => {
    const store = join(dir, 'py-out');
    const r = await cli('--json', 'export', STRESS, '--format', 'python-store', '-o', store);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(store).sort()).toEqual([`ledger_${STRESS}.jsonl`, `run_${STRESS}.json`]);
    expect((await cli('verify', store)).code).toBe(0);
    const hist = join(dir, 'history.json');
    expect((await cli('export', STRESS, '--format', 'python-history', '-o', hist)).code).toBe(0);
    expect((await cli('verify', hist)).code).toBe(0);
    const other = ['--db', join(dir, 'other.db')];
    expect((await runCli([...other, 'import', hist], env)).code).toBe(0);
    const a = jsonOf(await cli('--json', 'ledger', STRESS));
    const b = jsonOf(await runCli([...other, '--json', 'ledger', STRESS], env));
    expect(b.map((x: { record_hash: string }) => x.record_hash)).toEqual(a.map((x: { record_hash: string }) => x.record_hash));
    expect((await cli('export', STRESS, '--format', 'zip', '-o', hist)).code).toBe(2);
  });

  it('open --watch lists the runs where they are and prints each record the Python runtime appends', async () => {
    const folder = join(dir, 'live');
    cpSync(join(PY_FIXTURES, 'event'), folder, { recursive: true });
    const child = spawnCli(['--db', join(dir, 'never.db'), 'open', folder, '--watch'], env);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 200 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(re);
    };
    try {
      await waitFor(new RegExp(`${EVENT}\\s+completed\\s+py.wait_event\\s+done\\s+5\\s+chain valid`));
      // Append a record the way HashChainedLedgerStore does: prev_hash = the last record_hash.
      const ledger = join(folder, `ledger_${EVENT}.jsonl`);
      const last = JSON.parse(readFileSync(ledger, 'utf8').trim().split('\n').pop()!);
      const rec: Record<string, unknown> = {
        run_id: EVENT,
        step_id: 'live-1',
        node_id: 'after',
        status: 'completed',
        effect: null,
        result: { n: 2 },
        error: null,
        started_at: '2026-12-01T21:00:00.000001+00:00',
        ended_at: '2026-12-01T21:00:00.000002+00:00',
        actor_id: null,
        session_id: null,
        attempt: 1,
        idempotency_key: null,
        prev_hash: last.record_hash,
      };
      const sorted = JSON.stringify(Object.fromEntries(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : 1))));
      appendFileSync(
        ledger,
        JSON.stringify({ ...rec, record_hash: createHash('sha256').update(sorted).digest('hex'), signature: null }) + '\n',
      );
      await waitFor(new RegExp(`run ${EVENT}\\s+seq 5\\s+completed\\s+completed\\s+node after`));
    } finally {
      child.kill('SIGTERM');
    }
    expect(readdirSync(dir)).not.toContain('never.db');
  });
});

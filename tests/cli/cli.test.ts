import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toPythonLedgerJsonl } from '../../src-main/ledger/index';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { cliEnv, jsonOf, runCli } from './cliRunner';

// Each CLI call is a fresh Node process compiling TypeScript: slow on a busy 2-core machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let dir: string;
let db: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli(['--db', db, ...args], env);
const cliJson = async (...args: string[]) => {
  const r = await cli('--json', ...args);
  expect(r.code, r.stderr).toBe(0);
  return jsonOf(r);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-cli-'));
  db = join(dir, 'runtime.db');
  env = cliEnv(join(dir, 'home'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('usage', () => {
  it('--help lists every command and exits 0; a command has its own --help', async () => {
    const main = await runCli(['--help'], env);
    expect(main.code).toBe(0);
    for (const c of [
      'workflows',
      'run',
      'runs',
      'show',
      'ledger',
      'answer',
      'resume',
      'emit',
      'cancel',
      'tick',
      'snapshot',
      'snapshots',
      'restore',
      'fork',
      'export',
      'import',
      'verify',
      'pause',
      'unpause',
      'serve',
    ]) {
      expect(main.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    }
    const run = await runCli(['run', '--help'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: abstractruntime run <workflowId> [--vars JSON]');
  });

  it('bad usage → exit 2 and one `error USAGE:` line on stderr', async () => {
    for (const args of [
      ['frobnicate'],
      ['run'],
      ['runs', '--bogus'],
      ['run', 'examples.counter', '--vars', '{nope'],
      ['runs', '--status', 'sleeping'],
      ['resume', 'r1', '--payload', '{}'],
      ['export', 'r1'],
    ]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^error USAGE: .+\n$/);
      expect(r.stdout).toBe('');
    }
  });

  it('a failure → exit 1 and `error CODE: message`', async () => {
    const r = await cli('show', 'no-such-run');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error RUN_NOT_FOUND: .*no-such-run.*\n$/);
    const wf = await cli('run', 'examples.nope');
    expect(wf.code).toBe(1);
    expect(wf.stderr).toMatch(/^error WORKFLOW_NOT_FOUND: /);
  });
});

describe('runs end to end on a temporary database', () => {
  let approvalId: string;
  let snapshotId: string;

  it('lists workflows and runs a counter to completion', async () => {
    const workflows = await cliJson('workflows');
    expect(workflows.map((w: { id: string }) => w.id)).toEqual(
      expect.arrayContaining(['examples.counter', 'examples.approval', 'examples.event', 'examples.timer']),
    );
    const run = await cliJson('run', 'examples.counter', '--vars', '{"n": 3}');
    expect(run).toMatchObject({ status: 'completed', vars: { n: 3, i: 3 } });
    expect(existsSync(db)).toBe(true);
  });

  it('runs until a person is needed, and says so in plain text', async () => {
    const r = await cli('run', 'examples.approval');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status\s+waiting/);
    expect(r.stdout).toContain('prompt    Run the tool now?');
    approvalId = /^run\s+(\S+)/m.exec(r.stdout)![1]!;
    const waiting = await cliJson('runs', '--status', 'waiting');
    expect(waiting.runs.map((x: { run_id: string }) => x.run_id)).toContain(approvalId);
    const view = await cliJson('show', approvalId);
    expect(view.state.waiting.reason).toBe('user');
  });

  it('bookmarks, answers, reads the ledger and verifies it', async () => {
    const snap = await cliJson('snapshot', approvalId, '--name', 'before the answer', '--tag', 'cli', '--tag', 'gate');
    expect(snap.tags).toEqual(['cli', 'gate']);
    snapshotId = snap.snapshot_id;
    const found = await cliJson('snapshots', '--search', 'before the answer');
    expect(found.map((s: { snapshot_id: string }) => s.snapshot_id)).toEqual([snapshotId]);

    const answered = await cliJson('answer', approvalId, 'approve');
    expect(answered.status).toBe('completed');
    expect(answered.output.approved).toBe(true);

    const records = await cliJson('ledger', approvalId);
    expect(records.map((x: { seq: number }) => x.seq)).toEqual(records.map((_: unknown, i: number) => i));
    const human = await cli('ledger', approvalId);
    expect(human.stdout.split('\n')[0]).toMatch(/^SEQ\s+KIND\s+STATUS\s+NODE/);

    const verified = await cli('--json', 'verify', approvalId);
    expect(verified.code).toBe(0);
    expect(jsonOf(verified)).toMatchObject({ valid: true, records: records.length, firstBadSeq: null, reason: null });
  });

  it('restores and forks a snapshot', async () => {
    const restored = await cliJson('restore', snapshotId);
    expect(restored).toMatchObject({ run_id: approvalId, status: 'waiting' });
    const forked = await cliJson('fork', snapshotId, '--vars', '{"question": "Forked?"}');
    expect(forked.run_id).not.toBe(approvalId);
    // The fork continues from the bookmarked wait, with the edited vars.
    expect(forked).toMatchObject({ status: 'waiting', vars: { question: 'Forked?' } });
    expect(forked.origin).toMatchObject({ kind: 'fork', run_id: approvalId, snapshot_id: snapshotId });
  });

  it('exports a bundle that verifies, detects tampering, and imports into another database', async () => {
    const file = join(dir, 'approval.bundle.json');
    const exported = await cliJson('export', approvalId, '-o', file);
    expect(exported.file).toBe(file);
    expect((await cli('verify', file)).code).toBe(0);

    const bundle = JSON.parse(readFileSync(file, 'utf8'));
    bundle.records[1].body = bundle.records[1].body.replace('"status":"', '"status":"x');
    const tampered = join(dir, 'tampered.bundle.json');
    writeFileSync(tampered, JSON.stringify(bundle));
    const bad = await cli('--json', 'verify', tampered);
    expect(bad.code).toBe(1);
    expect(jsonOf(bad)).toMatchObject({ valid: false, firstBadSeq: 1 });
    const badHuman = await cli('verify', tampered);
    expect(badHuman.stdout).toMatch(/^INVALID: .* at seq 1/);

    const other = join(dir, 'other.db');
    const imported = await runCli(['--db', other, '--json', 'import', file], env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(jsonOf(imported).imported).toEqual([{ runId: approvalId, imported: true }]);
    const refused = await runCli(['--db', other, 'import', tampered], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error LEDGER_INVALID: /);
    const shown = await runCli(['--db', other, '--json', 'show', approvalId], env);
    expect(jsonOf(shown).state.origin.kind).toBe('import');
  });

  it('emits events, resumes by wait key, pauses, unpauses and cancels', async () => {
    const ev = await cliJson('run', 'examples.event', '--vars', '{"eventName": "cli-go"}');
    expect(ev.status).toBe('waiting');
    const emitted = await cliJson('emit', 'cli-go', '--payload', '{"by": "cli"}');
    expect(emitted.delivered).toEqual([ev.run_id]);
    expect((await cliJson('show', ev.run_id)).state.output).toEqual({ event: { by: 'cli' } });

    const ev2 = await cliJson('run', 'examples.event', '--vars', '{"eventName": "never"}');
    const wrong = await cli('resume', ev2.run_id, '--wait-key', 'wrong', '--payload', '{}');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error WRONG_WAIT_KEY: /);
    const resumed = await cliJson('resume', ev2.run_id, '--wait-key', ev2.waiting.wait_key, '--payload', '{"ok": true}');
    expect(resumed.status).toBe('completed');

    const ev3 = await cliJson('run', 'examples.event', '--vars', '{"eventName": "never"}');
    expect((await cliJson('pause', ev3.run_id)).paused).toBe(true);
    expect((await cliJson('unpause', ev3.run_id)).paused).toBe(false);
    expect((await cliJson('cancel', ev3.run_id, '--reason', 'done testing')).status).toBe('cancelled');
  });

  it('tick fires a timer that fell due while nothing was running', async () => {
    const timer = await cliJson('run', 'examples.timer', '--vars', '{"delayMs": 1}');
    if (timer.status === 'waiting') {
      const report = await cliJson('tick');
      expect(report.timersFired).toContain(timer.run_id);
    }
    expect((await cliJson('show', timer.run_id)).state.status).toBe('completed');
  });

  it('takes the database from ABSTRACTRUNTIME_DB when --db is absent', async () => {
    const r = await runCli(['--json', 'runs', '--workflow', 'examples.counter'], { ...env, ABSTRACTRUNTIME_DB: db });
    expect(jsonOf(r).total).toBe(1);
  });
});

describe('Python runtime ledgers', () => {
  it('verifies and imports a ledger_<id>.jsonl and a run folder', async () => {
    const run = await cliJson('run', 'examples.counter', '--vars', '{"n": 2}');
    const store = SqliteStore.open(db, { readonly: true });
    const jsonl = toPythonLedgerJsonl(store, run.run_id);
    store.close();
    const folder = join(dir, 'py-run');
    mkdirSync(folder);
    const file = join(folder, `ledger_${run.run_id}.jsonl`);
    writeFileSync(file, jsonl);

    const ok = await cli('--json', 'verify', file);
    expect(ok.code).toBe(0);
    expect(jsonOf(ok)).toMatchObject({ valid: true, records: jsonl.trim().split('\n').length });
    expect((await cli('verify', folder)).code).toBe(0);

    const lines = jsonl.trim().split('\n');
    lines.splice(1, 1);
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, lines.join('\n') + '\n');
    const bad = await cli('--json', 'verify', cut);
    expect(bad.code).toBe(1);
    expect(jsonOf(bad).valid).toBe(false);

    const imported = await runCli(['--db', join(dir, 'py.db'), '--json', 'import', folder], env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(jsonOf(imported).imported[0].runId).toBe(run.run_id);
  });
});

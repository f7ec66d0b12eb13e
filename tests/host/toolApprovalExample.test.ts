import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { WrongWaitKeyError } from '../../src-shared/errors';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { FakeClock } from '../../src-main/runtime/index';
import { START, ledgerOf, memoryHost, tempDir } from './hostFixture';

interface NoteResult {
  call_id: string;
  name: string;
  success: boolean;
  output: unknown;
  error: string | null;
  approval?: { approved: boolean; reason?: string; edited_arguments?: unknown };
}

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function notesFile(): string {
  const { dir, cleanup } = tempDir('ar-notes-');
  cleanups.push(cleanup);
  return join(dir, 'notes.txt');
}

describe('examples.toolapproval through the host', () => {
  it('waits with both write_note calls, runs the approved call with its edited arguments, records the denial', async () => {
    const { host } = await memoryHost();
    const path = notesFile();
    const run = await host.startRun('examples.toolapproval', { path });
    expect(run.status).toBe('waiting');
    expect(run.waiting).toMatchObject({
      reason: 'tool_calls',
      prompt: 'Approve, edit or deny: write_note, write_note',
      tool_calls: [
        { name: 'write_note', call_id: 'note-1', arguments: { path, text: 'first' } },
        { name: 'write_note', call_id: 'note-2', arguments: { path, text: 'second' } },
      ],
    });
    expect(existsSync(path)).toBe(false); // nothing runs before a person decides

    const done = await host.decideToolCalls(run.run_id, run.waiting!.wait_key, [
      { call_id: 'note-1', approved: true, arguments: { path, text: 'first, edited' } },
      { call_id: 'note-2', approved: false, reason: 'not this one' },
    ]);

    expect(done.status).toBe('completed');
    expect(readFileSync(path, 'utf8')).toBe('first, edited\n');
    const output = done.output as unknown as { path: string; results: NoteResult[] };
    expect(output.path).toBe(path);
    expect(output.results).toEqual([
      {
        call_id: 'note-1',
        name: 'write_note',
        // What ran: the edited arguments; the original and the person's decision beside them.
        arguments: { path, text: 'first, edited' },
        success: true,
        output: { path, written: 'first, edited' },
        error: null,
        approval: {
          approved: true,
          decided_by: { kind: 'user', id: expect.any(String) },
          edited_arguments: { path, text: 'first, edited' },
          original_arguments: { path, text: 'first' },
        },
      },
      {
        call_id: 'note-2',
        name: 'write_note',
        arguments: { path, text: 'second' },
        success: false,
        output: null,
        error: 'denied by user: not this one',
        // Who denied it and why.
        approval: { approved: false, decided_by: { kind: 'user', id: expect.any(String) }, reason: 'not this one' },
      },
    ]);

    // The ledger keeps the wait, the person's decisions as sent, and the results.
    const ledger = ledgerOf(host, run.run_id);
    const toolRecords = ledger.filter((r) => r.kind === 'effect' && r.effect?.type === 'tool_calls');
    expect(toolRecords.map((r) => r.status)).toEqual(['started', 'waiting', 'started', 'completed']);
    expect(toolRecords.at(-1)!.result).toEqual({ mode: 'executed', results: output.results });
    const resumed = ledger.find((r) => r.kind === 'resumed');
    expect(resumed?.result).toEqual({
      decisions: [
        { call_id: 'note-1', approved: true, arguments: { path, text: 'first, edited' } },
        { call_id: 'note-2', approved: false, reason: 'not this one' },
      ],
    });
  });

  it('a 500 KB denial reason reaches the output whole (the large tool result is stored, not lost)', async () => {
    const { host } = await memoryHost();
    const path = notesFile();
    const reason = 'no: ' + 'r'.repeat(500 * 1024);
    const run = await host.startRun('examples.toolapproval', { path });
    const done = await host.decideToolCalls(run.run_id, run.waiting!.wait_key, [
      { call_id: 'note-1', approved: true },
      { call_id: 'note-2', approved: false, reason },
    ]);
    expect(done.status).toBe('completed');
    // The long texts went to the artifact store: vars hold references...
    const stored = done.vars.tool as unknown as { results: { error: unknown; approval: { reason: unknown } }[] };
    expect(stored.results[1]!.error).toHaveProperty('$artifact');
    expect(stored.results[1]!.approval.reason).toHaveProperty('$artifact');
    // ...the resume record shows the decisions themselves (only the long reason is a reference)...
    const resumed = ledgerOf(host, run.run_id).find((r) => r.kind === 'resumed')!;
    expect(resumed.result).toMatchObject({
      decisions: [
        { call_id: 'note-1', approved: true },
        { call_id: 'note-2', approved: false, reason: { $artifact: expect.stringMatching(/^sha256:/), mime: 'application/json' } },
      ],
    });
    // ...and the node after it still saw both results.
    const results = (done.output as unknown as { results: NoteResult[] }).results;
    expect(results.map((r) => [r.call_id, r.success])).toEqual([
      ['note-1', true],
      ['note-2', false],
    ]);
    expect(results[1]!.error).toBe(`denied by user: ${reason}`);
    expect(results[1]!.approval?.reason).toBe(reason);
    expect(readFileSync(path, 'utf8')).toBe('first\n');
  });

  it('a 100 KB note is stored by hash in the tool_calls records, and the approved call writes it whole', async () => {
    const { host } = await memoryHost();
    const path = notesFile();
    const note = 'long '.repeat(20_000);
    const run = await host.startRun('examples.toolapproval', { path, notes: [note] });
    const started = ledgerOf(host, run.run_id).find((r) => r.effect?.type === 'tool_calls' && r.status === 'started')!;
    const args = (started.effect!.payload as unknown as { tool_calls: { arguments: { path: string; text: unknown } }[] }).tool_calls[0]!
      .arguments;
    expect(args.path).toBe(path); // the small part stays readable
    expect(args.text).toMatchObject({ $artifact: expect.stringMatching(/^sha256:/) });
    const done = await host.decideToolCalls(run.run_id, run.waiting!.wait_key, [{ call_id: 'note-1', approved: true }]);
    expect(done.status).toBe('completed');
    expect(readFileSync(path, 'utf8')).toBe(`${note}\n`);
  });

  it('a call with 1 MB arguments awaiting approval is stored by hash, shown whole, and runs with the edited arguments after a restart (SQLite)', async () => {
    const t = tempDir('ar-pending-');
    cleanups.push(t.cleanup);
    const path = notesFile();
    const dbPath = join(t.dir, 'runtime.db');
    const clock = new FakeClock(START);
    const open = (owner: string) =>
      RuntimeHost.open({ dataDir: t.dir, dbPath, clock, leaseOwner: owner, env: {}, projectFile: null, toolFolders: [join(path, '..')] });
    const note = `${'0123456789abcdef'.repeat(64 * 1024)}\u00e9`; // ~1 MB, one non-ASCII char at the end

    const first = await open('host-1');
    const run = await first.startRun('examples.toolapproval', { path, notes: [note] });
    expect(run.status).toBe('waiting');
    const waitKey = run.waiting!.wait_key;
    // The run state and the `waiting` record hold a reference (whose hash the chain covers), not the megabyte.
    const pendingText = (run.waiting!.tool_calls![0]!.arguments as { text: unknown }).text;
    expect(pendingText).toMatchObject({ $artifact: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), mime: 'application/json' });
    const waitingRecord = ledgerOf(first, run.run_id).find((r) => r.kind === 'effect' && r.status === 'waiting')!;
    expect((waitingRecord.result as { tool_calls: { arguments: { text: unknown } }[] }).tool_calls[0]!.arguments.text).toEqual(pendingText);
    await first.close();

    const raw = new Database(dbPath, { readonly: true });
    const stateBytes = (raw.prepare('SELECT length(CAST(state AS BLOB)) AS n FROM runs WHERE run_id = ?').get(run.run_id) as { n: number })
      .n;
    const bodyBytes = raw.prepare('SELECT max(length(CAST(body AS BLOB))) AS n FROM ledger WHERE run_id = ?').get(run.run_id) as {
      n: number;
    };
    raw.close();
    expect(stateBytes).toBeLessThan(16 * 1024);
    expect(bodyBytes.n).toBeLessThan(16 * 1024);

    const second = await open('host-2');
    try {
      // What the approval panel and `show` read: the arguments whole.
      const view = await createApiHandlers(second).getRun({ runId: run.run_id });
      expect(view.state.waiting!.tool_calls).toEqual([{ name: 'write_note', call_id: 'note-1', arguments: { path, text: note } }]);

      const edited = `${note} (edited)`;
      const done = await second.decideToolCalls(run.run_id, waitKey, [
        { call_id: 'note-1', approved: true, arguments: { path, text: edited } },
      ]);
      expect(done.status).toBe('completed');
      expect(readFileSync(path, 'utf8')).toBe(`${edited}\n`);
      const [result] = (done.output as unknown as { results: (NoteResult & { arguments: unknown })[] }).results;
      expect(result!.success).toBe(true);
      expect(result!.arguments).toEqual({ path, text: edited });
      expect(result!.approval?.edited_arguments).toEqual({ path, text: edited });
    } finally {
      await second.close();
    }
  });

  it('refuses a decision sent with a wrong wait key (WRONG_WAIT_KEY) and writes nothing', async () => {
    const { host } = await memoryHost();
    const path = notesFile();
    const run = await host.startRun('examples.toolapproval', { path });
    const before = ledgerOf(host, run.run_id).length;

    const wrong = host.decideToolCalls(run.run_id, `${run.waiting!.wait_key}-stale`, [
      { call_id: 'note-1', approved: true },
      { call_id: 'note-2', approved: true },
    ]);
    await expect(wrong).rejects.toBeInstanceOf(WrongWaitKeyError);
    await expect(wrong).rejects.toMatchObject({ code: 'WRONG_WAIT_KEY' });

    expect(existsSync(path)).toBe(false);
    expect(ledgerOf(host, run.run_id)).toHaveLength(before);
    const after = host.getRun(run.run_id);
    expect(after.status).toBe('waiting');
    expect(after.waiting?.wait_key).toBe(run.waiting!.wait_key);
  });

  it('refuses a path outside the allowed folders as an error result, not a crash', async () => {
    const { host } = await memoryHost({ toolFolders: [tmpdir()] });
    const run = await host.startRun('examples.toolapproval', { path: '/etc/abstractruntime-notes.txt', notes: ['x'] });
    const done = await host.decideToolCalls(run.run_id, run.waiting!.wait_key, [{ call_id: 'note-1', approved: true }]);
    expect(done.status).toBe('completed');
    const [result] = (done.output as unknown as { results: NoteResult[] }).results;
    expect(result).toMatchObject({ success: false, output: null });
    expect(result!.error).toMatch(/write_note may only write inside .*\/etc\/abstractruntime-notes.txt is outside/);
    expect(existsSync('/etc/abstractruntime-notes.txt')).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommitBatch } from '../../src-main/runtime/contracts';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { ledgerOf, memoryHost, recordEvents, tempDir } from './hostFixture';

/** Dies (throws) on the commit that would record a completed append: the tool ran, its outcome is lost. */
class CrashOnOutcomeStore extends MemoryStore {
  armed = true;
  override commit(batch: CommitBatch): void {
    if (this.armed && batch.records.some((r) => r.effect?.type === 'tool_calls' && r.status === 'completed')) {
      this.armed = false;
      throw new Error('simulated crash before the outcome commit');
    }
    super.commit(batch);
  }
}

describe('examples.sideeffect (non-idempotent trusted tool)', () => {
  const dirs: (() => void)[] = [];
  afterEach(() => dirs.splice(0).forEach((c) => c()));

  it('appends "step <i>" n times', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const path = join(t.dir, 'out.txt');
    const { host } = await memoryHost({ toolFolders: [t.dir] });
    const run = await host.startRun('examples.sideeffect', { n: 3, path });
    expect(run.status).toBe('completed');
    expect(readFileSync(path, 'utf8')).toBe('step 1\nstep 2\nstep 3\n');
  });

  it('appends that fail (a path the tool may not write) fail the run, visibly, instead of reporting them appended', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const { host } = await memoryHost({ toolFolders: [t.dir] });
    const run = await host.startRun('examples.sideeffect', { n: 3, path: '/etc/abstractruntime-forbidden.txt' });
    expect(run.status).toBe('failed');
    expect(run.output).toBeNull();
    expect(run.error).toMatchObject({ code: 'EFFECT_FAILED', node_id: 'append' });
    expect(run.error!.message).toMatch(
      /^tool_calls failed: TOOL_CALLS_FAILED: 1 of 1 tool calls failed: append-1 \(append_line\): .*may only write inside/,
    );
    const ledger = ledgerOf(host, run.run_id);
    const toolRecord = ledger.find((r) => r.effect?.type === 'tool_calls' && r.status === 'completed')!;
    // The ledger row carries the error beside the result (what the inspector shows as failed).
    expect(toolRecord.error).toMatchObject({ code: 'TOOL_CALLS_FAILED' });
    expect(toolRecord.result).toMatchObject({
      results: [{ call_id: 'append-1', success: false, arguments: { path: '/etc/abstractruntime-forbidden.txt', line: 'step 1' } }],
    });
    expect(ledger.at(-1)).toMatchObject({ kind: 'failed', node_id: 'append' });
    expect(run.vars.last).toMatchObject({ results: [{ success: false }] });
  });

  it('a crash after the append but before its outcome is recorded asks a person instead of appending twice', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const path = join(t.dir, 'out.txt');
    const store = new CrashOnOutcomeStore();
    const first = await memoryHost({ store, toolFolders: [t.dir] });
    await expect(first.host.startRun('examples.sideeffect', { n: 2, path })).rejects.toThrow(/simulated crash/);
    expect(readFileSync(path, 'utf8')).toBe('step 1\n');
    const [run] = store.listRunnable();
    expect(run!.pending_effect).not.toBeNull();

    const second = await memoryHost({ store, clock: first.clock, leaseOwner: 'host-after-crash', toolFolders: [t.dir] });
    const ev = recordEvents(second.host);
    await second.host.recoverOnStart();
    const parked = second.host.getRun(run!.run_id);
    expect(parked.status).toBe('waiting');
    expect(parked.waiting?.reason).toBe('recovery');
    expect(ev.seen.attentionNeeded.map((e) => e.reason)).toEqual(['recovery']);
    expect(readFileSync(path, 'utf8')).toBe('step 1\n');

    const skipped = {
      mode: 'executed',
      results: [{ call_id: 'append-1', name: 'append_line', success: true, output: 'done before the crash', error: null }],
    };
    const done = await second.host.resume(run!.run_id, parked.waiting!.wait_key, { action: 'skip', result: skipped });
    expect(done.status).toBe('completed');
    expect(readFileSync(path, 'utf8')).toBe('step 1\nstep 2\n');
  });

  it('append_line refuses paths outside its allowed folders (error result, not a crash)', async () => {
    const t = tempDir();
    dirs.push(t.cleanup);
    const { host } = await memoryHost({ toolFolders: [t.dir] });
    const run = await host.startRun('examples.sideeffect', { n: 1, path: '/etc/abstractruntime-should-not-exist' });
    const last = run.vars.last as { results: { success: boolean; error: string }[] };
    expect(last.results[0]!.success).toBe(false);
    expect(last.results[0]!.error).toMatch(/may only write inside/);
  });
});

import { describe, expect, it } from 'vitest';
import type { EffectOutcome, WorkflowInput } from '../../src-main/runtime';
import { FakeClock, hashRecord } from '../../src-main/runtime';
import { completed, effectWorkflow, kinds, ledger, scriptedHandler, setup } from './support';

describe('signing, parents, pausing mid-tick, cancelling during backoff', () => {
  it('an injected signer fills every record signature (outside the hash)', async () => {
    const { runtime, store } = setup([effectWorkflow('ask_user', { prompt: '?' })], { signer: (h) => `sig:${h.slice(0, 8)}` });
    const run = await runtime.start('fx');
    await runtime.tick(run.run_id);
    for (const r of ledger(store, run.run_id)) {
      expect(r.signature).toBe(`sig:${r.record_hash.slice(0, 8)}`);
      expect(hashRecord(r)).toBe(r.record_hash);
    }
  });

  it('start records the parent run id; ending a child does nothing to the parent in the kernel', async () => {
    const { runtime, store } = setup([
      { id: 'c', version: '1', entry: 'a', nodes: { a: { handler: () => ({ complete: 'child done' }) } } },
    ]);
    const child = await runtime.start('c', {}, { parentRunId: 'parent-1' });
    expect(child.parent_run_id).toBe('parent-1');
    expect((await runtime.tick(child.run_id)).status).toBe('completed');
    expect(store.getRun('parent-1')).toBeNull();
  });

  it('pause requested during a tick stops it at the next step boundary, then pauses', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const wf: WorkflowInput = {
      id: 'p',
      version: '1',
      entry: 'a',
      nodes: {
        a: {
          next: ['b'],
          handler: async () => {
            await gate;
            return { next: 'b' };
          },
        },
        b: { handler: () => ({ complete: 'should not run yet' }) },
      },
    };
    const { runtime, store } = setup([wf]);
    const run = await runtime.start('p');
    const ticking = runtime.tick(run.run_id);
    await new Promise((r) => setImmediate(r));
    const pausing = runtime.pause(run.run_id);
    release();
    const ticked = await ticking;
    const paused = await pausing;
    expect(ticked).toMatchObject({ status: 'running', current_node: 'b' });
    expect(paused).toMatchObject({ paused: true, current_node: 'b', status: 'running' });
    expect(kinds(ledger(store, run.run_id))).toEqual(['run_started', 'transition', 'paused']);
  });

  it('cancel during a retry backoff wakes the sleep and the run stays cancelled', async () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z', false);
    const wf = effectWorkflow('t');
    (wf.nodes as Record<string, { retry?: unknown }>).call!.retry = { maxAttempts: 3, backoffMs: 60_000 };
    const fail: EffectOutcome = { kind: 'failed', error: { code: 'DOWN', message: 'x' } };
    const t = scriptedHandler([fail, completed('never')]);
    const { runtime, store } = setup([wf], { clock, effects: { t } });
    const run = await runtime.start('fx');
    const ticking = runtime.tick(run.run_id);
    while (clock.sleeps.length === 0) await new Promise((r) => setImmediate(r));
    await runtime.cancel(run.run_id, 'give up');
    const after = await ticking;
    expect(after.status).toBe('cancelled');
    expect(t.calls).toHaveLength(1);
    expect(kinds(ledger(store, run.run_id))).toEqual(['run_started', 'effect/started', 'effect/failed', 'cancelled']);
  });
});

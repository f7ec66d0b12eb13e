import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src-shared/errors';
import type { CommitBatch, EffectHandler } from '../../src-main/runtime';
import { FakeClock, makeActor } from '../../src-main/runtime';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { completed, effectWorkflow, kinds, ledger, scriptedHandler, setup } from './support';

/** A store whose process "dies" right after the intent commit: the outcome is never written. */
class CrashAfterIntentStore extends MemoryStore {
  crashed = false;
  override commit(batch: CommitBatch): void {
    if (!this.crashed && batch.state.pending_effect === null && batch.records.some((r) => r.kind === 'effect' && r.status !== 'started')) {
      this.crashed = true;
      throw new Error('process killed');
    }
    super.commit(batch);
  }
}

async function crashMidEffect(handler: EffectHandler) {
  const store = new CrashAfterIntentStore();
  const clock = new FakeClock();
  const first = setup([effectWorkflow('t', { n: 1 })], { store, clock, effects: { t: handler }, leaseOwner: 'host-a' });
  const run = await first.runtime.start('fx');
  await expect(first.runtime.tick(run.run_id)).rejects.toThrow('process killed');
  // The dead host's lease is still there until it expires.
  store.acquireLease(run.run_id, 'host-a', 30_000, clock.now());
  clock.advance(30_001);
  const second = setup([effectWorkflow('t', { n: 1 })], { store, clock, effects: { t: handler }, leaseOwner: 'host-b' });
  return { store, runtime: second.runtime, runId: run.run_id };
}

describe('crash recovery (intent committed, outcome missing)', () => {
  it('leaves the intent in the store: pending_effect set, last record started', async () => {
    const { store, runId } = await crashMidEffect(scriptedHandler([completed('x')]));
    expect(store.getRun(runId)!.pending_effect).toMatchObject({ attempt: 1, effect: { type: 't' }, resume_to_node: 'done' });
    expect(ledger(store, runId).at(-1)!.status).toBe('started');
    expect(store.listRunnable().map((s) => s.run_id)).toEqual([runId]);
  });

  it('re-executes an idempotent effect with the same idempotency key (attempt + 1)', async () => {
    const t = scriptedHandler([completed('v1')], { idempotent: true });
    const { store, runtime, runId } = await crashMidEffect(t);
    const done = await runtime.tick(runId);
    expect(done).toMatchObject({ status: 'completed', output: 'v1', pending_effect: null });
    expect(t.calls).toHaveLength(2);
    expect(t.calls[1]!.ctx.idempotencyKey).toBe(t.calls[0]!.ctx.idempotencyKey);
    expect(t.calls[1]!.ctx.attempt).toBe(2);
    expect(kinds(ledger(store, runId))).toEqual([
      'run_started',
      'effect/started',
      'recovery',
      'effect/started',
      'effect/completed',
      'completed',
    ]);
  });

  it('puts a non-idempotent effect in a recovery wait instead of repeating it', async () => {
    const t = scriptedHandler([completed('x')], { idempotent: false });
    const { store, runtime, runId } = await crashMidEffect(t);
    const w = await runtime.tick(runId);
    expect(t.calls).toHaveLength(1);
    expect(w.status).toBe('waiting');
    expect(w.waiting).toMatchObject({ reason: 'recovery', result_key: 'out', resume_to_node: 'done', choices: ['retry', 'skip', 'fail'] });
    expect(w.waiting!.details).toMatchObject({ effect: { type: 't', payload: { n: 1 } }, node_id: 'call', attempt: 1 });
    expect(ledger(store, runId).at(-1)).toMatchObject({ kind: 'recovery', status: 'waiting' });
  });

  it('recovery answer "retry" runs the effect again under the same key', async () => {
    const t = scriptedHandler([completed('x'), completed('again')]);
    const { runtime, runId } = await crashMidEffect(t);
    const w = await runtime.tick(runId);
    const after = await runtime.resume(runId, { waitKey: w.waiting!.wait_key, payload: { action: 'retry' } });
    expect(after).toMatchObject({ status: 'running', current_node: 'done', vars: { out: 'again' } });
    expect(t.calls[1]!.ctx.idempotencyKey).toBe(t.calls[0]!.ctx.idempotencyKey);
  });

  it('recovery answer "skip" records the given result (by the person) without running the effect', async () => {
    const t = scriptedHandler([completed('x')]);
    const { store, runtime, runId } = await crashMidEffect(t);
    const w = await runtime.tick(runId);
    const ada = makeActor('user', 'ada');
    const after = await runtime.resume(runId, { waitKey: w.waiting!.wait_key, payload: { action: 'skip', result: 'manual' }, actor: ada });
    expect(t.calls).toHaveLength(1);
    expect(after).toMatchObject({ status: 'running', current_node: 'done', vars: { out: 'manual' } });
    expect(ledger(store, runId).at(-1)).toMatchObject({ kind: 'effect', status: 'completed', result: 'manual', actor_id: 'ada' });
    expect((await runtime.tick(runId)).output).toBe('manual');
  });

  it('recovery answer "fail" fails the run with the message', async () => {
    const { runtime, runId } = await crashMidEffect(scriptedHandler([completed('x')]));
    const w = await runtime.tick(runId);
    const after = await runtime.resume(runId, { waitKey: w.waiting!.wait_key, payload: { action: 'fail', message: 'charged twice?' } });
    expect(after).toMatchObject({ status: 'failed', error: { code: 'EFFECT_FAILED', message: 'charged twice?', node_id: 'call' } });
  });

  it('refuses a malformed recovery answer and writes nothing', async () => {
    const { store, runtime, runId } = await crashMidEffect(scriptedHandler([completed('x')]));
    const w = await runtime.tick(runId);
    const n = ledger(store, runId).length;
    await expect(runtime.resume(runId, { waitKey: w.waiting!.wait_key, payload: { action: 'maybe' } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(runtime.resume(runId, { waitKey: w.waiting!.wait_key, payload: { action: 'skip' } })).rejects.toThrow(
      /needs the effect's result/,
    );
    expect(ledger(store, runId)).toHaveLength(n);
  });
});

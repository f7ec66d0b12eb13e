import { describe, expect, it } from 'vitest';
import { NonJsonValueError, RunNotWaitingError, WrongWaitKeyError } from '../../src-shared/errors';
import type { WorkflowInput } from '../../src-main/runtime';
import { makeActor } from '../../src-main/runtime';
import { effectWorkflow, kinds, ledger, setup } from './support';

describe('built-in waits', () => {
  it('ask_user puts the run in waiting with a full WaitState; started + waiting share one commit', async () => {
    const { runtime, store } = setup([effectWorkflow('ask_user', { prompt: 'Go?', choices: ['yes', 'no'], allow_free_text: false })]);
    const run = await runtime.start('fx');
    const w = await runtime.tick(run.run_id);
    expect(w.status).toBe('waiting');
    expect(w.waiting).toEqual({
      reason: 'user',
      wait_key: `user:${run.run_id}:call:1`,
      result_key: 'out',
      resume_to_node: 'done',
      until: null,
      prompt: 'Go?',
      choices: ['yes', 'no'],
      allow_free_text: false,
      event_name: null,
      tool_calls: null,
      child_run_id: null,
      details: null,
    });
    expect(w.pending_effect).toBeNull();
    expect(kinds(ledger(store, run.run_id))).toEqual(['run_started', 'effect/started', 'effect/waiting']);
  });

  it('an answer must go to a question and be one of its choices; tool decisions must go to a tool_calls wait (decided by the kernel)', async () => {
    const { runtime, store } = setup([effectWorkflow('ask_user', { prompt: 'Go?', choices: ['yes', 'no'], allow_free_text: false })]);
    const run = await runtime.start('fx');
    const waitKey = (await runtime.tick(run.run_id)).waiting!.wait_key;
    const before = ledger(store, run.run_id).length;
    await expect(runtime.resume(run.run_id, { waitKey, payload: { text: 'maybe' }, answers: 'user' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'answer must be one of: yes, no',
    });
    await expect(
      runtime.resume(run.run_id, { waitKey, payload: { decisions: [{ call_id: 'c1', approved: true }] }, answers: 'tool_calls' }),
    ).rejects.toMatchObject({ code: 'RUN_NOT_WAITING', message: `run ${run.run_id} waits for user, not tool decisions` });
    expect(ledger(store, run.run_id)).toHaveLength(before);
    expect((await runtime.resume(run.run_id, { waitKey, payload: { text: 'yes' }, answers: 'user' })).status).toBe('running');
  });

  it('ask_user without a prompt fails the run (INVALID_PLAN from the effect)', async () => {
    const { runtime } = setup([effectWorkflow('ask_user', {})]);
    const run = await runtime.start('fx');
    expect((await runtime.tick(run.run_id)).error?.message).toMatch(/INVALID_PLAN: ask_user needs a string "prompt"/);
  });

  it.each(['eventName', 'name', 'wait_key'])('wait_event waits for the named event (payload key %s)', async (key) => {
    const { runtime, store } = setup([effectWorkflow('wait_event', { [key]: 'deploy' })]);
    const run = await runtime.start('fx');
    const w = await runtime.tick(run.run_id);
    expect(w.waiting).toMatchObject({ reason: 'event', event_name: 'deploy' });
    expect(store.listWaitingForEvent('deploy').map((s) => s.run_id)).toEqual([run.run_id]);
  });

  it('wait_until in the future waits (reason until); once due it is listed and resumes with {firedAt}', async () => {
    const { runtime, store, clock } = setup([effectWorkflow('wait_until', { until: '2026-01-02T00:00:00Z' })]);
    const run = await runtime.start('fx');
    const w = await runtime.tick(run.run_id);
    expect(w.waiting).toMatchObject({ reason: 'until', until: '2026-01-02T00:00:00.000Z' });
    expect(store.listDueTimers(clock.now())).toEqual([]);
    clock.set('2026-01-02T00:00:01Z');
    expect(store.listDueTimers(clock.now()).map((s) => s.run_id)).toEqual([run.run_id]);
    await runtime.resume(run.run_id, { waitKey: w.waiting!.wait_key, payload: { firedAt: clock.now().toISOString() } });
    expect((await runtime.tick(run.run_id)).output).toEqual({ firedAt: '2026-01-02T00:00:01.000Z' });
  });

  it('wait_until already due completes at once with {firedAt}', async () => {
    const { runtime } = setup([effectWorkflow('wait_until', { until: '2025-12-31T00:00:00Z' })]);
    const run = await runtime.start('fx');
    expect((await runtime.tick(run.run_id)).output).toEqual({ firedAt: '2026-01-01T00:00:00.000Z' });
  });
});

describe('resume', () => {
  async function waitingRun() {
    const ctx = setup([effectWorkflow('ask_user', { prompt: 'Name?' })]);
    const run = await ctx.runtime.start('fx');
    const w = await ctx.runtime.tick(run.run_id);
    return { ...ctx, runId: run.run_id, waitKey: w.waiting!.wait_key };
  }

  it('writes the payload whole at result_key, continues at resume_to_node, records the resumer; does not tick', async () => {
    const { runtime, store, runId, waitKey } = await waitingRun();
    const ada = makeActor('user', 'ada');
    const after = await runtime.resume(runId, { waitKey, payload: { text: 'Ada', extra: [1, 2] }, actor: ada });
    expect(after).toMatchObject({ status: 'running', current_node: 'done', waiting: null, vars: { out: { text: 'Ada', extra: [1, 2] } } });
    const rec = ledger(store, runId).at(-1)!;
    expect(rec).toMatchObject({
      kind: 'resumed',
      status: 'completed',
      result: { text: 'Ada', extra: [1, 2] },
      idempotency_key: waitKey,
      actor: ada,
      actor_id: 'ada',
    });
    expect((await runtime.tick(runId)).output).toEqual({ text: 'Ada', extra: [1, 2] });
  });

  it('refuses a wrong wait key (WrongWaitKeyError) and writes nothing', async () => {
    const { runtime, store, runId } = await waitingRun();
    const before = ledger(store, runId).length;
    await expect(runtime.resume(runId, { waitKey: 'nope', payload: {} })).rejects.toBeInstanceOf(WrongWaitKeyError);
    expect(ledger(store, runId)).toHaveLength(before);
    expect(store.getRun(runId)!.status).toBe('waiting');
  });

  it('is idempotent: resuming again with the same key and payload returns the state and writes nothing; another payload is refused', async () => {
    const { runtime, store, runId, waitKey } = await waitingRun();
    const first = await runtime.resume(runId, { waitKey, payload: { text: 'a' } });
    const n = ledger(store, runId).length;
    const second = await runtime.resume(runId, { waitKey, payload: { text: 'a' } });
    expect(second).toEqual(first);
    expect(ledger(store, runId)).toHaveLength(n);
    // Someone else's answer to a wait already answered: told it was not applied, nothing written.
    await expect(runtime.resume(runId, { waitKey, payload: { text: 'b' } })).rejects.toMatchObject({
      code: 'RUN_NOT_WAITING',
      message: expect.stringMatching(/with a different answer; yours was not applied/),
    });
    expect(ledger(store, runId)).toHaveLength(n);
    await runtime.tick(runId);
    expect((await runtime.resume(runId, { waitKey, payload: { text: 'a' } })).status).toBe('completed');
  });

  it('refuses a run that is not waiting (RunNotWaitingError)', async () => {
    const { runtime } = setup([effectWorkflow('wait_until', { until: '2020-01-01T00:00:00Z' })]);
    const run = await runtime.start('fx');
    await expect(runtime.resume(run.run_id, { waitKey: 'k', payload: {} })).rejects.toBeInstanceOf(RunNotWaitingError);
  });

  it('refuses a payload that is not plain JSON, naming the path', async () => {
    const { runtime, store, runId, waitKey } = await waitingRun();
    await expect(runtime.resume(runId, { waitKey, payload: { a: [undefined] } as never })).rejects.toBeInstanceOf(NonJsonValueError);
    await expect(runtime.resume(runId, { waitKey, payload: { n: Infinity } })).rejects.toThrow(/payload.n is not plain JSON/);
    expect(store.getRun(runId)!.status).toBe('waiting');
  });

  it('a wait without resume_to_node completes the run with {success: true, result: payload}', async () => {
    const wf: WorkflowInput = {
      id: 'q',
      version: '1',
      entry: 'a',
      nodes: { a: { handler: () => ({ effect: { type: 'ask_user', payload: { prompt: '?' } } }) } },
    };
    const { runtime, store } = setup([wf]);
    const run = await runtime.start('q');
    const w = await runtime.tick(run.run_id);
    expect(w.waiting).toMatchObject({ result_key: null, resume_to_node: null });
    const done = await runtime.resume(run.run_id, { waitKey: w.waiting!.wait_key, payload: { text: 'ok' } });
    expect(done).toMatchObject({ status: 'completed', output: { success: true, result: { text: 'ok' } }, vars: {} });
    expect(kinds(ledger(store, run.run_id)).slice(-2)).toEqual(['resumed', 'completed']);
  });

  it('a loop asking twice gets a new wait key each visit; the old key cannot answer the new question', async () => {
    const wf: WorkflowInput = {
      id: 'ask2',
      version: '1',
      entry: 'ask',
      nodes: {
        ask: {
          next: ['check'],
          handler: () => ({ effect: { type: 'ask_user', payload: { prompt: 'again?' } }, resultKey: 'a', next: 'check' }),
        },
        check: { next: ['ask', 'end'], handler: (run) => ({ next: (run.vars.a as { text: string }).text === 'yes' ? 'ask' : 'end' }) },
        end: { handler: () => ({ complete: 'bye' }) },
      },
    };
    const { runtime } = setup([wf]);
    const run = await runtime.start('ask2');
    const w1 = await runtime.tick(run.run_id);
    await runtime.resume(run.run_id, { waitKey: w1.waiting!.wait_key, payload: { text: 'yes' } });
    const w2 = await runtime.tick(run.run_id);
    expect(w2.waiting!.wait_key).not.toBe(w1.waiting!.wait_key);
    // A repeated delivery of the first answer is a no-op, not an answer to the second question;
    // another answer under the old key is refused, and does not answer it either.
    expect((await runtime.resume(run.run_id, { waitKey: w1.waiting!.wait_key, payload: { text: 'yes' } })).waiting!.wait_key).toBe(
      w2.waiting!.wait_key,
    );
    await expect(runtime.resume(run.run_id, { waitKey: w1.waiting!.wait_key, payload: { text: 'no' } })).rejects.toMatchObject({
      code: 'RUN_NOT_WAITING',
    });
    expect(runtime.getState(run.run_id).waiting!.wait_key).toBe(w2.waiting!.wait_key);
    await runtime.resume(run.run_id, { waitKey: w2.waiting!.wait_key, payload: { text: 'no' } });
    expect((await runtime.tick(run.run_id)).output).toBe('bye');
  });
});

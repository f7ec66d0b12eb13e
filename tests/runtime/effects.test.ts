import { describe, expect, it } from 'vitest';
import type { EffectHandler, WorkflowInput } from '../../src-main/runtime';
import { idempotencyKey } from '../../src-main/runtime';
import { completed, effectWorkflow, kinds, ledger, scriptedHandler, setup } from './support';

describe('effects', () => {
  it('records two records per attempt (same step_id and idempotency key) and stores the result at resultKey', async () => {
    const llm = scriptedHandler([completed({ content: 'hi' })]);
    const { runtime, store } = setup([effectWorkflow('llm_call', { prompt: 'x' })], { effects: { llm_call: llm } });
    const run = await runtime.start('fx');
    const done = await runtime.tick(run.run_id);
    expect(done).toMatchObject({ status: 'completed', output: { content: 'hi' }, vars: { out: { content: 'hi' } }, pending_effect: null });
    const [, started, outcome] = ledger(store, run.run_id);
    expect(started).toMatchObject({
      kind: 'effect',
      status: 'started',
      ended_at: null,
      attempt: 1,
      effect: { type: 'llm_call', payload: { prompt: 'x' }, result_key: 'out' },
    });
    expect(outcome).toMatchObject({
      kind: 'effect',
      status: 'completed',
      result: { content: 'hi' },
      step_id: started!.step_id,
      idempotency_key: started!.idempotency_key,
    });
    expect(started!.idempotency_key).toBe(idempotencyKey(run.run_id, 'call', 'llm_call', { prompt: 'x' }, 1));
    expect(llm.calls[0]!.ctx.idempotencyKey).toBe(started!.idempotency_key);
  });

  it('commits the intent (started record + pending_effect) before a side effect runs', async () => {
    let seen: unknown;
    const { runtime, store } = setup([effectWorkflow('tool')], {
      effects: {
        tool: scriptedHandler([
          (_req, ctx) => {
            const stored = store.getRun(ctx.run.run_id)!;
            seen = { pending: stored.pending_effect?.idempotency_key, last: ledger(store, ctx.run.run_id).at(-1)?.status };
            return completed(1);
          },
        ]),
      },
    });
    const run = await runtime.start('fx');
    await runtime.tick(run.run_id);
    expect(seen).toEqual({ pending: expect.any(String), last: 'started' });
  });

  it('an effect plan without next completes the run with {success: true, result}', async () => {
    const wf: WorkflowInput = {
      id: 'end',
      version: '1',
      entry: 'a',
      nodes: { a: { handler: () => ({ effect: { type: 't', payload: {} }, resultKey: 'r' }) } },
    };
    const { runtime, store } = setup([wf], { effects: { t: scriptedHandler([completed(7)]) } });
    const run = await runtime.start('end');
    const done = await runtime.tick(run.run_id);
    expect(done).toMatchObject({ status: 'completed', output: { success: true, result: 7 }, vars: { r: 7 } });
    expect(kinds(ledger(store, run.run_id))).toEqual(['run_started', 'effect/started', 'effect/completed', 'completed']);
  });

  it('gives each loop visit its own idempotency key', async () => {
    const wf: WorkflowInput = {
      id: 'loop',
      version: '1',
      entry: 'a',
      nodes: {
        a: { next: ['b'], handler: () => ({ effect: { type: 't', payload: { same: true } }, resultKey: 'r', next: 'b' }) },
        b: { next: ['a', 'c'], handler: (run) => ({ next: (run.visits.a ?? 0) < 3 ? 'a' : 'c' }) },
        c: { handler: () => ({ complete: null }) },
      },
    };
    const t = scriptedHandler([completed(1)]);
    const { runtime, store } = setup([wf], { effects: { t } });
    const run = await runtime.start('loop');
    await runtime.tick(run.run_id);
    expect(t.calls).toHaveLength(3);
    const keys = new Set(
      ledger(store, run.run_id)
        .filter((r) => r.kind === 'effect')
        .map((r) => r.idempotency_key),
    );
    expect(keys.size).toBe(3);
  });

  it('reuses a completed result with the same key on replay instead of re-executing', async () => {
    const t = scriptedHandler([completed('first'), completed('second')]);
    const { runtime, store } = setup([effectWorkflow('t')], { effects: { t } });
    const run = await runtime.start('fx');
    await runtime.tick(run.run_id);
    // Replay: the state is rewound to before the effect (as a Python-style replay would).
    const s = store.getRun(run.run_id)!;
    store.commit({
      state: { ...s, status: 'running', current_node: 'call', visits: {}, output: null, vars: {} },
      records: [],
      expectedHeadSeq: s.ledger_head!.seq,
    });
    const replayed = await runtime.tick(run.run_id);
    expect(t.calls).toHaveLength(1);
    expect(replayed.output).toBe('first');
    const effects = ledger(store, run.run_id).filter((r) => r.kind === 'effect');
    expect(effects.map((r) => r.status)).toEqual(['started', 'completed', 'completed']);
    expect(effects[2]!.step_id).toBe(effects[1]!.step_id);
  });

  it('fails the run with NO_EFFECT_HANDLER for an effect type nobody handles', async () => {
    const { runtime, store } = setup([effectWorkflow('mystery')]);
    const run = await runtime.start('fx');
    const done = await runtime.tick(run.run_id);
    expect(done.error).toMatchObject({ code: 'NO_EFFECT_HANDLER', node_id: 'call' });
    expect(done.error!.message).toMatch(/"mystery"/);
    expect(kinds(ledger(store, run.run_id))).toEqual(['run_started', 'failed']);
  });

  it('a throwing effect handler is a failed attempt; the run fails with EFFECT_FAILED keeping the code', async () => {
    const { runtime, store } = setup([effectWorkflow('t')], {
      effects: {
        t: scriptedHandler([
          () => {
            throw Object.assign(new Error('socket closed'), { code: 'ECONNRESET' });
          },
        ]),
      },
    });
    const run = await runtime.start('fx');
    const done = await runtime.tick(run.run_id);
    expect(done.error).toMatchObject({ code: 'EFFECT_FAILED', node_id: 'call' });
    expect(done.error!.message).toMatch(/ECONNRESET: socket closed/);
    expect(done.pending_effect).toBeNull();
    expect(kinds(ledger(store, run.run_id))).toEqual(['run_started', 'effect/started', 'effect/failed', 'failed']);
  });

  it('a non-JSON result is a failed attempt, never stored', async () => {
    const { runtime } = setup([effectWorkflow('t')], { effects: { t: scriptedHandler([completed({ at: new Date() } as never)]) } });
    const run = await runtime.start('fx');
    const done = await runtime.tick(run.run_id);
    expect(done.error!.message).toMatch(/NON_JSON_VALUE: effect result: result.at is not plain JSON/);
    expect(done.vars).toEqual({});
  });

  it('retries failed attempts per the node policy with backoff, same step_id and key, attempt counting up', async () => {
    const wf = effectWorkflow('t');
    (wf.nodes as Record<string, { retry?: unknown }>).call!.retry = { maxAttempts: 3, backoffMs: 1000, factor: 3 };
    const fail = { kind: 'failed' as const, error: { code: 'RATE_LIMIT', message: 'slow down' } };
    const t = scriptedHandler([fail, fail, completed('ok')]);
    const { runtime, store, clock } = setup([wf], { effects: { t } });
    const run = await runtime.start('fx');
    expect((await runtime.tick(run.run_id)).output).toBe('ok');
    expect(clock.sleeps).toEqual([1000, 3000]);
    const effects = ledger(store, run.run_id).filter((r) => r.kind === 'effect');
    expect(effects.map((r) => `${r.status}#${r.attempt}`)).toEqual([
      'started#1',
      'failed#1',
      'started#2',
      'failed#2',
      'started#3',
      'completed#3',
    ]);
    expect(new Set(effects.map((r) => r.step_id)).size).toBe(1);
    expect(t.calls.map((c) => c.ctx.attempt)).toEqual([1, 2, 3]);
  });

  it('does not retry an outcome marked retryable: false', async () => {
    const wf = effectWorkflow('t');
    (wf.nodes as Record<string, { retry?: unknown }>).call!.retry = { maxAttempts: 3 };
    const t = scriptedHandler([{ kind: 'failed', error: { code: 'BAD_ARGS', message: 'x' }, retryable: false }]);
    const { runtime } = setup([wf], { effects: { t } });
    const run = await runtime.start('fx');
    expect((await runtime.tick(run.run_id)).error?.code).toBe('EFFECT_FAILED');
    expect(t.calls).toHaveLength(1);
  });

  it('a handler-produced wait is completed by the kernel and its resume() hook decides the outcome', async () => {
    const resumed: unknown[] = [];
    const tools: EffectHandler = {
      ...scriptedHandler([{ kind: 'waiting', wait: { reason: 'tool_calls', tool_calls: [{ name: 'rm', arguments: {}, call_id: 'c1' }] } }]),
      async resume(effect, wait, payload, ctx) {
        resumed.push({ type: effect.type, reason: wait.reason, payload, attempt: ctx.attempt });
        return completed({ mode: 'executed', results: [] });
      },
    };
    const { runtime, store } = setup([effectWorkflow('tool_calls', { tool_calls: [] })], { effects: { tool_calls: tools } });
    const run = await runtime.start('fx');
    const waiting = await runtime.tick(run.run_id);
    expect(waiting.waiting).toMatchObject({
      reason: 'tool_calls',
      result_key: 'out',
      resume_to_node: 'done',
      wait_key: `tool_calls:${run.run_id}:call:1`,
    });
    expect(waiting.waiting!.details).toMatchObject({ effect: { type: 'tool_calls', attempt: 1 } });
    const after = await runtime.resume(run.run_id, { waitKey: waiting.waiting!.wait_key, payload: { approve: ['c1'] } });
    expect(resumed).toEqual([{ type: 'tool_calls', reason: 'tool_calls', payload: { approve: ['c1'] }, attempt: 2 }]);
    expect(after).toMatchObject({ status: 'running', current_node: 'done', vars: { out: { mode: 'executed', results: [] } } });
    expect(kinds(ledger(store, run.run_id))).toEqual([
      'run_started',
      'effect/started',
      'effect/waiting',
      'resumed',
      'effect/started',
      'effect/completed',
    ]);
  });
});

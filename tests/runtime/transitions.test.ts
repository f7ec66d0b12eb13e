import { describe, expect, it } from 'vitest';
import { NonJsonValueError, RunNotFoundError, RunNotResumableError, WorkflowNotFoundError } from '../../src-shared/errors';
import type { CommitBatch, WorkflowInput } from '../../src-main/runtime';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { hashRecord } from '../../src-main/runtime';
import { kinds, ledger, setup } from './support';

const counter: WorkflowInput = {
  id: 'counter',
  version: '1',
  entry: 'inc',
  defaultVars: { n: 0, limit: 3 },
  nodes: {
    inc: { next: ['check'], handler: (run) => ({ next: 'check', set: { n: (run.vars.n as number) + 1 } }) },
    check: { next: ['inc', 'end'], handler: (run) => ({ next: (run.vars.n as number) < (run.vars.limit as number) ? 'inc' : 'end' }) },
    end: { handler: (run) => ({ complete: { n: run.vars.n ?? null } }) },
  },
};

class CountingStore extends MemoryStore {
  commits: CommitBatch[] = [];
  override commit(batch: CommitBatch): void {
    super.commit(batch);
    this.commits.push(batch);
  }
}

describe('start', () => {
  it('creates a running run at the entry node with defaults merged and a run_started record', async () => {
    const { runtime, store } = setup([counter]);
    const run = await runtime.start('counter', { limit: 2 });
    expect(run).toMatchObject({ status: 'running', current_node: 'inc', vars: { n: 0, limit: 2 }, workflow_version: '1', step_count: 0 });
    const records = ledger(store, run.run_id);
    expect(kinds(records)).toEqual(['run_started']);
    expect(records[0]!.result).toMatchObject({ workflow_id: 'counter', vars: { n: 0, limit: 2 } });
    expect(run.ledger_head).toEqual({ seq: 0, hash: records[0]!.record_hash });
  });

  it('refuses vars that are not plain JSON, naming the path, and writes nothing', async () => {
    const { runtime, store } = setup([counter]);
    await expect(runtime.start('counter', { when: new Date() } as never)).rejects.toThrow(/vars.when is not plain JSON/);
    await expect(runtime.start('counter', { x: [1, NaN] } as never)).rejects.toBeInstanceOf(NonJsonValueError);
    expect(store.listRuns().total).toBe(0);
  });

  it('refuses an unknown workflow or version and writes nothing', async () => {
    const { runtime, store } = setup([counter]);
    await expect(runtime.start('nope')).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await expect(runtime.start('counter', {}, { version: '2' })).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(store.listRuns().total).toBe(0);
  });
});

describe('tick', () => {
  it('walks pure transitions to completion, one transition record per step, chained', async () => {
    const { runtime, store } = setup([counter]);
    const run = await runtime.start('counter');
    const done = await runtime.tick(run.run_id);
    expect(done).toMatchObject({
      status: 'completed',
      output: { n: 3 },
      vars: { n: 3 },
      visits: { inc: 3, check: 3, end: 1 },
      step_count: 7,
    });
    const records = ledger(store, run.run_id);
    expect(kinds(records)).toEqual(['run_started', ...Array(6).fill('transition'), 'completed']);
    records.forEach((r, i) => {
      expect(r.seq).toBe(i);
      expect(r.prev_hash).toBe(i ? records[i - 1]!.record_hash : null);
      expect(hashRecord(r)).toBe(r.record_hash);
    });
    expect(records[1]!.result).toEqual({ next: 'check', set: { n: 1 } });
  });

  it('groups pure transitions into one commit (state and records together)', async () => {
    const store = new CountingStore();
    const { runtime } = setup([counter], { store });
    const run = await runtime.start('counter');
    await runtime.tick(run.run_id);
    expect(store.commits).toHaveLength(2);
    expect(store.commits[1]!.records).toHaveLength(7);
    expect(store.commits[1]!.expectedHeadSeq).toBe(0);
  });

  it('stops after maxSteps and continues on the next tick', async () => {
    const { runtime } = setup([counter]);
    const run = await runtime.start('counter');
    const partial = await runtime.tick(run.run_id, { maxSteps: 2 });
    expect(partial).toMatchObject({ status: 'running', current_node: 'inc', step_count: 2 });
    expect((await runtime.tick(run.run_id)).status).toBe('completed');
  });

  it('stops before a breakpoint node, but not when the tick starts on it', async () => {
    const { runtime } = setup([counter]);
    const run = await runtime.start('counter');
    const atBreak = await runtime.tick(run.run_id, { breakBefore: ['check'] });
    expect(atBreak).toMatchObject({ status: 'running', current_node: 'check', step_count: 1 });
    const next = await runtime.tick(run.run_id, { breakBefore: ['check'] });
    expect(next).toMatchObject({ current_node: 'check', step_count: 3 });
  });

  it('returns ended runs unchanged without writing', async () => {
    const { runtime, store } = setup([counter]);
    const run = await runtime.start('counter');
    await runtime.tick(run.run_id);
    const before = ledger(store, run.run_id).length;
    expect((await runtime.tick(run.run_id)).status).toBe('completed');
    expect(ledger(store, run.run_id)).toHaveLength(before);
  });

  it('throws RunNotFoundError for an unknown run and RunNotResumableError when its workflow is missing', async () => {
    const { runtime, store } = setup([counter]);
    await expect(runtime.tick('ghost')).rejects.toBeInstanceOf(RunNotFoundError);
    const run = await runtime.start('counter');
    const other = setup([{ ...counter, version: '2' }], { store }).runtime;
    await expect(other.tick(run.run_id)).rejects.toBeInstanceOf(RunNotResumableError);
    expect(store.getRun(run.run_id)!.status).toBe('running');
  });

  it('a {fail} plan fails the run with its code, recorded', async () => {
    const { runtime, store } = setup([
      { id: 'f', version: '1', entry: 'a', nodes: { a: { handler: () => ({ fail: { code: 'NOPE', message: 'no way' } }) } } },
    ]);
    const run = await runtime.start('f');
    const done = await runtime.tick(run.run_id);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'NOPE', message: 'no way', node_id: 'a' } });
    expect(ledger(store, run.run_id).at(-1)).toMatchObject({ kind: 'failed', status: 'failed', error: { code: 'NOPE' } });
  });

  it('handlers see a copy of the state: mutating it changes nothing', async () => {
    const { runtime } = setup([
      {
        id: 'm',
        version: '1',
        entry: 'a',
        nodes: {
          a: {
            next: ['b'],
            handler: (run) => {
              (run.vars as Record<string, unknown>).hacked = true;
              return { next: 'b' };
            },
          },
          b: { handler: (run) => ({ complete: run.vars.hacked ?? false }) },
        },
      },
    ]);
    const run = await runtime.start('m');
    expect((await runtime.tick(run.run_id)).output).toBe(false);
  });
});

describe('failures are typed, recorded, and leave nothing half-written', () => {
  const oneNode = (handler: () => unknown, next: string[] = []): WorkflowInput => ({
    id: 'x',
    version: '1',
    entry: 'a',
    nodes: { a: { handler: handler as never, next }, ...(next.length ? { b: { handler: () => ({ complete: 1 }) } } : {}) },
  });

  const cases: [string, () => unknown, string[], RegExp][] = [
    ['UNDECLARED_EDGE', () => ({ next: 'b' }), [], /not one of its declared edges/],
    ['INVALID_PLAN', () => 42, [], /returned number instead of a plan/],
    ['INVALID_PLAN', () => ({ nothing: true }), [], /none of effect, next, complete, fail/],
    ['NON_JSON_VALUE', () => ({ next: 'b', set: { f: (): number => 1 } }), ['b'], /set: \$.f is not plain JSON/],
    ['NON_JSON_VALUE', () => ({ complete: { big: 10n } }), [], /complete: \$.big is not plain JSON/],
    [
      'HANDLER_ERROR',
      () => {
        throw new Error('boom');
      },
      [],
      /node "a" handler threw: boom/,
    ],
  ];
  it.each(cases)('%s: %s', async (code, handler, next, message) => {
    const { runtime, store } = setup([oneNode(handler, [...next])]);
    const run = await runtime.start('x', { keep: 1 });
    const done = await runtime.tick(run.run_id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code, node_id: 'a' });
    expect(done.error!.message).toMatch(message);
    expect(done.vars).toEqual({ keep: 1 });
    const stored = store.getRun(run.run_id)!;
    expect(stored).toEqual(done);
    expect(ledger(store, run.run_id).at(-1)).toMatchObject({ kind: 'failed', error: { code } });
  });

  it('an async handler rejection is a HANDLER_ERROR too', async () => {
    const { runtime } = setup([oneNode(async () => Promise.reject(new Error('later')))]);
    const run = await runtime.start('x');
    expect((await runtime.tick(run.run_id)).error).toMatchObject({ code: 'HANDLER_ERROR', message: expect.stringMatching(/later/) });
  });
});

describe('node retry policy', () => {
  it('retries a throwing handler with backoff on the clock, recording each failed attempt', async () => {
    let calls = 0;
    const { runtime, store, clock } = setup([
      {
        id: 'r',
        version: '1',
        entry: 'a',
        nodes: {
          a: {
            retry: { maxAttempts: 3, backoffMs: 100, factor: 2 },
            handler: () => {
              if (++calls < 3) throw new Error(`flaky ${calls}`);
              return { complete: calls };
            },
          },
        },
      },
    ]);
    const run = await runtime.start('r');
    const done = await runtime.tick(run.run_id);
    expect(done).toMatchObject({ status: 'completed', output: 3 });
    expect(clock.sleeps).toEqual([100, 200]);
    const failedAttempts = ledger(store, run.run_id).filter((r) => r.kind === 'transition' && r.status === 'failed');
    expect(failedAttempts.map((r) => r.attempt)).toEqual([1, 2]);
    expect(done.visits.a).toBe(1);
  });

  it('fails the run after the last attempt', async () => {
    const { runtime, clock } = setup([
      {
        id: 'r',
        version: '1',
        entry: 'a',
        nodes: {
          a: {
            retry: { maxAttempts: 2, backoffMs: 50 },
            handler: () => {
              throw new Error('always');
            },
          },
        },
      },
    ]);
    const run = await runtime.start('r');
    const done = await runtime.tick(run.run_id);
    expect(done.error).toMatchObject({ code: 'HANDLER_ERROR' });
    expect(clock.sleeps).toEqual([50]);
  });

  it('does not retry an invalid plan (a workflow bug)', async () => {
    let calls = 0;
    const { runtime } = setup([
      { id: 'r', version: '1', entry: 'a', nodes: { a: { retry: { maxAttempts: 5 }, handler: () => (++calls, { next: 'zz' }) } } },
    ]);
    const run = await runtime.start('r');
    expect((await runtime.tick(run.run_id)).error?.code).toBe('UNDECLARED_EDGE');
    expect(calls).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunTerminalError } from '../../src-shared/errors';
import { dispatch, isApiMethod } from '../../src-main/transport/dispatch';
import { fakeHandlers } from './fakeApi';

beforeAll(() => {
  process.env.ABSTRACTRUNTIME_QUIET_INTERNAL = '1';
});
afterAll(() => {
  delete process.env.ABSTRACTRUNTIME_QUIET_INTERNAL;
});

describe('dispatch', () => {
  const seen: unknown[] = [];
  const handlers = fakeHandlers({
    listRuns: (req) => {
      seen.push(req);
      return { runs: [], total: 7 };
    },
    cancelRun: () => {
      throw new RunTerminalError('run r1 is already completed', { runId: 'r1' });
    },
    getInfo: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    },
    pauseRun: () => {
      throw 'a string';
    },
  });

  it('passes a valid, schema-parsed request to the handler and wraps the value', async () => {
    expect(await dispatch(handlers, 'listRuns', { status: 'waiting', limit: 5 })).toEqual({ ok: true, value: { runs: [], total: 7 } });
    expect(seen.at(-1)).toEqual({ status: 'waiting', limit: 5 });
  });

  it('treats a missing payload as an empty request', async () => {
    expect((await dispatch(handlers, 'listRuns', undefined)).ok).toBe(true);
  });

  it('refuses unknown methods, including Object.prototype names', async () => {
    for (const m of ['nope', '__proto__', 'hasOwnProperty', 42, null]) {
      const r = await dispatch(handlers, m, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
    expect(isApiMethod('getRun')).toBe(true);
    expect(isApiMethod('constructor')).toBe(false);
  });

  it('names every bad field of an invalid payload', async () => {
    const r = await dispatch(handlers, 'startRun', { workflowId: '', vars: [], extra: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('VALIDATION_ERROR');
    expect(r.error.message).toContain('workflowId');
    expect(r.error.message).toContain('vars');
    expect(r.error.message).toContain('extra');
    const paths = (r.error.details!.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['workflowId', 'vars']));
  });

  it('refuses a payload that is not an object', async () => {
    for (const p of [null, 'x', [1], 3])
      expect(await dispatch(handlers, 'listRuns', p)).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } });
  });

  it('keeps a typed error as data: code, message, retryable, details', async () => {
    expect(await dispatch(handlers, 'cancelRun', { runId: 'r1' })).toEqual({
      ok: false,
      error: { code: 'RUN_TERMINAL', message: 'run r1 is already completed', retryable: false, details: { runId: 'r1' } },
    });
  });

  it('turns anything else thrown into INTERNAL_ERROR without a stack', async () => {
    const r = await dispatch(handlers, 'getInfo', {});
    expect(r).toEqual({
      ok: false,
      error: { code: 'INTERNAL_ERROR', message: "Cannot read properties of undefined (reading 'x')", retryable: false },
    });
    expect(await dispatch(handlers, 'pauseRun', { runId: 'r' })).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL_ERROR', message: 'a string' },
    });
  });
});

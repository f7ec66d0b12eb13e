import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject, JsonValue } from '../../src-shared/json';
import type { WaitState } from '../../src-shared/types';
import { stringifyExact } from '../../src-shared/exactJson';
import type { EffectOutcome, EffectRequest } from '../../src-main/runtime/contracts';
import {
  createToolCallsEffectHandler,
  normalizeToolCallsPayload,
  realignToolResults,
  registerBuiltinTools,
  ToolRegistry,
  type ToolDefinition,
} from '../../src-main/effects/tools/index';
import { effectCtx } from './effectFixtures';

const obj = (props: JsonObject, required: string[] = []) => ({ type: 'object', properties: props, required, additionalProperties: false });

function registry(extra: Partial<ToolDefinition>[] = []) {
  const r = new ToolRegistry();
  registerBuiltinTools(r);
  const calls: string[] = [];
  r.register({
    name: 'send_email',
    description: 'sends an email',
    parameters: obj({ to: { type: 'string' }, body: { type: 'string' } }, ['to']),
    trust: 'approval',
    idempotent: false,
    execute: (args) => {
      calls.push(`email:${String(args.to)}`);
      return { sent_to: args.to };
    },
  });
  r.register({
    name: 'ask_oracle',
    description: 'answered from outside',
    parameters: obj({ q: { type: 'string' } }),
    trust: 'passthrough',
    idempotent: true,
  });
  for (const t of extra)
    r.register({ description: 'test tool', parameters: obj({}), trust: 'trusted', idempotent: true, ...t } as ToolDefinition);
  return { r, calls };
}

/** The calls with every name they use allowed (the offered-tools rule has its own tests in tests/security). */
const effect = (calls: JsonValue[]): EffectRequest => ({
  type: 'tool_calls',
  payload: { tool_calls: calls, allowed_tools: namesOf(calls) },
});
function namesOf(calls: JsonValue[]): string[] {
  return calls.map((c) => (c as any)?.name ?? (c as any)?.function?.name).filter((n): n is string => typeof n === 'string');
}

function asWait(o: EffectOutcome): WaitState {
  expect(o.kind).toBe('waiting');
  const w = (o as { wait: Partial<WaitState> }).wait;
  return {
    wait_key: 'k',
    result_key: 'tools',
    resume_to_node: null,
    until: null,
    prompt: null,
    choices: null,
    allow_free_text: true,
    event_name: null,
    tool_calls: null,
    child_run_id: null,
    details: null,
    ...w,
  } as WaitState;
}

function results(o: EffectOutcome): any[] {
  expect(o).toMatchObject({ kind: 'completed', result: { mode: 'executed' } });
  return (o as unknown as { result: { results: any[] } }).result.results;
}

describe('tool_calls: arguments text keeps every number as written', () => {
  it('wire-shape arguments are read exactly; a number that cannot be kept fails the call naming its path', async () => {
    const seen: unknown[] = [];
    const h = createToolCallsEffectHandler(
      registry([{ name: 'record', parameters: { type: 'object' }, execute: (args: JsonObject) => (seen.push(args), { ok: true }) }]).r,
    );
    const out = await h.execute(
      effect([
        {
          id: 'a',
          type: 'function',
          function: { name: 'record', arguments: '{"n": 98765432109876543210, "x": 1.0, "t": 1e-07, "z": -0.0}' },
        },
        { id: 'b', type: 'function', function: { name: 'record', arguments: '{"pi": 3.14159265358979323846}' } },
      ]),
      effectCtx(),
    );
    const [a, b] = results(out);
    expect(stringifyExact(seen)).toBe('[{"n":98765432109876543210,"x":1.0,"t":1e-07,"z":-0.0}]');
    expect(a).toMatchObject({ call_id: 'a', success: true });
    expect(b).toMatchObject({ call_id: 'b', success: false });
    expect(b.error).toMatch(/arguments\.pi: the number 3\.14159265358979323846 cannot be kept exactly/);
  });
});

describe('tool_calls: trusted tools', () => {
  it('runs them in the main process; results are aligned with the request', async () => {
    const h = createToolCallsEffectHandler(registry().r);
    const out = await h.execute(
      effect([
        { name: 'add', arguments: { a: 2, b: 3 }, call_id: 'c1' },
        { name: 'current_time', arguments: {}, call_id: 'c2' },
      ]),
      effectCtx(),
    );
    expect(results(out)).toEqual([
      { call_id: 'c1', name: 'add', arguments: { a: 2, b: 3 }, success: true, output: { sum: 5 }, error: null },
      {
        call_id: 'c2',
        name: 'current_time',
        arguments: {},
        success: true,
        output: expect.objectContaining({ iso: '2026-03-04T05:06:07.000Z' }),
        error: null,
      },
    ]);
  });

  it('an unknown tool, bad arguments, a throwing tool, a non-JSON result: error results, never a crash', async () => {
    const { r } = registry([
      {
        name: 'boom',
        execute: () => {
          throw new Error('kaput');
        },
      },
      { name: 'weird', execute: () => ({ when: new Date(0) }) },
    ]);
    const out = await createToolCallsEffectHandler(r).execute(
      effect([
        { name: 'nope', arguments: {}, call_id: 'a' },
        { name: 'add', arguments: { a: 'two', b: 3 }, call_id: 'b' },
        { name: 'add', arguments: '{broken', call_id: 'c' },
        { name: 'boom', arguments: {}, call_id: 'd' },
        { name: 'weird', arguments: {}, call_id: 'e' },
        { name: 'add', arguments: { a: 1, b: 1 }, call_id: 'f' },
      ]),
      effectCtx(),
    );
    const rs = results(out);
    expect(rs.map((x) => [x.call_id, x.success])).toEqual([
      ['a', false],
      ['b', false],
      ['c', false],
      ['d', false],
      ['e', false],
      ['f', true],
    ]);
    expect(rs[0].error).toBe('unknown tool "nope"');
    expect(rs[1].error).toMatch(/bad arguments for tool "add": \$\.a: expected number, got string/);
    expect(rs[2].error).toMatch(/arguments must be a JSON object, got invalid JSON/);
    expect(rs[3].error).toBe('tool "boom" failed: kaput');
    expect(rs[4].error).toMatch(/not plain JSON/);
  });

  it('a tool past its timeout gets an error result and its signal is aborted', async () => {
    let aborted = false;
    const { r } = registry([
      {
        name: 'hang',
        timeoutMs: 50,
        execute: (_a, ctx) =>
          new Promise((resolve) =>
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              resolve(null);
            }),
          ),
      },
    ]);
    const rs = results(await createToolCallsEffectHandler(r).execute(effect([{ name: 'hang', arguments: {}, call_id: 'h' }]), effectCtx()));
    expect(rs[0]).toMatchObject({ success: false, error: 'tool "hang" timed out after 50 ms' });
    expect(aborted).toBe(true);
  });

  it('a tool that finished while the thread was blocked past its timeout reports its result, not a timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ar-tool-blocked-'));
    const file = join(dir, 'out.txt');
    const { r } = registry([{ name: 'append', timeoutMs: 50, execute: async () => (await appendFile(file, 'x\n'), { appended: true }) }]);
    const pending = createToolCallsEffectHandler(r).execute(effect([{ name: 'append', arguments: {}, call_id: 'a' }]), effectCtx());
    // A synchronous wait longer than the limit, as a blocking database call would make.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
    const rs = results(await pending);
    expect(readFileSync(file, 'utf8')).toBe('x\n');
    expect(rs[0]).toMatchObject({ success: true, output: { appended: true } });
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts the OpenAI wire shape and gives calls without ids positional ids', async () => {
    const rs = results(
      await createToolCallsEffectHandler(registry().r).execute(
        effect([
          { id: 'w1', type: 'function', function: { name: 'add', arguments: '{"a":1,"b":2}' } },
          { name: 'add', arguments: { a: 0, b: 0 } },
        ]),
        effectCtx(),
      ),
    );
    expect(rs.map((x) => [x.call_id, x.output])).toEqual([
      ['w1', { sum: 3 }],
      ['call_1', { sum: 0 }],
    ]);
  });

  it('a payload without a tool_calls array is a non-retryable validation failure', async () => {
    const out = await createToolCallsEffectHandler(registry().r).execute({ type: 'tool_calls', payload: { calls: [] } }, effectCtx());
    expect(out).toMatchObject({ kind: 'failed', error: { code: 'VALIDATION_ERROR' }, retryable: false });
  });

  it('gives each call a stable idempotency key derived from the effect key', async () => {
    const seen: string[] = [];
    const { r } = registry([{ name: 'spy', execute: (_a, ctx) => void seen.push(ctx.idempotencyKey) }]);
    await createToolCallsEffectHandler(r).execute(
      effect([
        { name: 'spy', arguments: {} },
        { name: 'spy', arguments: {} },
      ]),
      effectCtx(),
    );
    expect(seen).toEqual(['idem-key-1:0', 'idem-key-1:1']);
  });
});

describe('tool_calls: approval', () => {
  const calls: JsonValue[] = [
    { name: 'add', arguments: { a: 1, b: 1 }, call_id: 't1' },
    { name: 'send_email', arguments: { to: 'bob@example.com' }, call_id: 'e1' },
  ];

  it('waits (reason tool_calls) with the pending calls, having already run the trusted ones', async () => {
    const { r, calls: sent } = registry();
    const wait = asWait(await createToolCallsEffectHandler(r).execute(effect(calls), effectCtx()));
    expect(wait.reason).toBe('tool_calls');
    expect(wait.tool_calls).toEqual([{ name: 'send_email', arguments: { to: 'bob@example.com' }, call_id: 'e1' }]);
    expect(wait.details).toMatchObject({
      modes: ['trusted', 'approval'],
      pending_modes: ['approval'],
      results: [{ call_id: 't1', success: true }, null],
    });
    expect(wait.prompt).toMatch(/Approve, edit or deny: send_email/);
    expect(sent).toEqual([]);
  });

  it('approved ({approved: true}, as in the Python runtime): the call runs; results stay aligned', async () => {
    const { r, calls: sent } = registry();
    const h = createToolCallsEffectHandler(r);
    const wait = asWait(await h.execute(effect(calls), effectCtx()));
    const rs = results(await h.resume!(effect(calls), wait, { approved: true }, effectCtx()));
    expect(rs.map((x) => x.call_id)).toEqual(['t1', 'e1']);
    expect(rs[1]).toMatchObject({ success: true, output: { sent_to: 'bob@example.com' }, approval: { approved: true } });
    expect(sent).toEqual(['email:bob@example.com']);
  });

  it('edited arguments run and are visible in the recorded result; edits are validated', async () => {
    const { r, calls: sent } = registry();
    const h = createToolCallsEffectHandler(r);
    const wait = asWait(await h.execute(effect(calls), effectCtx()));
    const rs = results(
      await h.resume!(
        effect(calls),
        wait,
        { decisions: [{ call_id: 'e1', approved: true, arguments: { to: 'alice@example.com' } }] },
        effectCtx(),
      ),
    );
    expect(rs[1]).toMatchObject({
      success: true,
      output: { sent_to: 'alice@example.com' },
      approval: { approved: true, edited_arguments: { to: 'alice@example.com' } },
    });
    expect(sent).toEqual(['email:alice@example.com']);

    const bad = results(
      await h.resume!(effect(calls), wait, { decisions: [{ call_id: 'e1', approved: true, arguments: { to: 5 } }] }, effectCtx()),
    );
    expect(bad[1]).toMatchObject({ success: false, error: expect.stringMatching(/bad arguments/) });
  });

  it('denied: an error result "denied by user: <reason>", and the tool does not run', async () => {
    const { r, calls: sent } = registry();
    const h = createToolCallsEffectHandler(r);
    const wait = asWait(await h.execute(effect(calls), effectCtx()));
    const rs = results(await h.resume!(effect(calls), wait, { approved: false, reason: 'wrong person' }, effectCtx()));
    expect(rs[1]).toMatchObject({
      success: false,
      output: null,
      error: 'denied by user: wrong person',
      approval: { approved: false, reason: 'wrong person' },
    });
    expect(sent).toEqual([]);
  });

  it('several pending calls are decided per call; undecided ones keep the run waiting', async () => {
    const { r, calls: sent } = registry();
    const h = createToolCallsEffectHandler(r);
    const two: JsonValue[] = [
      { name: 'send_email', arguments: { to: 'a@x' }, call_id: 'e1' },
      { name: 'send_email', arguments: { to: 'b@x' }, call_id: 'e2' },
    ];
    const wait = asWait(await h.execute(effect(two), effectCtx()));
    const again = asWait(await h.resume!(effect(two), wait, { decisions: [{ call_id: 'e2', approved: true }] }, effectCtx()));
    expect(again.tool_calls!.map((c) => c.call_id)).toEqual(['e1']);
    const rs = results(await h.resume!(effect(two), again, { decisions: [{ call_id: 'e1', approved: false }] }, effectCtx()));
    expect(rs.map((x) => [x.call_id, x.success, x.error])).toEqual([
      ['e1', false, 'denied by user'],
      ['e2', true, null],
    ]);
    expect(sent).toEqual(['email:b@x']);
  });

  it('a payload that decides nothing keeps the run waiting and says why', async () => {
    const { r } = registry();
    const h = createToolCallsEffectHandler(r);
    const wait = asWait(await h.execute(effect(calls), effectCtx()));
    for (const payload of [
      'yes',
      { decisions: [{ call_id: 'zzz', approved: true }] },
      { decisions: [{ call_id: 'e1', approved: 'sure' }] },
    ] as JsonValue[]) {
      const again = asWait(await h.resume!(effect(calls), wait, payload, effectCtx()));
      expect(again.tool_calls!.map((c) => c.call_id)).toEqual(['e1']);
      expect(String(again.details!.last_error)).toMatch(/settled none of the pending calls \(pending: e1 \(approval\)\)/);
    }
  });
});

describe('tool_calls: passthrough and modes', () => {
  it('passthrough tools wait for results supplied from outside', async () => {
    const h = createToolCallsEffectHandler(registry().r);
    const calls: JsonValue[] = [{ name: 'ask_oracle', arguments: { q: 'meaning' }, call_id: 'o1' }];
    const wait = asWait(await h.execute(effect(calls), effectCtx()));
    expect(wait.details).toMatchObject({ pending_modes: ['passthrough'] });
    expect(wait.prompt).toMatch(/external results: ask_oracle/);
    const rs = results(await h.resume!(effect(calls), wait, { results: [{ call_id: 'o1', output: 42 }] }, effectCtx()));
    expect(rs).toEqual([{ call_id: 'o1', name: 'ask_oracle', arguments: { q: 'meaning' }, success: true, output: 42, error: null }]);
    const failed = results(
      await h.resume!(effect(calls), wait, { results: [{ call_id: 'o1', output: null, error: 'oracle offline' }] }, effectCtx()),
    );
    expect(failed[0]).toMatchObject({ success: false, error: 'oracle offline' });
  });

  it('remote mode: every call (even unknown to this app) waits for an external result', async () => {
    const { r, calls: sent } = registry();
    const h = createToolCallsEffectHandler(r, { mode: 'remote' });
    const calls: JsonValue[] = [
      { name: 'add', arguments: { a: 1, b: 2 }, call_id: 'c1' },
      { name: 'server_side_tool', arguments: {}, call_id: 'c2' },
    ];
    const wait = asWait(await h.execute(effect(calls), effectCtx()));
    expect(wait.details).toMatchObject({ modes: ['passthrough', 'passthrough'] });
    expect(h.hasSideEffects!(effect(calls))).toBe(false);
    const rs = results(
      await h.resume!(
        effect(calls),
        wait,
        {
          results: [
            { call_id: 'c1', output: { sum: 3 } },
            { call_id: 'c2', output: 'ok' },
          ],
        },
        effectCtx(),
      ),
    );
    expect(rs.map((x) => x.output)).toEqual([{ sum: 3 }, 'ok']);
    expect(sent).toEqual([]);
  });

  it('hybrid mode runs trusted tools locally (like local)', async () => {
    const out = await createToolCallsEffectHandler(registry().r, { mode: 'hybrid' }).execute(
      effect([{ name: 'add', arguments: { a: 1, b: 2 }, call_id: 'c1' }]),
      effectCtx(),
    );
    expect(results(out)[0].output).toEqual({ sum: 3 });
  });

  it('the mode may be a function, read per call', async () => {
    let mode: 'local' | 'remote' = 'local';
    const h = createToolCallsEffectHandler(registry().r, { mode: () => mode });
    const e = effect([{ name: 'add', arguments: { a: 1, b: 2 } }]);
    expect((await h.execute(e, effectCtx())).kind).toBe('completed');
    mode = 'remote';
    expect((await h.execute(e, effectCtx())).kind).toBe('waiting');
  });

  it('isIdempotent only when every locally run tool is idempotent', () => {
    const h = createToolCallsEffectHandler(registry().r);
    expect(
      h.isIdempotent(
        effect([
          { name: 'add', arguments: {} },
          { name: 'current_time', arguments: {} },
        ]),
      ),
    ).toBe(true);
    expect(
      h.isIdempotent(
        effect([
          { name: 'add', arguments: {} },
          { name: 'send_email', arguments: {} },
        ]),
      ),
    ).toBe(false);
    expect(
      createToolCallsEffectHandler(registry().r, { mode: 'remote' }).isIdempotent(effect([{ name: 'send_email', arguments: {} }])),
    ).toBe(true);
  });
});

describe('idempotency keying of tool_calls', () => {
  it('normalizeToolCallsPayload drops provider call ids, keeps names and arguments in order', () => {
    const a = { tool_calls: [{ name: 'add', arguments: { a: 1 }, call_id: 'call_abc' }] };
    const b = { tool_calls: [{ id: 'call_xyz', function: { name: 'add', arguments: '{"a":1}' } }] };
    expect(normalizeToolCallsPayload(a)).toEqual({ tool_calls: [{ name: 'add', arguments: { a: 1 } }] });
    expect(normalizeToolCallsPayload(b)).toEqual(normalizeToolCallsPayload(a));
  });

  it('realignToolResults gives a reused result the call ids of the new request', () => {
    const reused = { mode: 'executed', results: [{ call_id: 'old', name: 'add', success: true, output: 1, error: null }] };
    expect(realignToolResults(reused, { tool_calls: [{ name: 'add', arguments: {}, call_id: 'new' }] })).toEqual({
      mode: 'executed',
      results: [{ call_id: 'new', name: 'add', success: true, output: 1, error: null }],
    });
  });
});

describe('ToolRegistry', () => {
  it('refuses bad definitions and duplicate names with a ValidationError', () => {
    const r = new ToolRegistry();
    const ok: ToolDefinition = {
      name: 'x',
      description: '',
      parameters: { type: 'object' },
      trust: 'trusted',
      idempotent: true,
      execute: () => 1,
    };
    r.register(ok);
    expect(() => r.register(ok)).toThrow(/already registered/);
    expect(() => r.register({ ...ok, name: 'bad name' })).toThrow(/names are 1-64/);
    expect(() => r.register({ ...ok, name: 'y', trust: 'yolo' as never })).toThrow(/trust must be one of/);
    expect(() => r.register({ ...ok, name: 'y', parameters: { type: 'string' } })).toThrow(/type "object"/);
    const { execute: _e, ...noExec } = ok;
    expect(() => r.register({ ...noExec, name: 'y' })).toThrow(/needs an execute function/);
    expect(() => r.register({ ...noExec, name: 'y', trust: 'passthrough' })).not.toThrow();
  });

  it('specs() gives llm_call tool schemas; an unknown name is a ToolNotFoundError', () => {
    const r = new ToolRegistry();
    registerBuiltinTools(r);
    expect(r.specs(['add'])).toEqual([
      { name: 'add', description: 'Adds two numbers.', parameters: expect.objectContaining({ required: ['a', 'b'] }) },
    ]);
    expect(() => r.specs(['nope'])).toThrow(expect.objectContaining({ code: 'TOOL_NOT_FOUND' }));
  });
});

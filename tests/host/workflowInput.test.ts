import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src-shared/errors';
import { defineWorkflow } from '../../src-main/runtime/index';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { ledgerOf, memoryHost } from './hostFixture';

describe('workflows declare their input: start and fork refuse vars that do not match, naming the field', () => {
  it('examples.counter {"n":"abc"} is refused, nothing is stored', async () => {
    const { host } = await memoryHost();
    const before = host.store.listRuns({}).total;
    const started = host.startRun('examples.counter', { n: 'abc' });
    await expect(started).rejects.toBeInstanceOf(ValidationError);
    await expect(started).rejects.toThrow('examples.counter@1 refuses these vars: vars.n: expected integer, got string');
    await expect(started).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { path: 'vars.n' } });
    expect(host.store.listRuns({}).total).toBe(before);
  });

  it('an unknown var is refused when the schema says so (examples.agent takes `task`, not `prompt`)', async () => {
    const { host } = await memoryHost();
    await expect(host.startRun('examples.agent', { prompt: 'hello' })).rejects.toThrow(/vars\.prompt: is not an input of examples\.agent/);
    await expect(host.startRun('examples.counter', { n: 3, count: 5 })).rejects.toThrow(
      /vars\.count: is not an input of examples\.counter/,
    );
  });

  it('the API (startRun) refuses the same way, with the field in the error details', async () => {
    const { host } = await memoryHost();
    const api = createApiHandlers(host);
    await expect(api.startRun({ workflowId: 'examples.timer', vars: { delayMs: -5 } })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { path: 'vars.delayMs', problems: ['vars.delayMs: must be ≥ 0'] },
    });
  });

  it('good input still runs; fork checks the edited vars (declared ones by schema, working state allowed, typos refused)', async () => {
    const { host } = await memoryHost();
    const run = await host.startRun('examples.counter', { n: 2 }, { stepMode: true });
    await host.stepRun(run.run_id);
    const snap = await host.createSnapshot(run.run_id, { name: 'one step' });
    await expect(host.forkSnapshot(snap.snapshot_id, { n: 'x' })).rejects.toThrow(/vars\.n: expected integer, got string/);
    await expect(host.forkSnapshot(snap.snapshot_id, { nn: 4 })).rejects.toThrow(/vars\.nn: is not an input of examples\.counter/);
    const forked = await host.forkSnapshot(snap.snapshot_id, { n: 4, i: 1 });
    expect(host.getRun(forked.run_id)).toMatchObject({ status: 'completed', output: { count: 4 } });
  });

  it('every built-in example declares an input schema, and listWorkflows carries it for the start dialog', async () => {
    const { host } = await memoryHost();
    const builtins = host.listWorkflows().filter((w) => w.source === 'builtin');
    expect(builtins.length).toBeGreaterThan(5);
    for (const wf of builtins) expect(wf.input_schema, wf.id).toMatchObject({ type: 'object', properties: expect.any(Object) });
  });

  it('a schema that allows extra keys accepts them, and the run_started record warns about each', async () => {
    const open = defineWorkflow({
      id: 'test.openinput',
      version: '1',
      entry: 'a',
      inputSchema: { type: 'object', properties: { topic: { type: 'string' } } },
      nodes: { a: { handler: (run) => ({ complete: { topic: run.vars.topic ?? null } }) } },
    });
    const { host } = await memoryHost({ workflows: [open] });
    const run = await host.startRun('test.openinput', { topic: 'x', tpoic: 'typo' });
    expect(run.status).toBe('completed');
    const [started] = ledgerOf(host, run.run_id);
    expect(started!.result).toMatchObject({ input_warnings: ['vars.tpoic: is not declared by the input schema of test.openinput'] });
    const clean = await host.startRun('test.openinput', { topic: 'x' });
    expect(ledgerOf(host, clean.run_id)[0]!.result).not.toHaveProperty('input_warnings');
  });

  it('a workflow whose defaults break its own schema is refused when defined', () => {
    expect(() =>
      defineWorkflow({
        id: 'bad.defaults',
        version: '1',
        entry: 'a',
        defaultVars: { n: 'ten' },
        inputSchema: { type: 'object', properties: { n: { type: 'integer' } } },
        nodes: { a: { handler: () => ({ complete: {} }) } },
      }),
    ).toThrow(/defaultVars do not match inputSchema: defaultVars\.n: expected integer, got string/);
  });
});

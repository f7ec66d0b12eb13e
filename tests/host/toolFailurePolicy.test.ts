import { describe, expect, it } from 'vitest';
import { defineWorkflow } from '../../src-main/runtime/index';
import { ledgerOf, memoryHost } from './hostFixture';

function callsUnknownTool(onEffectError?: 'continue' | 'fail') {
  return defineWorkflow({
    id: `test.toolfailure.${onEffectError ?? 'default'}`,
    version: '1',
    entry: 'call',
    nodes: {
      call: {
        next: ['done'],
        ...(onEffectError ? { onEffectError } : {}),
        handler: () => ({
          effect: {
            type: 'tool_calls',
            payload: {
              tool_calls: [
                { name: 'add', arguments: { a: 1, b: 2 }, call_id: 'ok' },
                { name: 'no_such_tool', arguments: {}, call_id: 'bad' },
              ],
              allowed_tools: ['add', 'no_such_tool'],
            },
          },
          resultKey: 'tools',
          next: 'done',
        }),
      },
      done: { handler: (run) => ({ complete: { tools: run.vars.tools ?? null } }) },
    },
  });
}

describe('a failed tool call is an error on its record; the node says whether the run goes on', () => {
  it('default (continue): the run goes on with every result, and the record carries the error', async () => {
    const wf = callsUnknownTool();
    const { host } = await memoryHost({ workflows: [wf] });
    const run = await host.startRun(wf.id, {});
    expect(run.status).toBe('completed');
    const record = ledgerOf(host, run.run_id).find((r) => r.effect?.type === 'tool_calls' && r.status === 'completed')!;
    expect(record.error).toEqual({
      code: 'TOOL_CALLS_FAILED',
      message: '1 of 2 tool calls failed: bad (no_such_tool): unknown tool "no_such_tool"',
    });
    expect(run.output).toMatchObject({
      tools: {
        results: [
          { call_id: 'ok', success: true },
          { call_id: 'bad', success: false },
        ],
      },
    });
  });

  it('fail: the result is kept at its key and the run fails at that node', async () => {
    const wf = callsUnknownTool('fail');
    const { host } = await memoryHost({ workflows: [wf] });
    const run = await host.startRun(wf.id, {});
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'EFFECT_FAILED', node_id: 'call' });
    expect(run.vars.tools).toMatchObject({
      results: [
        { call_id: 'ok', success: true },
        { call_id: 'bad', success: false },
      ],
    });
  });

  it('fail: after a restore to before the call, running it again fails the run again', async () => {
    const wf = callsUnknownTool('fail');
    const { host } = await memoryHost({ workflows: [wf] });
    const run = await host.startRun(wf.id, {}, { stepMode: true });
    const snap = await host.createSnapshot(run.run_id, { name: 'before the call' });
    expect((await host.stepRun(run.run_id)).status).toBe('failed');
    await host.restoreSnapshot(snap.snapshot_id);
    const again = await host.continueRun(run.run_id);
    expect(again.status).toBe('failed');
    expect(again.error).toMatchObject({ code: 'EFFECT_FAILED', node_id: 'call' });
    const completed = ledgerOf(host, run.run_id).filter((r) => r.effect?.type === 'tool_calls' && r.status === 'completed');
    expect(completed).toHaveLength(2);
    expect(completed[1]!.error).toMatchObject({ code: 'TOOL_CALLS_FAILED' });
  });

  it('a workflow with an unknown policy is refused when defined', () => {
    expect(() => callsUnknownTool('sometimes' as 'fail')).toThrow(/onEffectError must be "continue" or "fail"/);
  });
});

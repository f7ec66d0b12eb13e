import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src-shared/errors';
import type { ToolRegistry } from '../../src-main/effects/tools/index';
import { defineWorkflow } from '../../src-main/runtime/index';
import { memoryHost, recordEvents } from './hostFixture';

const deploy = defineWorkflow({
  id: 'test.deploy',
  version: '1',
  entry: 'call',
  nodes: {
    call: {
      handler: () => ({
        effect: {
          type: 'tool_calls',
          payload: { tool_calls: [{ name: 'deploy', arguments: { env: 'staging' }, call_id: 'c1' }], allowed_tools: ['deploy'] },
        },
        resultKey: 'deployed',
      }),
    },
  },
});

const registerDeploy = (registry: ToolRegistry) =>
  registry.register({
    name: 'deploy',
    description: 'Deploys (needs a person to approve).',
    parameters: { type: 'object', properties: { env: { type: 'string' } }, required: ['env'] },
    trust: 'approval',
    idempotent: false,
    execute: (args) => ({ deployed_to: args.env as string }),
  });

describe('tool approval through the host', () => {
  it('waits for a person, publishes attentionNeeded, and runs the approved (edited) call', async () => {
    const { host } = await memoryHost({ workflows: [deploy], registerTools: registerDeploy });
    const ev = recordEvents(host);
    const run = await host.startRun('test.deploy');
    expect(run.waiting).toMatchObject({ reason: 'tool_calls', tool_calls: [{ name: 'deploy', call_id: 'c1' }] });
    expect(ev.seen.attentionNeeded).toEqual([
      { runId: run.run_id, workflowId: 'test.deploy', reason: 'tool_calls', prompt: 'Approve, edit or deny: deploy' },
    ]);
    await expect(host.decideToolCalls(run.run_id, run.waiting!.wait_key, [{ call_id: 'nope', approved: true }])).rejects.toThrow(
      ValidationError,
    );
    const done = await host.decideToolCalls(run.run_id, run.waiting!.wait_key, [
      { call_id: 'c1', approved: true, arguments: { env: 'prod' } },
    ]);
    expect(done.status).toBe('completed');
    const result = (done.output as { result: { results: { success: boolean; output: unknown }[] } }).result;
    expect(result.results[0]).toMatchObject({ success: true, output: { deployed_to: 'prod' } });
  });

  it('a denied call is recorded as denied and the run goes on', async () => {
    const { host } = await memoryHost({ workflows: [deploy], registerTools: registerDeploy });
    const run = await host.startRun('test.deploy');
    const done = await host.decideToolCalls(run.run_id, run.waiting!.wait_key, [{ call_id: 'c1', approved: false, reason: 'not today' }]);
    const result = (done.output as { result: { results: { success: boolean; error: string }[] } }).result;
    expect(result.results[0]!.success).toBe(false);
    expect(result.results[0]!.error).toMatch(/not today/);
  });
});

import { describe, expect, it } from 'vitest';
import { RunNotResumableError, ValidationError, WorkflowNotFoundError } from '../../src-shared/errors';
import { defineWorkflow } from '../../src-main/runtime/index';
import { ledgerOf, memoryHost, recordEvents } from './hostFixture';

describe('RuntimeHost: driving runs', () => {
  it('auto-advances a run until it ends and publishes its records and state', async () => {
    const { host } = await memoryHost();
    const ev = recordEvents(host);
    const run = await host.startRun('examples.counter', { n: 5 });
    expect(run.status).toBe('completed');
    expect(run.output).toEqual({ count: 5 });
    const published = ev.seen.ledgerAppended.filter((e) => e.runId === run.run_id).flatMap((e) => e.records.map((r) => r.seq));
    expect(published).toEqual(ledgerOf(host, run.run_id).map((r) => r.seq));
    expect(ev.seen.runUpdated.at(-1)?.run).toMatchObject({ run_id: run.run_id, status: 'completed' });
  });

  it('coalesces ledgerAppended: a 1,000-step run does not emit one event per record', async () => {
    const { host } = await memoryHost();
    const ev = recordEvents(host);
    const run = await host.startRun('examples.counter', { n: 1000 });
    expect(run.status).toBe('completed');
    const events = ev.seen.ledgerAppended.filter((e) => e.runId === run.run_id);
    expect(events.reduce((n, e) => n + e.records.length, 0)).toBe(ledgerOf(host, run.run_id).length);
    expect(events.length).toBeLessThan(20);
  });

  it('step mode: the run advances exactly one step per stepRun, continueRun finishes it', async () => {
    const { host } = await memoryHost();
    const run = await host.startRun('examples.counter', { n: 3 }, { stepMode: true });
    expect(run.status).toBe('running');
    expect(run.step_count).toBe(0);
    const s1 = await host.stepRun(run.run_id);
    expect(s1.step_count).toBe(1);
    expect(s1.vars.i).toBe(1);
    const s2 = await host.stepRun(run.run_id);
    expect(s2.vars.i).toBe(2);
    // Nothing else advances a run in step mode (timers pass, recovery, plain advance).
    expect((await host.advance(run.run_id)).step_count).toBe(2);
    await host.recoverOnStart();
    expect(host.getRun(run.run_id).step_count).toBe(2);
    const done = await host.continueRun(run.run_id);
    expect(done.status).toBe('completed');
    expect(host.stepMode(run.run_id)).toBe(false);
  });

  it('breakpoints pause BEFORE the node; continueRun runs past it to the next one', async () => {
    const { host } = await memoryHost();
    const run = await host.startRun('examples.counter', { n: 3 }, { breakpoints: ['done'] });
    expect(run.status).toBe('running');
    expect(run.current_node).toBe('done');
    expect(run.vars.i).toBe(3);
    expect(ledgerOf(host, run.run_id).some((r) => r.kind === 'completed')).toBe(false);
    const done = await host.continueRun(run.run_id);
    expect(done.status).toBe('completed');
  });

  it('a breakpoint on a loop node stops at every visit', async () => {
    const { host } = await memoryHost();
    const run = await host.startRun('examples.counter', { n: 3 }, { stepMode: true });
    host.setBreakpoints(run.run_id, ['count']);
    await host.setStepMode(run.run_id, false);
    // At a breakpoint node already: a plain advance does not move it.
    expect(host.getRun(run.run_id).step_count).toBe(0);
    const a = await host.continueRun(run.run_id);
    expect(a).toMatchObject({ current_node: 'count', step_count: 1 });
    const b = await host.continueRun(run.run_id);
    expect(b).toMatchObject({ current_node: 'count', step_count: 2 });
    host.setBreakpoints(run.run_id, []);
    expect((await host.continueRun(run.run_id)).status).toBe('completed');
  });

  it('refuses breakpoints on nodes the workflow does not have', async () => {
    const { host } = await memoryHost();
    const run = await host.startRun('examples.counter', { n: 1 }, { stepMode: true });
    expect(() => host.setBreakpoints(run.run_id, ['nope'])).toThrow(ValidationError);
  });

  it('answer checks the choices, resumes the wait and advances (ask_user → trusted tool → done)', async () => {
    const { host } = await memoryHost();
    const ev = recordEvents(host);
    const run = await host.startRun('examples.approval');
    expect(run.status).toBe('waiting');
    expect(run.waiting).toMatchObject({ reason: 'user', choices: ['approve', 'reject'], allow_free_text: false });
    expect(ev.seen.attentionNeeded).toEqual([
      { runId: run.run_id, workflowId: 'examples.approval', reason: 'user', prompt: 'Run the tool now?' },
    ]);
    await expect(host.answer(run.run_id, 'maybe')).rejects.toThrow(ValidationError);
    expect(host.getRun(run.run_id).status).toBe('waiting');
    const done = await host.answer(run.run_id, 'approve');
    expect(done.status).toBe('completed');
    const output = done.output as { approved: boolean; tool: { results: { success: boolean }[] } };
    expect(output.approved).toBe(true);
    expect(output.tool.results[0]!.success).toBe(true);
    const resumed = ledgerOf(host, run.run_id).find((r) => r.kind === 'resumed')!;
    expect(resumed.actor?.kind).toBe('user');
  });

  it('rejecting the approval skips the tool', async () => {
    const { host } = await memoryHost();
    const run = await host.startRun('examples.approval');
    const done = await host.answer(run.run_id, 'reject');
    expect(done.output).toEqual({ approved: false, tool: null });
    expect(ledgerOf(host, run.run_id).some((r) => r.effect?.type === 'tool_calls')).toBe(false);
  });

  it('startRun refuses an unknown workflow or version with a clear error', async () => {
    const { host } = await memoryHost();
    await expect(host.startRun('examples.nope')).rejects.toThrow(WorkflowNotFoundError);
    await expect(host.startRun('examples.counter', {}, { version: '9' })).rejects.toThrow(/known versions: 1/);
  });

  it('recovers runs left running by a previous host (crash between steps)', async () => {
    const first = await memoryHost();
    // A host that died right after start: the run exists, nothing ticked it.
    const started = await first.host.runtime.start('examples.counter', { n: 4 });
    expect(started.status).toBe('running');
    const second = await memoryHost({ store: first.store, clock: first.clock, leaseOwner: 'host-2' });
    const recovered = await second.host.recoverOnStart();
    expect(recovered).toEqual([started.run_id]);
    expect(second.host.getRun(started.run_id)).toMatchObject({ status: 'completed', output: { count: 4 } });
  });

  it('a run whose workflow version is missing stays visible but is not resumable, and says why', async () => {
    const v2 = defineWorkflow({
      id: 'examples.counter',
      version: '2',
      entry: 'ask',
      nodes: { ask: { handler: () => ({ effect: { type: 'ask_user', payload: { prompt: 'v2?' } }, resultKey: 'a' }) } },
    });
    const first = await memoryHost({ workflows: [v2] });
    const run = await first.host.startRun('examples.counter', {}, { version: '2' });
    expect(run.status).toBe('waiting');
    const second = await memoryHost({ store: first.store, clock: first.clock });
    const reason = second.host.notResumableReason(second.host.getRun(run.run_id));
    expect(reason).toBe('workflow examples.counter@2 is not registered here (known versions: 1)');
    await expect(second.host.answer(run.run_id, 'yes')).rejects.toThrow(RunNotResumableError);
    await expect(second.host.stepRun(run.run_id)).rejects.toThrow(RunNotResumableError);
    expect(second.host.getRun(run.run_id).status).toBe('waiting');
  });

  it('never advances one run twice at once inside one host', async () => {
    const { host } = await memoryHost();
    const run = await host.startRun('examples.counter', { n: 300 }, { stepMode: true });
    await host.setStepMode(run.run_id, false).catch(() => undefined);
    const results = await Promise.all([host.advance(run.run_id), host.advance(run.run_id), host.continueRun(run.run_id)]);
    for (const r of results) expect(r.status).toBe('completed');
    const ledger = ledgerOf(host, run.run_id);
    expect(ledger.filter((r) => r.kind === 'completed')).toHaveLength(1);
    expect(ledger.map((r) => r.seq)).toEqual(ledger.map((_, i) => i));
  });
});

describe('RuntimeHost: pausing a busy run', () => {
  it('pauses a long-running loop promptly instead of waiting for it to finish', async () => {
    const { host } = await memoryHost();
    const running = host.startRun('examples.counter', { n: 100_000 });
    // Let the first chunks run, then pause while the run is still advancing.
    await new Promise((r) => setImmediate(r));
    const paused = await host.pauseRun((await firstRunId(host))!);
    expect(paused.paused).toBe(true);
    const stopped = await running;
    expect(stopped.status).toBe('running');
    expect(stopped.vars.i as number).toBeLessThan(100_000);
    const resumed = await host.unpauseRun(stopped.run_id);
    expect(resumed.status).toBe('completed');
  });
});

describe('RuntimeHost: cancelling a busy run', () => {
  it('cancels a long-running loop at once; the advance stops and nothing is written after the cancel', async () => {
    const { host } = await memoryHost();
    const running = host.startRun('examples.counter', { n: 100_000 });
    await new Promise((r) => setImmediate(r));
    const cancelled = await host.cancelRun((await firstRunId(host))!, 'too long');
    expect(cancelled.status).toBe('cancelled');
    const final = await running;
    expect(final.status).toBe('cancelled');
    expect(ledgerOf(host, final.run_id).at(-1)!.kind).toBe('cancelled');
  });
});

async function firstRunId(host: Awaited<ReturnType<typeof memoryHost>>['host']) {
  for (;;) {
    const id = host.store.listRuns({}).runs[0]?.run_id;
    if (id) return id;
    await new Promise((r) => setImmediate(r));
  }
}

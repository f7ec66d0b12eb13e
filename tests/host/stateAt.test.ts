import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src-shared/errors';
import { StateAtIndex, stateAt } from '../../src-main/host/stateAt';
import { ledgerOf, memoryHost } from './hostFixture';

describe('getStateAt: the state right after a ledger record', () => {
  it('replays vars step by step (counter)', async () => {
    const { host, store } = await memoryHost();
    const run = await host.startRun('examples.counter', { n: 3 });
    const ledger = ledgerOf(host, run.run_id);
    expect(stateAt(store, run, 0)).toEqual({ seq: 0, vars: { n: 3 }, status: 'running', current_node: 'count' });
    expect(stateAt(store, run, 1).vars).toEqual({ n: 3, i: 1 });
    const last = ledger.length - 1;
    expect(stateAt(store, run, last)).toEqual({ seq: last, vars: run.vars, status: 'completed', current_node: run.current_node });
  });

  it('covers waits, resumes, effects, restore and fork: the replay at the head equals the stored vars', async () => {
    const { host, store } = await memoryHost();
    const run = await host.startRun('examples.approval');
    const waitSeq = host.getRun(run.run_id).ledger_head!.seq;
    expect(stateAt(store, host.getRun(run.run_id), waitSeq)).toMatchObject({ status: 'waiting', current_node: 'ask' });
    const snap = await host.createSnapshot(run.run_id, { name: 'gate' });
    const done = await host.answer(run.run_id, 'approve');
    const answered = ledgerOf(host, run.run_id).find((r) => r.kind === 'resumed')!;
    expect(stateAt(store, done, answered.seq).vars).toMatchObject({ answer: { text: 'approve' } });
    expect(stateAt(store, done, done.ledger_head!.seq).vars).toEqual(done.vars);
    const restored = await host.restoreSnapshot(snap.snapshot_id);
    expect(stateAt(store, restored, restored.ledger_head!.seq)).toMatchObject({ vars: restored.vars, status: 'waiting' });
    const forked = await host.forkSnapshot(snap.snapshot_id, { question: 'Forked?' });
    expect(stateAt(store, forked, forked.ledger_head!.seq).vars).toEqual(forked.vars);
  });

  it('refuses a seq past the head', async () => {
    const { host, store } = await memoryHost();
    const run = await host.startRun('examples.counter', { n: 1 });
    expect(() => stateAt(store, run, 999)).toThrow(ValidationError);
  });
});

describe('StateAtIndex (checkpointed replay)', () => {
  it('gives the same answers as a full replay, in any order, on a ledger past several checkpoints', async () => {
    const { host, store } = await memoryHost();
    const run = await host.startRun('examples.counter', { n: 2600 });
    const index = new StateAtIndex(store);
    const head = run.ledger_head!.seq;
    for (const seq of [2500, 999, 1000, 1001, 0, head, 2001, 1999]) {
      expect(index.stateAt(run, seq)).toEqual(stateAt(store, run, seq));
    }
    expect(index.stateAt(run, 1500).vars).toEqual({ n: 2600, i: 1500 });
  });
});

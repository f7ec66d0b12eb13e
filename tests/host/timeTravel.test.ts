import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { verifyRunLedger } from '../../src-main/ledger/index';
import { memoryHost, tempDir } from './hostFixture';

describe('time travel from any record', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  async function setup() {
    const t = tempDir();
    const store = SqliteStore.open(join(t.dir, 'runtime.db'));
    cleanups.push(() => store.close(), t.cleanup);
    const { host } = await memoryHost({ store: store as never });
    return { host, api: createApiHandlers(host) };
  }

  it('previews what going back means: effects that run again, the wait that re-arms, records left behind', async () => {
    const { host, api } = await setup();
    const run = await host.startRun('examples.event', { eventName: 'approved' });
    await host.emitEvent('approved', { ok: true });
    const ledger = [...host.store.iterateLedger(run.run_id)];
    const waiting = ledger.find((r) => r.kind === 'effect' && r.status === 'waiting')!;
    const head = ledger.at(-1)!.seq;

    const fromStart = await api.previewTimeTravel({ runId: run.run_id, seq: 0 });
    expect(fromStart).toMatchObject({ seq: 0, status: 'running', reusedResults: 0, waitReArms: null, superseded: head });
    expect(fromStart.effectsAgain.map((e) => [e.seq, e.type])).toEqual([[waiting.seq, 'wait_event']]);

    const atWait = await api.previewTimeTravel({ runId: run.run_id, seq: waiting.seq });
    expect(atWait).toMatchObject({
      status: 'waiting',
      node: 'wait',
      waitReArms: { reason: 'event', event_name: 'approved' },
      effectsAgain: [],
    });

    const started = ledger.find((r) => r.kind === 'effect' && r.status === 'started')!;
    await expect(async () => api.previewTimeTravel({ runId: run.run_id, seq: started.seq })).rejects.toThrow(/inside a step/);
    await expect(async () => api.previewTimeTravel({ runId: run.run_id, seq: head + 5 })).rejects.toThrow(/no record/);
  });

  it('forks from a record with an edited var, and restores to a record (the wait re-arms, the chain still verifies)', async () => {
    const { host, api } = await setup();
    const run = await host.startRun('examples.event', { eventName: 'approved' });
    await host.emitEvent('approved', { first: true });
    const waiting = [...host.store.iterateLedger(run.run_id)].find((r) => r.kind === 'effect' && r.status === 'waiting')!;

    const fork = await api.forkFromRecord({ runId: run.run_id, seq: 0, vars: { eventName: 'other' } });
    expect(fork).toMatchObject({ status: 'waiting', origin: { kind: 'fork', run_id: run.run_id, seq: 0 } });
    expect(fork.waiting?.event_name).toBe('other');
    const forked = [...host.store.iterateLedger(fork.run_id)][0]!;
    expect(forked).toMatchObject({ kind: 'forked', result: { edited_vars: { eventName: 'other' } } });

    const restored = await api.restoreToRecord({ runId: run.run_id, seq: waiting.seq });
    expect(restored.status).toBe('waiting');
    expect(restored.waiting?.event_name).toBe('approved');
    // The inspector finds the restore (through the partial index) to mark what it superseded.
    expect((await api.findLedger({ runId: run.run_id, kind: 'restored' })).seqs).toEqual([restored.ledger_head!.seq]);
    expect(restored.waiting?.wait_key).not.toBe((waiting.result as { wait_key: string }).wait_key);
    await host.emitEvent('approved', { second: true });
    expect(host.getRun(run.run_id)).toMatchObject({ status: 'completed', output: { event: { second: true } } });
    expect(verifyRunLedger(host.store, run.run_id, host.verifyOptions()).valid).toBe(true);
    // The state inspector replays through the record-snapshot.
    const last = host.getRun(run.run_id).ledger_head!.seq;
    expect((await api.getStateAt({ runId: run.run_id, seq: last })).vars).toEqual(host.getRun(run.run_id).vars);
  });
});

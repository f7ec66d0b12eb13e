import { beforeEach, describe, expect, it } from 'vitest';
import { RunNotFoundError } from '../../src-shared/errors';
import { useAttentionStore } from '../../src-renderer/state/attentionStore';
import { setRuntimeClient } from '../../src-renderer/state/clientRef';
import { LEDGER_PAGE, useLedgerStore } from '../../src-renderer/state/ledgerStore';
import { handleEvent, refetchVisible } from '../../src-renderer/state/liveEvents';
import { useRunsStore } from '../../src-renderer/state/runsStore';
import { useRunViewStore } from '../../src-renderer/state/runViewStore';
import { useToastStore } from '../../src-renderer/state/toastStore';
import { createFakeClient } from './support/fakeClient';
import { pagedLedger, record, runView, summary } from './support/fixtures';

const settle = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  useLedgerStore.getState().reset();
  useRunViewStore.getState().reset();
  useToastStore.setState({ toasts: [] });
  useAttentionStore.setState({ waiting: new Set() });
  useRunsStore.setState({ runs: [], total: 0, filters: { status: 'all', workflowId: '', search: '', from: '', to: '' }, error: null });
});

describe('ledger window', () => {
  it('opens at the end of a 100,000-record run without loading it all', async () => {
    const client = createFakeClient({ getLedger: pagedLedger(100_000) });
    setRuntimeClient(client);
    await useLedgerStore.getState().open('run-1');
    const s = useLedgerStore.getState();
    expect(s.total).toBe(100_000);
    expect(s.records.size).toBe(LEDGER_PAGE);
    expect(s.records.get(99_999)?.seq).toBe(99_999);
    expect(client.callsTo('getLedger')).toEqual([{ runId: 'run-1', fromEnd: true, limit: LEDGER_PAGE }]);
  });

  it('fetches only the pages a scroll position needs, once each, and evicts far pages', async () => {
    const client = createFakeClient({ getLedger: pagedLedger(100_000) });
    setRuntimeClient(client);
    await useLedgerStore.getState().open('run-1');
    useLedgerStore.getState().ensureRange(50_010, 50_040);
    useLedgerStore.getState().ensureRange(50_010, 50_040);
    await settle();
    expect(client.callsTo('getLedger').slice(1)).toEqual([{ runId: 'run-1', afterSeq: 49_999, limit: LEDGER_PAGE }]);
    expect(useLedgerStore.getState().records.get(50_020)?.seq).toBe(50_020);
    for (let p = 0; p < 60; p++) {
      useLedgerStore.getState().ensureRange(p * LEDGER_PAGE, p * LEDGER_PAGE + 10);
      await settle();
    }
    const s = useLedgerStore.getState();
    expect(s.loadedPages.length).toBeLessThanOrEqual(50);
    expect(s.records.size).toBeLessThanOrEqual(50 * LEDGER_PAGE);
    expect(s.records.has(50_020)).toBe(false); // far from where the user is now
  });

  it('appends live records of the open run only, growing the total', async () => {
    setRuntimeClient(createFakeClient({ getLedger: pagedLedger(3) }));
    await useLedgerStore.getState().open('run-1');
    handleEvent(
      { event: 'ledgerAppended', data: { runId: 'other', records: [record(3, { run_id: 'other' })] } },
      { systemNotifications: false },
    );
    expect(useLedgerStore.getState().total).toBe(3);
    handleEvent({ event: 'ledgerAppended', data: { runId: 'run-1', records: [record(3), record(4)] } }, { systemNotifications: false });
    expect(useLedgerStore.getState().total).toBe(5);
    expect(useLedgerStore.getState().records.get(4)?.record_hash).toBe('hash4');
  });

  it('shows the error code when a page cannot be read', async () => {
    setRuntimeClient(
      createFakeClient({
        getLedger: () => {
          throw new RunNotFoundError('no run gone');
        },
      }),
    );
    await useLedgerStore.getState().open('gone');
    expect(useLedgerStore.getState().error).toBe('RUN_NOT_FOUND: no run gone');
  });
});

describe('run view', () => {
  it('coalesces a burst of runUpdated events into few refetches', async () => {
    let calls = 0;
    const client = createFakeClient({
      getRun: async () => {
        calls++;
        await settle();
        return runView({ step_count: calls });
      },
      verifyRun: () => ({ valid: true, records: 2, firstBadSeq: null, reason: null, message: 'ok', signed: null }),
      searchSnapshots: () => [],
    });
    setRuntimeClient(client);
    await useRunViewStore.getState().open('run-1');
    calls = 0;
    for (let i = 0; i < 20; i++) handleEvent({ event: 'runUpdated', data: { run: summary() } }, { systemNotifications: false });
    for (let i = 0; i < 5; i++) await settle();
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(2);
  });

  it('turns a failed control into a toast with the error code and refetches', async () => {
    const client = createFakeClient({
      getRun: () => runView(),
      verifyRun: () => ({ valid: true, records: 2, firstBadSeq: null, reason: null, message: 'ok', signed: null }),
      searchSnapshots: () => [],
      stepRun: () => {
        throw new RunNotFoundError('run-1 vanished');
      },
    });
    setRuntimeClient(client);
    await useRunViewStore.getState().open('run-1');
    await useRunViewStore.getState().step();
    expect(useToastStore.getState().toasts.at(-1)).toMatchObject({ kind: 'error', message: 'RUN_NOT_FOUND: run-1 vanished' });
    expect(client.callsTo('getRun').length).toBe(2);
  });
});

describe('attention', () => {
  it('counts runs waiting for a person from events, and toasts attentionNeeded with a deep link', () => {
    handleEvent(
      { event: 'runUpdated', data: { run: summary({ run_id: 'a', status: 'waiting', waiting_reason: 'user' }) } },
      { systemNotifications: false },
    );
    handleEvent(
      { event: 'runUpdated', data: { run: summary({ run_id: 'b', status: 'waiting', waiting_reason: 'tool_calls' }) } },
      { systemNotifications: false },
    );
    expect(useAttentionStore.getState().waiting.size).toBe(2);
    handleEvent({ event: 'runUpdated', data: { run: summary({ run_id: 'a', status: 'completed' }) } }, { systemNotifications: false });
    expect(useAttentionStore.getState().waiting.size).toBe(1);
    handleEvent(
      { event: 'attentionNeeded', data: { runId: 'b', workflowId: 'examples.approval', reason: 'tool_calls', prompt: 'Approve rm?' } },
      { systemNotifications: true },
    );
    expect(useToastStore.getState().toasts.at(-1)).toMatchObject({ kind: 'attention', message: 'Approve rm?', href: '#/runs/b' });
  });

  it('refetches the list, the open run and its ledger after a reconnect', async () => {
    const client = createFakeClient({
      listRuns: (req) => ({
        runs: req.status === 'waiting' ? [summary({ run_id: 'w', status: 'waiting', waiting_reason: 'user' })] : [summary()],
        total: 1,
      }),
      getRun: () => runView(),
      getLedger: pagedLedger(5),
    });
    setRuntimeClient(client);
    useRunViewStore.setState({ runId: 'run-1' });
    await refetchVisible(client);
    expect(useRunsStore.getState().runs).toHaveLength(1);
    expect(useAttentionStore.getState().waiting.has('w')).toBe(true);
    expect(useLedgerStore.getState().total).toBe(5);
    expect(useRunViewStore.getState().view?.state.run_id).toBe('run-1');
  });
});

import { describe, expect, it } from 'vitest';
import { hashRecord } from '../../src-main/runtime/index';
import type { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { ledgerOf, memoryHost, recordEvents } from './hostFixture';

function expectValidChain(host: RuntimeHost, runId: string) {
  const ledger = ledgerOf(host, runId);
  ledger.forEach((r, i) => {
    expect(r.seq).toBe(i);
    expect(r.prev_hash).toBe(i === 0 ? null : ledger[i - 1]!.record_hash);
    expect(hashRecord(r)).toBe(r.record_hash);
  });
  expect(host.getRun(runId).ledger_head).toEqual({ seq: ledger.length - 1, hash: ledger.at(-1)!.record_hash });
}

describe('snapshots: create, search, restore, fork', () => {
  it('creates and searches snapshots by text, run and time range', async () => {
    const { host, clock } = await memoryHost();
    const run = await host.startRun('examples.approval');
    const s1 = await host.createSnapshot(run.run_id, { name: 'before answer', description: 'awaiting approval', tags: ['gate'] });
    expect(s1).not.toHaveProperty('state');
    clock.advance(60_000);
    const other = await host.startRun('examples.event');
    await host.createSnapshot(other.run_id, { name: 'event wait', tags: ['events'] });
    expect(host.searchSnapshots({ text: 'gate' }).map((s) => s.snapshot_id)).toEqual([s1.snapshot_id]);
    expect(host.searchSnapshots({ text: 'APPROVAL' }).map((s) => s.snapshot_id)).toEqual([s1.snapshot_id]);
    expect(host.searchSnapshots({ runId: other.run_id })).toHaveLength(1);
    expect(host.searchSnapshots({ to: '2026-03-01T09:00:30.000Z' }).map((s) => s.snapshot_id)).toEqual([s1.snapshot_id]);
    expect(ledgerOf(host, run.run_id).at(-1)!.kind).toBe('snapshot');
  });

  it('restore: the run goes back to the snapshot, the chain stays valid, ask_user asks again', async () => {
    const { host } = await memoryHost();
    const ev = recordEvents(host);
    const run = await host.startRun('examples.approval');
    const firstKey = run.waiting!.wait_key;
    const snap = await host.createSnapshot(run.run_id, { name: 'at the gate' });
    const done = await host.answer(run.run_id, 'approve');
    expect(done.status).toBe('completed');
    const restored = await host.restoreSnapshot(snap.snapshot_id);
    expect(restored.status).toBe('waiting');
    expect(restored.waiting?.reason).toBe('user');
    expect(restored.waiting?.wait_key).not.toBe(firstKey);
    expect(restored.vars).not.toHaveProperty('answer');
    expect(ledgerOf(host, run.run_id).some((r) => r.kind === 'restored')).toBe(true);
    expectValidChain(host, run.run_id);
    expect(ev.seen.attentionNeeded.filter((e) => e.runId === run.run_id)).toHaveLength(2);
    // The old answer's key cannot land on the re-armed wait: it is a no-op (already applied once).
    const head = host.getRun(run.run_id).ledger_head;
    const same = await host.resume(run.run_id, firstKey, { text: 'approve' });
    expect(same).toMatchObject({ status: 'waiting', ledger_head: head });
    expect((await host.answer(run.run_id, 'reject')).output).toEqual({ approved: false, tool: null });
    expectValidChain(host, run.run_id);
  });

  it('restore re-arms a wait_until timer, which fires again when due', async () => {
    const { host, clock } = await memoryHost();
    const run = await host.startRun('examples.timer', { delayMs: 1000 });
    const snap = await host.createSnapshot(run.run_id, { name: 'timer armed' });
    clock.advance(1000);
    expect(await host.runDueTimers()).toEqual([run.run_id]);
    expect(host.getRun(run.run_id).status).toBe('completed');
    const restored = await host.restoreSnapshot(snap.snapshot_id);
    expect(restored).toMatchObject({ status: 'waiting', waiting: { reason: 'until' } });
    expect(await host.runDueTimers()).toEqual([run.run_id]);
    expect(host.getRun(run.run_id).status).toBe('completed');
    expect(ledgerOf(host, run.run_id).filter((r) => r.kind === 'resumed')).toHaveLength(2);
    expectValidChain(host, run.run_id);
  });

  it('restoring twice is fine: each restore appends its own record', async () => {
    const { host } = await memoryHost();
    const run = await host.startRun('examples.approval');
    const snap = await host.createSnapshot(run.run_id, { name: 'gate' });
    await host.restoreSnapshot(snap.snapshot_id);
    const again = await host.restoreSnapshot(snap.snapshot_id);
    expect(again.status).toBe('waiting');
    expect(ledgerOf(host, run.run_id).filter((r) => r.kind === 'restored')).toHaveLength(2);
    expectValidChain(host, run.run_id);
  });

  it('restoring into a cancelled run revives it at the snapshot', async () => {
    const { host } = await memoryHost();
    const run = await host.startRun('examples.approval');
    const snap = await host.createSnapshot(run.run_id, { name: 'gate' });
    await host.cancelRun(run.run_id, 'changed my mind');
    const revived = await host.restoreSnapshot(snap.snapshot_id);
    expect(revived).toMatchObject({ status: 'waiting', waiting: { reason: 'user' } });
    expect((await host.answer(run.run_id, 'approve')).status).toBe('completed');
    expectValidChain(host, run.run_id);
  });

  it('fork: a new run from the snapshot with edited vars, linked to its origin, with its own chain', async () => {
    const { host } = await memoryHost();
    const run = await host.startRun('examples.counter', { n: 5 }, { stepMode: true });
    await host.stepRun(run.run_id);
    await host.stepRun(run.run_id);
    const snap = await host.createSnapshot(run.run_id, { name: 'after two steps' });
    const original = await host.continueRun(run.run_id);
    const forked = await host.forkSnapshot(snap.snapshot_id, { n: 7 });
    expect(forked.run_id).not.toBe(run.run_id);
    expect(forked.origin).toMatchObject({ kind: 'fork', run_id: run.run_id, seq: snap.ledger_seq, snapshot_id: snap.snapshot_id });
    expect(forked.status).toBe('completed');
    expect(forked.output).toEqual({ count: 7 });
    expect(original.output).toEqual({ count: 5 });
    const first = ledgerOf(host, forked.run_id)[0]!;
    expect(first.kind).toBe('forked');
    expect(first.actor?.kind).toBe('user');
    expect(first.result).toMatchObject({ edited_vars: { n: 7 } });
    expectValidChain(host, forked.run_id);
    expectValidChain(host, run.run_id);
  });
});

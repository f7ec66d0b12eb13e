import { describe, expect, it } from 'vitest';
import { SnapshotNotFoundError, ValidationError, WrongWaitKeyError } from '../../src-shared/errors';
import type { WorkflowInput } from '../../src-main/runtime';
import { hashCanonical, makeActor } from '../../src-main/runtime';
import { completed, kinds, ledger, scriptedHandler, setup } from './support';

// draft → ask (waits) → publish (effect) → done
const wf: WorkflowInput = {
  id: 'doc',
  version: '1',
  entry: 'draft',
  nodes: {
    draft: { next: ['ask'], handler: (run) => ({ next: 'ask', set: { draft: `about ${run.vars.topic}` } }) },
    ask: {
      next: ['publish'],
      handler: () => ({ effect: { type: 'ask_user', payload: { prompt: 'Publish?' } }, resultKey: 'ok', next: 'publish' }),
    },
    publish: {
      next: ['done'],
      handler: (run) => ({ effect: { type: 'publish', payload: { text: run.vars.draft as string } }, resultKey: 'url', next: 'done' }),
    },
    done: { handler: (run) => ({ complete: run.vars.url ?? null }) },
  },
};

async function atQuestion() {
  const publish = scriptedHandler([completed('https://x/1'), completed('https://x/2')]);
  const ctx = setup([wf], { effects: { publish } });
  const run = await ctx.runtime.start('doc', { topic: 'cats' });
  const w = await ctx.runtime.tick(run.run_id);
  return { ...ctx, publish, runId: run.run_id, wait: w.waiting! };
}

describe('snapshots', () => {
  it('createSnapshot saves state, head seq and state hash, searchable, and appends a snapshot record', async () => {
    const { runtime, store, runId } = await atQuestion();
    const state = store.getRun(runId)!;
    const snap = await runtime.createSnapshot(runId, { name: 'before publish', description: 'draft ready', tags: ['review'] });
    expect(snap).toMatchObject({
      run_id: runId,
      name: 'before publish',
      tags: ['review'],
      ledger_seq: state.ledger_head!.seq,
      state_hash: hashCanonical(state),
    });
    expect(snap.state).toEqual(state);
    expect(ledger(store, runId).at(-1)).toMatchObject({
      kind: 'snapshot',
      result: { snapshot_id: snap.snapshot_id, ledger_seq: snap.ledger_seq },
    });
    expect(store.searchSnapshots({ text: 'REVIEW' }).map((s) => s.snapshot_id)).toEqual([snap.snapshot_id]);
    await expect(runtime.createSnapshot(runId, { name: ' ' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('restore rolls state back, keeps history, re-arms the wait under a fresh key, and re-runs effects', async () => {
    const { runtime, store, runId, wait, publish } = await atQuestion();
    const snap = await runtime.createSnapshot(runId, { name: 'q' });
    await runtime.resume(runId, { waitKey: wait.wait_key, payload: { text: 'yes' } });
    expect((await runtime.tick(runId)).output).toBe('https://x/1');
    const before = ledger(store, runId).length;

    const restored = await runtime.restore(runId, snap.snapshot_id, makeActor('user', 'ada'));
    expect(restored).toMatchObject({ status: 'waiting', current_node: 'ask', vars: { topic: 'cats', draft: 'about cats' }, output: null });
    expect(restored.waiting!.prompt).toBe('Publish?');
    expect(restored.waiting!.wait_key).not.toBe(wait.wait_key);
    const records = ledger(store, runId);
    expect(records).toHaveLength(before + 1);
    expect(records.at(-1)).toMatchObject({ kind: 'restored', actor_id: 'ada', result: { snapshot_id: snap.snapshot_id } });

    // The old answer cannot land on the re-armed wait.
    await expect(runtime.resume(runId, { waitKey: 'user:nope', payload: {} })).rejects.toBeInstanceOf(WrongWaitKeyError);
    await runtime.resume(runId, { waitKey: restored.waiting!.wait_key, payload: { text: 'yes' } });
    expect((await runtime.tick(runId)).output).toBe('https://x/2');
    expect(publish.calls).toHaveLength(2);
  });

  it('restoring a cancelled run revives it', async () => {
    const { runtime, runId } = await atQuestion();
    const snap = await runtime.createSnapshot(runId, { name: 'q' });
    await runtime.cancel(runId);
    const revived = await runtime.restore(runId, snap);
    expect(revived.status).toBe('waiting');
  });

  it('refuses a tampered snapshot, a snapshot of another run, and an unknown id', async () => {
    const { runtime, runId } = await atQuestion();
    const snap = await runtime.createSnapshot(runId, { name: 'q' });
    await expect(runtime.restore(runId, { ...snap, state: { ...snap.state, vars: { topic: 'dogs' } } })).rejects.toThrow(
      /does not match its state hash/,
    );
    await expect(runtime.restore('other-run', snap)).rejects.toThrow(/fork it instead/);
    await expect(runtime.restore(runId, 'nope')).rejects.toBeInstanceOf(SnapshotNotFoundError);
  });

  it('fork starts a new run from a snapshot with its own chain, origin link and edited vars by the user', async () => {
    const { runtime, store, runId } = await atQuestion();
    const snap = await runtime.createSnapshot(runId, { name: 'q' });
    const ada = makeActor('user', 'ada');
    const forked = await runtime.fork(snap, { vars: { topic: 'dogs' }, actor: ada });
    expect(forked.run_id).not.toBe(runId);
    expect(forked).toMatchObject({
      parent_run_id: null,
      status: 'waiting',
      current_node: 'ask',
      vars: { topic: 'dogs', draft: 'about cats' },
      origin: { kind: 'fork', run_id: runId, seq: snap.ledger_seq, hash: snap.state.ledger_head!.hash, snapshot_id: snap.snapshot_id },
    });
    const records = ledger(store, forked.run_id);
    expect(kinds(records)).toEqual(['forked']);
    expect(records[0]).toMatchObject({ seq: 0, prev_hash: null, actor_id: 'ada', result: { edited_vars: { topic: 'dogs' } } });
    expect(forked.waiting!.wait_key).toContain(forked.run_id);
    await runtime.resume(forked.run_id, { waitKey: forked.waiting!.wait_key, payload: { text: 'y' } });
    expect((await runtime.tick(forked.run_id)).status).toBe('completed');
    expect(store.getRun(runId)!.status).toBe('waiting');
  });

  it('fork refuses non-JSON vars', async () => {
    const { runtime, runId } = await atQuestion();
    const snap = await runtime.createSnapshot(runId, { name: 'q' });
    await expect(runtime.fork(snap, { vars: { f: () => 1 } as never })).rejects.toThrow(/vars.f is not plain JSON/);
  });
});

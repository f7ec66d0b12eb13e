// Callers may name a run (hosts name child runs after their parent's effect, so a retried
// start finds the child it already made) and workflow defaults are merged into its vars.
import { describe, expect, it } from 'vitest';
import { ConcurrentUpdateError } from '../../src-shared/errors';
import { ledger, setup } from './support';

const wf = {
  id: 'named',
  version: '1',
  entry: 'done',
  defaultVars: { limits: { max: 3 }, mode: 'default' },
  nodes: { done: { handler: () => ({ complete: null }) } },
};

describe('start options', () => {
  it('uses a given run id, and refuses one already in use without writing anything', async () => {
    const { runtime, store } = setup([wf]);
    const run = await runtime.start('named', {}, { runId: 'parent.child-1' });
    expect(run.run_id).toBe('parent.child-1');
    const before = ledger(store, 'parent.child-1');
    await expect(runtime.start('named', { mode: 'other' }, { runId: 'parent.child-1' })).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(ledger(store, 'parent.child-1')).toEqual(before);
    expect(store.getRun('parent.child-1')!.vars.mode).toBe('default');
  });

  it('merges workflow defaults under the given vars, without sharing objects with the definition', async () => {
    const { runtime } = setup([wf]);
    const run = await runtime.start('named', { mode: 'given' });
    expect(run.vars).toEqual({ limits: { max: 3 }, mode: 'given' });
    (run.vars.limits as { max: number }).max = 99;
    expect(wf.defaultVars.limits.max).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import { internalize } from '../../src-main/runtime';
import { resolveArtifacts } from '../../src-main/runtime/artifacts';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { completed, effectWorkflow, ledger, scriptedHandler, setup } from './support';

describe('large values go to the artifact store', () => {
  const big = { text: 'x'.repeat(2000) };

  it('an effect result above the threshold is stored as an artifact; vars and records hold the reference', async () => {
    const store = new MemoryStore();
    const { runtime } = setup([effectWorkflow('t')], {
      store,
      artifacts: store,
      artifactThreshold: 1024,
      effects: { t: scriptedHandler([completed(big)]) },
    });
    const run = await runtime.start('fx');
    const done = await runtime.tick(run.run_id);
    // Only the large part is stored; the structure around it stays readable.
    const out = done.vars.out as { text: { $artifact: string; size: number; mime: string } };
    const ref = out.text;
    expect(ref).toMatchObject({ $artifact: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), mime: 'application/json' });
    expect(ref.size).toBeGreaterThan(2000);
    expect(ledger(store, run.run_id).find((r) => r.status === 'completed' && r.kind === 'effect')!.result).toEqual(out);
    expect(internalize(ref, store)).toEqual(big.text);
    expect(resolveArtifacts(out, store)).toEqual(big);
  });

  it('small values stay inline; a resume payload above the threshold is stored too', async () => {
    const store = new MemoryStore();
    const { runtime } = setup([effectWorkflow('ask_user', { prompt: '?' })], { store, artifacts: store, artifactThreshold: 1024 });
    const run = await runtime.start('fx');
    const w = await runtime.tick(run.run_id);
    const after = await runtime.resume(run.run_id, { waitKey: w.waiting!.wait_key, payload: big });
    expect((after.vars.out as { text: unknown }).text).toHaveProperty('$artifact');
    expect(w.waiting!.prompt).toBe('?');
  });

  it('a list of many small parts that is large as a whole is stored whole', async () => {
    const store = new MemoryStore();
    const many = Array.from({ length: 400 }, (_, i) => `item ${i}`);
    const { runtime } = setup([effectWorkflow('t')], {
      store,
      artifacts: store,
      artifactThreshold: 1024,
      effects: { t: scriptedHandler([completed(many)]) },
    });
    const done = await runtime.tick((await runtime.start('fx')).run_id);
    expect(done.vars.out).toHaveProperty('$artifact');
    expect(internalize(done.vars.out!, store)).toEqual(many);
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src-shared/canonicalJson';
import { parseJsonExact } from '../../src-shared/exactJson';
import type { JsonObject, JsonValue } from '../../src-shared/json';
import { internalize } from '../../src-main/runtime';
import { externalize, resolveArtifacts } from '../../src-main/runtime/artifacts';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { createToolCallsEffectHandler, ToolRegistry } from '../../src-main/effects/tools/index';
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

  it('a value stays inline exactly up to the threshold, by the bytes of its canonical JSON, whatever it holds', () => {
    const store = new MemoryStore();
    const values: JsonValue[] = [
      'a string alone, "quoted", é, \u0007',
      { s: '"quoted" \\ and \u0001\u001f controls' },
      { s: 'é 日本 🚀🚀', k: ['\u2028', ''] },
      { n: [-1.7976931348623157e308, 5e-324, 1e-7, -0, 2 ** 53] },
      { raw: parseJsonExact('[98765432109876543210123456789, 1.0, 1E5]') as JsonValue },
      { deep: [[[[{}]]], [], {}, [null, true, false]] },
      { ['"\u0000key"']: { '': 'x'.repeat(100) } },
    ];
    for (const v of values) {
      const bytes = new TextEncoder().encode(canonicalJson(v)).byteLength;
      expect(externalize(v, store, bytes)).toBe(v);
      expect(externalize(v, store, bytes - 1)).not.toBe(v);
    }
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

describe('calls awaiting a person are stored like every other value', () => {
  it('large pending arguments and settled results are references in the wait; the resume sees and records the values', async () => {
    const store = new MemoryStore();
    const bigOutput = { rows: Array.from({ length: 200 }, (_, i) => `row ${i}`) };
    const registry = new ToolRegistry();
    registry.register({
      name: 'lookup',
      description: 'trusted, returns a large value',
      parameters: { type: 'object' },
      trust: 'trusted',
      idempotent: true,
      execute: () => bigOutput,
    });
    const sent: unknown[] = [];
    registry.register({
      name: 'send',
      description: 'needs approval',
      parameters: { type: 'object' },
      trust: 'approval',
      idempotent: false,
      execute: (args) => (sent.push(args), { ok: true }),
    });
    const body = 'b'.repeat(3000);
    const payload: JsonObject = {
      tool_calls: [
        { name: 'lookup', arguments: {}, call_id: 'c1' },
        { name: 'send', arguments: { to: 'x', body }, call_id: 'c2' },
      ],
      allowed_tools: ['lookup', 'send'],
    };
    const { runtime } = setup([effectWorkflow('tool_calls', payload)], {
      store,
      artifacts: store,
      artifactThreshold: 1024,
      effects: { tool_calls: createToolCallsEffectHandler(registry) },
    });
    const run = await runtime.start('fx');
    const w = await runtime.tick(run.run_id);
    expect(w.status).toBe('waiting');
    const stored = w.waiting!;
    expect(stored.tool_calls![0]!.arguments).toEqual({ to: 'x', body: expect.objectContaining({ $artifact: expect.any(String) }) });
    const settled = JSON.stringify((stored.details!.results as unknown[])[0]);
    expect(settled).toContain('"$artifact":"sha256:');
    expect(settled.length).toBeLessThan(1024);
    expect(resolveArtifacts(stored.tool_calls, store)).toEqual([{ name: 'send', arguments: { to: 'x', body }, call_id: 'c2' }]);
    const waitingRecord = ledger(store, run.run_id).find((r) => r.status === 'waiting')!;
    expect((waitingRecord.result as { tool_calls: unknown }).tool_calls).toEqual(stored.tool_calls);

    const done = await runtime.resume(run.run_id, {
      waitKey: stored.wait_key,
      payload: { decisions: [{ call_id: 'c2', approved: true }] },
    });
    expect(sent).toEqual([{ to: 'x', body }]);
    const results = resolveArtifacts(done.vars.out, store) as { results: { call_id: string; success: boolean; output: unknown }[] };
    expect(results.results.map((r) => [r.call_id, r.success, r.output])).toEqual([
      ['c1', true, bigOutput],
      ['c2', true, { ok: true }],
    ]);
  });
});

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { defineWorkflow, FakeClock } from '../../src-main/runtime/index';
import { START, ledgerOf, memoryHost, tempDir } from './hostFixture';

/** A 1 MB list made by one node, transformed by the next; the output is a small digest of it. */
const bigValues = defineWorkflow({
  id: 'test.bigvalues',
  version: '1',
  entry: 'make',
  nodes: {
    make: {
      next: ['wait'],
      handler: () => ({ next: 'wait', set: { rows: Array.from({ length: 20_000 }, (_, i) => `row-${i}-${'x'.repeat(40)}`) } }),
    },
    // A person in between: the big value must survive the wait (and a restart) as a value.
    wait: {
      next: ['transform'],
      handler: () => ({ effect: { type: 'ask_user', payload: { prompt: 'go?' } }, resultKey: 'answer', next: 'transform' }),
    },
    transform: {
      next: ['done'],
      handler: (run) => {
        const rows = run.vars.rows;
        if (!Array.isArray(rows)) throw new Error(`rows is not a list: ${JSON.stringify(rows).slice(0, 200)}`);
        return { next: 'done', set: { upper: rows.map((r) => String(r).toUpperCase()) } };
      },
    },
    done: {
      handler: (run) => {
        const upper = run.vars.upper as string[];
        return { complete: { count: upper.length, first: upper[0]!, last: upper.at(-1)!, chars: upper.reduce((n, s) => n + s.length, 0) } };
      },
    },
  },
});

const EXPECTED = { count: 20_000, first: `ROW-0-${'X'.repeat(40)}`, last: `ROW-19999-${'X'.repeat(40)}`, chars: 0 };
EXPECTED.chars = Array.from({ length: 20_000 }, (_, i) => `row-${i}-${'x'.repeat(40)}`.length).reduce((a, b) => a + b, 0);

describe('large values are a storage detail: handlers see the value, the store keeps a reference', () => {
  const cleanups: (() => void)[] = [];
  const hosts: RuntimeHost[] = [];
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.close();
    cleanups.splice(0).forEach((c) => c());
  });

  it('in memory: a 1 MB value made by one node is transformed by the next, exactly', async () => {
    const { host } = await memoryHost({ workflows: [bigValues] });
    const run = await host.startRun('test.bigvalues', {});
    expect(run.status).toBe('waiting');
    // Stored as a reference (the chain covers its hash), not inline.
    expect(run.vars.rows).toMatchObject({ $artifact: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), mime: 'application/json' });
    expect((run.vars.rows as { size: number }).size).toBeGreaterThan(1_000_000);
    const transition = ledgerOf(host, run.run_id).find((r) => r.kind === 'transition');
    expect((transition!.result as { set: unknown }).set).toEqual({ rows: run.vars.rows });
    const done = await host.resume(run.run_id, run.waiting!.wait_key, 'go');
    expect(done.status).toBe('completed');
    expect(done.output).toEqual(EXPECTED);
  });

  it('on SQLite, across a restart in the middle: the value read back is the value written', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const clock = new FakeClock(START);
    const open = async (owner: string) => {
      const h = await RuntimeHost.open({
        dataDir: t.dir,
        dbPath: join(t.dir, 'runtime.db'),
        clock,
        leaseOwner: owner,
        env: {},
        projectFile: null,
        workflows: [bigValues],
      });
      hosts.push(h);
      return h;
    };
    const first = await open('host-1');
    const run = await first.startRun('test.bigvalues', {});
    expect(run.status).toBe('waiting');
    await first.close();
    hosts.splice(0);

    const second = await open('host-2');
    const done = await second.resume(run.run_id, run.waiting!.wait_key, 'go');
    expect(done.status).toBe('completed');
    expect(done.output).toEqual(EXPECTED);
    expect(second.getRun(run.run_id).vars.upper).toHaveProperty('$artifact');
  });
});

/**
 * Verifying a run another process is advancing: the run's head and its ledger are two reads,
 * and a commit may land between them. That is not damage and must not be reported as such
 * (records really past the head stay damage: tests/reliability/corruption.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyRunLedger } from '../../src-main/ledger/index';
import { createWorkflowRegistry, defineWorkflow, Runtime } from '../../src-main/runtime/index';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import type { CommitBatch } from '../../src-main/runtime/contracts';

const steps = defineWorkflow({
  id: 'test.steps',
  version: '1',
  entry: 'a',
  nodes: {
    a: {
      next: ['a', 'end'],
      handler: (run) => ((run.vars.n as number) < 50 ? { next: 'a', set: { n: (run.vars.n as number) + 1 } } : { next: 'end' }),
    },
    end: { handler: (run) => ({ complete: { n: run.vars.n ?? null } }) },
  },
});

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('verifying a live run', () => {
  it('a commit by another connection between the head read and the ledger scan is not reported as damage', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ar-verify-live-'));
    // The run's commits, made once and kept as data, so another connection can make the later
    // ones at the exact moment between the verifier's two reads.
    const source = SqliteStore.open(join(dir, 'source.db'), { durability: 'process' });
    const batches: CommitBatch[] = [];
    const commit = source.commit.bind(source);
    source.commit = (batch) => (batches.push(structuredClone(batch)), commit(batch));
    const rt = new Runtime({ store: source, workflows: createWorkflowRegistry([steps]) });
    const run = await rt.start(steps.id, { n: 0 });
    for (let i = 0; i < 5; i++) await rt.tick(run.run_id, { maxSteps: 1 });
    source.close();
    expect(batches.length).toBeGreaterThan(3);

    const file = join(dir, 'runs.db');
    const writer = SqliteStore.open(file, { durability: 'process' });
    const reader = SqliteStore.open(file, { durability: 'process' });
    const later = batches.splice(2);
    for (const b of batches) writer.commit(b);
    const scan = reader.scanLedgerRows.bind(reader);
    let interleaved = 0;
    reader.scanLedgerRows = (runId, visit) => {
      if (interleaved++ === 0) for (const b of later) writer.commit(b);
      scan(runId, visit);
    };
    expect(verifyRunLedger(reader, run.run_id)).toMatchObject({ valid: true });
    expect(interleaved).toBe(2);

    writer.close();
    reader.close();
  });
});

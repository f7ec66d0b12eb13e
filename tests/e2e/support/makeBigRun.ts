/**
 * Fixture: writes one long `examples.counter` run straight through the real kernel and
 * SqliteStore (real hash chain, so the run verifies), far faster than through HTTP.
 * Usage: npx tsx tests/e2e/support/makeBigRun.ts <db> <records>   → prints {"runId", "records"}
 */
import { Runtime, createWorkflowRegistry } from '../../../src-main/runtime/index';
import { SqliteStore } from '../../../src-main/store/sqlite/SqliteStore';
import { counterWorkflow } from '../../../src-main/workflows/counter';

const [dbPath, recordsArg] = process.argv.slice(2);
if (!dbPath || !recordsArg) throw new Error('usage: makeBigRun.ts <db> <records>');
const wanted = Number(recordsArg);

const store = SqliteStore.open(dbPath, { durability: 'process' });
try {
  const runtime = new Runtime({ store, workflows: createWorkflowRegistry([counterWorkflow]) });
  // run_started + n transitions + the final step(s): n = wanted - 3 lands on `wanted` or close.
  let state = await runtime.start('examples.counter', { n: Math.max(1, wanted - 3) });
  while (state.status === 'running') state = await runtime.tick(state.run_id, { maxSteps: 10_000 });
  const records = (state.ledger_head?.seq ?? -1) + 1;
  process.stdout.write(JSON.stringify({ runId: state.run_id, records, status: state.status }) + '\n');
} finally {
  store.close();
}

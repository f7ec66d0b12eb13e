/**
 * Fixture: starts one `examples.toolapproval` run whose start vars hold a note of `mb`
 * megabytes, through the real kernel and SqliteStore: the note is stored as an artifact that
 * the run's first record references, so the run's export is a genuine large bundle.
 * Usage: npx tsx tests/e2e/support/makeBigArtifactRun.ts <db> <mb>   → prints {"runId"}
 */
import { randomBytes } from 'node:crypto';
import { Runtime, createWorkflowRegistry } from '../../../src-main/runtime/index';
import { SqliteStore } from '../../../src-main/store/sqlite/SqliteStore';
import { toolApprovalWorkflow } from '../../../src-main/workflows/toolApproval';

const [dbPath, mbArg] = process.argv.slice(2);
if (!dbPath || !mbArg) throw new Error('usage: makeBigArtifactRun.ts <db> <mb>');

const store = SqliteStore.open(dbPath, { durability: 'process' });
try {
  const runtime = new Runtime({ store, artifacts: store, workflows: createWorkflowRegistry([toolApprovalWorkflow]) });
  // Hex text: incompressible like real data, and plain JSON.
  const note = randomBytes(Math.ceil((Number(mbArg) * 1024 * 1024) / 2)).toString('hex');
  const state = await runtime.start('examples.toolapproval', { notes: [note] });
  process.stdout.write(JSON.stringify({ runId: state.run_id }) + '\n');
} finally {
  store.close();
}

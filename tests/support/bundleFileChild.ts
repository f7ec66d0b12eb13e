/**
 * Child script: writes a genuine export bundle of one `examples.toolapproval` run whose start
 * vars hold a note of `mb` megabytes (stored as an artifact the run's first record
 * references), through the real kernel, so the test process that verifies it never held it.
 * Usage: node --import tsx tests/support/bundleFileChild.ts <file> <mb>   → prints {"runId"}
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createExportBundle } from '../../src-main/ledger/index';
import { Runtime, createWorkflowRegistry } from '../../src-main/runtime/index';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { toolApprovalWorkflow } from '../../src-main/workflows/toolApproval';
import { stringifyExact } from '../../src-shared/exactJson';

const [file, mbArg] = process.argv.slice(2);
if (!file || !mbArg) throw new Error('usage: bundleFileChild.ts <file> <mb>');
const store = new MemoryStore();
const runtime = new Runtime({ store, artifacts: store, workflows: createWorkflowRegistry([toolApprovalWorkflow]) });
// Hex text: incompressible like real data, and plain JSON.
const note = randomBytes(Math.ceil((Number(mbArg) * 1024 * 1024) / 2)).toString('hex');
const state = await runtime.start('examples.toolapproval', { notes: [note] });
writeFileSync(file, stringifyExact(createExportBundle(store, state.run_id)));
process.stdout.write(JSON.stringify({ runId: state.run_id }) + '\n');

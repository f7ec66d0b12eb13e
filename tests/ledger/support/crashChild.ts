/**
 * One life of the crash test's host: opens the SQLite file, starts the run if there is
 * none, and advances it one step per tick until it completes or waits for a person. The
 * parent SIGKILLs it at random moments. Usage: node --import tsx crashChild.ts <db> <lines file> <steps>
 * Exit codes: 0 completed, 3 waiting (recovery: a person must decide).
 */
import { Runtime } from '../../../src-main/runtime/index';
import { SqliteStore } from '../../../src-main/store/sqlite/SqliteStore';
import { CRASH_WORKFLOW_ID, LEASE_OWNER, appendLineHandler, crashRegistry } from './crashWorkflow';

const [db, lines, steps] = process.argv.slice(2) as [string, string, string];
const store = SqliteStore.open(db);
const runtime = new Runtime({
  store,
  workflows: crashRegistry(),
  effects: { append_line: appendLineHandler(lines) },
  leaseOwner: LEASE_OWNER,
});

async function main(): Promise<number> {
  const existing = store.listRuns({ limit: 1 }).runs[0];
  let state = existing ? store.getRun(existing.run_id)! : await runtime.start(CRASH_WORKFLOW_ID, { i: 0, steps: Number(steps) });
  process.stdout.write('ready\n');
  while (state.status === 'running') state = await runtime.tick(state.run_id, { maxSteps: 1 });
  return state.status === 'completed' ? 0 : 3;
}

main().then(
  (code) => {
    store.close();
    process.exit(code);
  },
  (err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  },
);

/**
 * Process A of the change-feed latency bench: commits `count` new runs to the database,
 * `gapMs` apart, each named `feed-<epoch ms just before its commit>-<i>`, then exits.
 */
import { Runtime, createWorkflowRegistry } from '../../src-main/runtime/index';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import { counterWorkflow } from '../../src-main/workflows/counter';

const [file, countText, gapText] = process.argv.slice(2);
const store = SqliteStore.open(file!, { durability: 'full' });
const runtime = new Runtime({ store, workflows: createWorkflowRegistry([counterWorkflow]) });
const count = Number(countText);
const gap = Number(gapText);

async function main(): Promise<void> {
  for (let i = 0; i < count; i++) {
    await new Promise((r) => setTimeout(r, gap));
    await runtime.start('examples.counter', { n: 1 }, { runId: `feed-${Date.now()}-${i}` });
  }
  store.close();
  console.log(JSON.stringify({ done: count }));
}
void main();

// The README's Quick Start, run as a test: the block between the markers is copied verbatim.
import { expect, it } from 'vitest';

// README:begin
import { defineWorkflow, createWorkflowRegistry, Runtime } from '../../src-main/runtime';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';

const greet = defineWorkflow({
  id: 'greet',
  version: '1',
  entry: 'ask',
  nodes: {
    // An effect plan: the run waits for a person; the answer lands in vars.answer.
    ask: { next: ['reply'], handler: () => ({ effect: { type: 'ask_user', payload: { prompt: 'Your name?' } }, resultKey: 'answer', next: 'reply' }) },
    reply: { handler: (run) => ({ complete: { greeting: `Hello, ${(run.vars.answer as { text: string }).text}!` } }) },
  },
});

const runtime = new Runtime({ store: new MemoryStore(), workflows: createWorkflowRegistry([greet]) });
const run = await runtime.start('greet', {});
const waiting = await runtime.tick(run.run_id); // advances until the run waits or ends
console.log(waiting.status, waiting.waiting?.prompt); // waiting Your name?

await runtime.resume(run.run_id, { waitKey: waiting.waiting!.wait_key, payload: { text: 'Ada' } });
const done = await runtime.tick(run.run_id);
console.log(done.status, done.output); // completed { greeting: 'Hello, Ada!' }

// Every step is in the run's hash-chained ledger.
const { records } = runtime.store.readLedger(run.run_id, { limit: 100 });
console.log(records.map((r) => `${r.seq} ${r.kind}/${r.status}`)); // 0 run_started/completed … 4 completed/completed
// README:end

it('runs the README Quick Start to completion', () => {
  expect(waiting.status).toBe('waiting');
  expect(waiting.waiting?.prompt).toBe('Your name?');
  expect(done.status).toBe('completed');
  expect(done.output).toEqual({ greeting: 'Hello, Ada!' });
  expect(records.map((r) => `${r.kind}/${r.status}`)).toEqual([
    'run_started/completed',
    'effect/started',
    'effect/waiting',
    'resumed/completed',
    'completed/completed',
  ]);
  expect(records.every((r, i) => r.seq === i && r.prev_hash === (i ? records[i - 1]!.record_hash : null))).toBe(true);
});

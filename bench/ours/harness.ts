/**
 * Builds our runtime on a file database the way the app does (SqliteStore + Runtime),
 * for the benchmark shapes.
 */
import { Runtime, createWorkflowRegistry } from '../../src-main/runtime/index';
import { SqliteStore } from '../../src-main/store/sqlite/SqliteStore';
import type { WorkflowDefinition } from '../../src-main/runtime/contracts';

export type Durability = 'full' | 'process';

export interface OursHarness {
  store: SqliteStore;
  runtime: Runtime;
  close(): void;
}

export function openOurs(file: string, durability: Durability, workflows: WorkflowDefinition[]): OursHarness {
  const store = SqliteStore.open(file, { durability });
  const runtime = new Runtime({
    store,
    workflows: createWorkflowRegistry(workflows),
    // ask_user is one of the kernel's built-in waits: no handler to inject.
  });
  return { store, runtime, close: () => store.close() };
}

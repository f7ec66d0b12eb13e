/** What the PostgreSQL store tests share: a run created in one commit, and the store's calls to the server counted. */
import { onTestFinished, vi } from 'vitest';
import type { RunState } from '../../src-shared/types';
import type { PostgresStore } from '../../src-main/store/postgres/PostgresStore';
import { PgSyncClient } from '../../src-main/store/postgres/pgSyncClient';
import { chain } from './conformance';

export function createRun(store: PostgresStore, runId: string): RunState {
  const c = chain(null, runId, [{ step_id: 's0' }]);
  store.commit({ ...c, isNew: true });
  return c.state;
}

/** Counts calls to the server (every PgSyncClient.run) from now to the end of the test. */
export function countCalls(): () => number {
  const spy = vi.spyOn(PgSyncClient.prototype, 'run');
  onTestFinished(() => spy.mockRestore());
  return () => spy.mock.calls.length;
}

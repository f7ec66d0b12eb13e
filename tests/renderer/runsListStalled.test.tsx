// @vitest-environment jsdom
/**
 * The runs list marks a stalled run (runnable, nobody advancing it) with a "stalled" badge
 * whose title says why, and marks no other run. The list is fed by a real host's API
 * handlers (a memory store with no worker on it), so the reason is the host's own.
 */
import './setup-dom';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiMethod } from '../../src-shared/api';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import type { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { RunsPage } from '../../src-renderer/runs/RunsPage';
import { setRuntimeClient } from '../../src-renderer/state/clientRef';
import { useRunsStore } from '../../src-renderer/state/runsStore';
import { memoryHost } from '../host/hostFixture';
import { createFakeClient, type FakeHandlers } from './support/fakeClient';

let host: RuntimeHost | null = null;
afterEach(async () => {
  await host?.close();
  host = null;
});

/** A client whose every method is the host's own API handler. */
function clientOf(h: RuntimeHost) {
  const api = createApiHandlers(h) as unknown as Record<ApiMethod, (req: unknown) => unknown>;
  const handlers = new Proxy({} as FakeHandlers, { get: (_, method) => api[method as ApiMethod] });
  return createFakeClient(handlers);
}

describe('runs list: stalled badge', () => {
  it('shows "stalled" with the reason on a runnable run no worker advances, and on no other run', async () => {
    const made = await memoryHost();
    host = made.host;
    // Created for a worker to advance; there is none on this store.
    const stuck = await host.startRun('examples.counter', { n: 2 }, { detach: true });
    const done = await host.startRun('examples.counter', { n: 1 });
    expect(done.status).toBe('completed');
    made.clock.advance(6_000);

    setRuntimeClient(clientOf(host));
    useRunsStore.setState({ runs: [], total: 0, workflows: [], error: null });
    render(<RunsPage query={new URLSearchParams()} />);
    await act(() => useRunsStore.getState().load());

    const stuckRow = await waitFor(() => {
      const row = document.querySelector(`tr[data-run-id="${stuck.run_id}"]`);
      expect(row).toBeTruthy();
      return row as HTMLElement;
    });
    const badge = within(stuckRow).getByText('stalled');
    expect(badge.getAttribute('title')).toMatch(/run is runnable at node count, but no worker is running on this database/);
    const doneRow = document.querySelector(`tr[data-run-id="${done.run_id}"]`) as HTMLElement;
    expect(within(doneRow).queryByText('stalled')).toBeNull();
    expect(screen.getAllByText('stalled')).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import type { ApiEventMessage } from '../../src-shared/api';
import { SnapshotNotFoundError } from '../../src-shared/errors';
import type { PreloadApi } from '../../src-shared/preloadApi';
import { pickClient } from '../../src-renderer/api/pickClient';
import { summary } from './support/fixtures';

function bridge(): PreloadApi & { emit(m: ApiEventMessage): void; sent: unknown[] } {
  const listeners = new Set<(m: ApiEventMessage) => void>();
  const sent: unknown[] = [];
  return {
    sent,
    async invoke(method, payload) {
      sent.push({ method, payload });
      if (method === 'restoreSnapshot') return { ok: false, error: { code: 'SNAPSHOT_NOT_FOUND', message: 'no snapshot s9', retryable: false } };
      return { ok: true, value: { runs: [], total: 0 } } as never;
    },
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    emit: (m) => listeners.forEach((l) => l(m)),
  };
}

describe('electron RuntimeClient', () => {
  it('is picked when the preload bridge exists, and unwraps results', async () => {
    const b = bridge();
    const client = pickClient({ abstractRuntime: b });
    expect(client.transport).toBe('electron');
    await expect(client.call('listRuns', {})).resolves.toEqual({ runs: [], total: 0 });
    expect(b.sent).toEqual([{ method: 'listRuns', payload: {} }]);
  });

  it('rebuilds typed errors from the IPC result (classes do not cross IPC)', async () => {
    const client = pickClient({ abstractRuntime: bridge() });
    const err = await client.call('restoreSnapshot', { snapshotId: 's9' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnapshotNotFoundError);
  });

  it('forwards events and stops after unsubscribe', () => {
    const b = bridge();
    const client = pickClient({ abstractRuntime: b });
    const got: ApiEventMessage[] = [];
    const off = client.onEvent((m) => got.push(m));
    b.emit({ event: 'runUpdated', data: { run: summary() } });
    off();
    b.emit({ event: 'runUpdated', data: { run: summary() } });
    expect(got).toHaveLength(1);
  });
});

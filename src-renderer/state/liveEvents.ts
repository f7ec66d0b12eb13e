/**
 * Routes host events into the stores, and refetches everything visible after the event
 * stream reconnects (events sent while disconnected are gone).
 */
import type { ApiEventMessage } from '../../src-shared/api';
import type { RuntimeClient } from '../api/RuntimeClient';
import { useAttentionStore } from './attentionStore';
import { runtimeClient } from './clientRef';
import { useLedgerStore } from './ledgerStore';
import { useRunsStore } from './runsStore';
import { useRunViewStore } from './runViewStore';
import { useForeignFoldersStore } from '../foreign/foreignFoldersStore';

export function handleEvent(m: ApiEventMessage, opts: { systemNotifications: boolean }): void {
  switch (m.event) {
    case 'runUpdated':
      if (m.data.foreign) useForeignFoldersStore.getState().applyRunUpdated(m.data.run);
      else {
        useRunsStore.getState().applyRunUpdated(m.data.run);
        useAttentionStore.getState().applyRun(m.data.run);
      }
      if (useRunViewStore.getState().runId === m.data.run.run_id) void useRunViewStore.getState().refresh();
      break;
    case 'ledgerAppended':
      useLedgerStore.getState().appendLive(m.data.runId, m.data.records);
      break;
    case 'attentionNeeded':
      useAttentionStore.getState().notify(m.data.runId, m.data.workflowId, m.data.prompt, opts.systemNotifications);
      break;
    case 'runsChanged':
      // Too many changes elsewhere to send one by one: reload what is on screen.
      void useRunsStore.getState().load();
      void seedAttention(runtimeClient());
      if (useRunViewStore.getState().runId) void useRunViewStore.getState().refresh();
      break;
  }
}

export async function refetchVisible(client: RuntimeClient): Promise<void> {
  const runId = useRunViewStore.getState().runId;
  await Promise.all([
    useRunsStore.getState().load(),
    seedAttention(client),
    runId ? useRunViewStore.getState().refresh() : null,
    runId ? useLedgerStore.getState().open(runId) : null,
  ]);
}

export async function seedAttention(client: RuntimeClient): Promise<void> {
  try {
    const res = await client.call('listRuns', { status: 'waiting', limit: 1000 });
    useAttentionStore.getState().seed(res.runs);
  } catch {
    // the runs page shows the error; the title count just stays as it was
  }
}

export function connectLiveEvents(client: RuntimeClient): () => void {
  // Electron raises the native notification in the main process; only a browser asks here.
  const systemNotifications = client.transport === 'web';
  const offEvent = client.onEvent((m) => handleEvent(m, { systemNotifications }));
  const offReconnect = client.onReconnect(() => void refetchVisible(client));
  void seedAttention(client);
  return () => {
    offEvent();
    offReconnect();
  };
}

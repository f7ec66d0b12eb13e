/**
 * Keeps people aware of runs that wait for them: the window title counts waiting runs and a
 * native notification fires when a run starts waiting for a person.
 */
import { app, Notification, type BrowserWindow } from 'electron';
import type { ApiHandlers } from '../../src-shared/api';
import type { EventSource } from '../transport/eventSource';
import { APP_NAME } from '../transport/appDataFolder';

export function titleFor(waiting: number): string {
  return waiting > 0 ? `${APP_NAME} — ${waiting} waiting` : APP_NAME;
}

export function watchAttention(window: BrowserWindow, events: EventSource, handlers: ApiHandlers): () => void {
  let queued = false;
  const refreshTitle = () => {
    if (queued) return;
    queued = true;
    // Many runUpdated events arrive per burst of steps: count once per burst.
    setImmediate(() => {
      queued = false;
      void countWaiting(handlers).then((n) => {
        if (window.isDestroyed()) return;
        window.setTitle(titleFor(n));
        app.setBadgeCount?.(n);
      });
    });
  };
  const offRun = events.on('runUpdated', refreshTitle);
  const offMany = events.on('runsChanged', refreshTitle);
  const offAttention = events.on('attentionNeeded', (d) => notify(window, d.workflowId, d.prompt ?? d.reason));
  refreshTitle();
  return () => {
    offRun();
    offMany();
    offAttention();
  };
}

async function countWaiting(handlers: ApiHandlers): Promise<number> {
  try {
    return (await handlers.listRuns({ status: 'waiting', limit: 1 })).total;
  } catch {
    return 0;
  }
}

function notify(window: BrowserWindow, workflowId: string, what: string): void {
  if (!Notification.isSupported() || (window.isFocused() && !window.isMinimized())) return;
  const n = new Notification({ title: 'A run needs you', body: `${workflowId}: ${what}`.slice(0, 240) });
  n.on('click', () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  n.show();
}

/**
 * Runs waiting for a person: drives the title count (`(2) AbstractRuntime`), the in-app
 * toast and, in a browser that allows it, a system notification. (In Electron the main
 * process raises the native notification.)
 */
import { create } from 'zustand';
import type { RunSummary } from '../../src-shared/types';
import { parseHash, runHref } from './hashRoute';
import { waitsForPerson } from './runsStore';
import { useToastStore } from './toastStore';

export const APP_TITLE = 'AbstractRuntime';

interface AttentionState {
  waiting: ReadonlySet<string>;
  seed(runs: RunSummary[]): void;
  applyRun(run: RunSummary): void;
  notify(runId: string, workflowId: string, prompt: string | null, useSystem: boolean): void;
}

export const useAttentionStore = create<AttentionState>()((set, get) => ({
  waiting: new Set(),
  seed(runs) {
    set({ waiting: new Set(runs.filter(waitsForPerson).map((r) => r.run_id)) });
  },
  applyRun(run) {
    const has = get().waiting.has(run.run_id);
    const needs = waitsForPerson(run);
    if (has === needs) return;
    const waiting = new Set(get().waiting);
    if (needs) waiting.add(run.run_id);
    else {
      waiting.delete(run.run_id);
      dismissAttentionToasts(run.run_id);
    }
    set({ waiting });
  },
  notify(runId, workflowId, prompt, useSystem) {
    const message = prompt ?? 'A run needs your decision.';
    // The person is looking at this run: its panel already asks; a toast would only cover it.
    const route = parseHash(globalThis.location?.hash ?? '');
    if (route.page === 'run' && route.runId === runId && globalThis.document?.visibilityState !== 'hidden') return;
    useToastStore.getState().push({ kind: 'attention', title: `${workflowId} is waiting for you`, message, href: runHref(runId) });
    if (useSystem) systemNotification(`${workflowId} is waiting`, message);
  },
}));

function dismissAttentionToasts(runId: string): void {
  const toasts = useToastStore.getState();
  for (const t of toasts.toasts) if (t.kind === 'attention' && t.href === runHref(runId)) toasts.dismiss(t.id);
}

export function titleFor(count: number): string {
  return count > 0 ? `(${count}) ${APP_TITLE}` : APP_TITLE;
}

function systemNotification(title: string, body: string): void {
  const N = (globalThis as { Notification?: typeof Notification }).Notification;
  if (!N || N.permission !== 'granted') return;
  try {
    new N(title, { body });
  } catch {
    // some browsers only allow notifications from a service worker; the toast already shows it
  }
}

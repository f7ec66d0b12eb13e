/** In-app notices. Errors are kept as `CODE: message`; the toast shows the words and offers the code. */
import { create } from 'zustand';
import { runHref } from './hashRoute';

export interface Toast {
  id: number;
  kind: 'error' | 'info' | 'attention';
  title: string;
  message: string;
  /** Deep link the toast offers (e.g. the waiting run). */
  href?: string;
  /** Raised by the view of this run: it goes when the person leaves that run. */
  runId?: string;
}

interface ToastState {
  toasts: Toast[];
  push(t: Omit<Toast, 'id'>): number;
  dismiss(id: number): void;
  /** Drops the toasts raised by the view of any run other than `runId` (null: no run open), and the call to attention for `runId`. */
  leftRun(runId: string | null): void;
}

let nextId = 1;
const MAX_TOASTS = 5;
const INFO_TOAST_MS = 6000;

export const useToastStore = create<ToastState>()((set) => ({
  toasts: [],
  push(t) {
    const id = nextId++;
    set((s) => ({ toasts: [...s.toasts, { ...t, id }].slice(-MAX_TOASTS) }));
    // Confirmations fade; errors and requests for attention stay until dismissed.
    if (t.kind === 'info') setTimeout(() => useToastStore.getState().dismiss(id), INFO_TOAST_MS);
    return id;
  },
  dismiss(id) {
    set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
  },
  leftRun(runId) {
    // Also gone: a call to attention for the run now open (its panel asks already).
    const openHref = runId === null ? null : runHref(runId);
    const keep = useToastStore
      .getState()
      .toasts.filter((t) => (!t.runId || t.runId === runId) && !(t.kind === 'attention' && t.href === openHref));
    if (keep.length !== useToastStore.getState().toasts.length) set({ toasts: keep });
  },
}));

/** Shows any thrown value as an error toast (`CODE: message`). */
export function toastError(err: unknown, title = 'Request failed', runId?: string): void {
  useToastStore.getState().push({ kind: 'error', title, message: describeError(err), ...(runId ? { runId } : {}) });
}

export function describeError(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    return `${String((err as { code: unknown }).code)}: ${String((err as { message: unknown }).message)}`;
  }
  return err instanceof Error ? err.message : String(err);
}

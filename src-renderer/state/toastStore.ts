/** In-app notices: errors always show their stable code next to the message. */
import { create } from 'zustand';

export interface Toast {
  id: number;
  kind: 'error' | 'info' | 'attention';
  title: string;
  message: string;
  /** Deep link the toast offers (e.g. the waiting run). */
  href?: string;
}

interface ToastState {
  toasts: Toast[];
  push(t: Omit<Toast, 'id'>): number;
  dismiss(id: number): void;
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
}));

/** Shows any thrown value as an error toast (`CODE: message`). */
export function toastError(err: unknown, title = 'Request failed'): void {
  useToastStore.getState().push({ kind: 'error', title, message: describeError(err) });
}

export function describeError(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    return `${String((err as { code: unknown }).code)}: ${String((err as { message: unknown }).message)}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Toasts: the outcome of an action after which the console goes to another page (created,
 * deleted, disconnected), where an inline banner would vanish with the page. A small store any
 * code can call (no provider to thread through); <Toasts /> in the shell shows them.
 *
 * Only success goes away by itself; an error (or a warning, or a note) stays until it is closed,
 * so a failure is never missed because it faded.
 */
export type ToastKind = "error" | "warning" | "info" | "success";

export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  subtitle?: string;
}

/** How long a success toast stays: long enough to read two lines. */
export const SUCCESS_TOAST_MS = 6000;

let toasts: readonly Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((l) => l());

export function showToast(toast: Omit<Toast, "id">): void {
  toasts = [...toasts, { ...toast, id: nextId++ }];
  changed();
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  changed();
}

export function subscribeToasts(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function currentToasts(): readonly Toast[] {
  return toasts;
}

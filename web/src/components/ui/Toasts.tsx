// Short messages at the bottom of the screen, read out by screen readers (a polite live region).
// A toast may carry one action (e.g. "Undo") and closes itself after `ms`.
import { createStore, useStore } from '@/lib/store';

export interface Toast {
  id: number;
  text: string;
  tone?: 'info' | 'error' | 'success';
  action?: { label: string; run: () => void };
  ms?: number;
}

const toasts = createStore<Toast[]>([]);
let nextId = 1;

/** Shows a toast; returns a function that closes it early. */
export function toast(t: Omit<Toast, 'id'>): () => void {
  const id = nextId++;
  toasts.set((list) => [...list, { ...t, id }]);
  const close = () => toasts.set((list) => list.filter((x) => x.id !== id));
  setTimeout(close, t.ms ?? 5000);
  return close;
}

export function Toasts() {
  const list = useStore(toasts);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} class={`toast toast--${t.tone ?? 'info'}`}>
          <span>{t.text}</span>
          {t.action && (
            <button
              type="button"
              class="btn btn--small"
              onClick={() => {
                t.action!.run();
                toasts.set((l) => l.filter((x) => x.id !== t.id));
              }}
            >
              {t.action.label}
            </button>
          )}
        </div>
      ))}
    </div>
  );
}

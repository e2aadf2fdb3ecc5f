// The side bar's counts: from `GET /api/v1/views/counts` when the server has it, else counted
// view by view from the list. Refreshed after live changes (at most every few seconds).
import { invalidated } from '@/lib/cache';
import { createStore } from '@/lib/store';
import type { User } from '@/lib/types';
import { countTickets, type Count } from '../api/tickets';
import { getViewCounts } from '../api/views';
import { VIEWS } from './views';

export const counts = createStore<Record<string, Count>>({});

const MIN_GAP_MS = 5_000;
let last = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
let serverCounts = true;

async function refreshCounts(user: User): Promise<void> {
  last = Date.now();
  const next: Record<string, Count> = {};
  if (serverCounts) {
    const got = await getViewCounts().catch(() => undefined);
    if (got === null) serverCounts = false;
    else if (got) for (const c of got) next[c.key] = { n: c.count, capped: false };
  }
  const missing = VIEWS.filter((v) => !v.uncounted && !(v.key in next));
  const results = await Promise.allSettled(
    missing.map(async (v) => {
      const q = v.query(user);
      return q ? ([v.key, await countTickets(q)] as const) : null;
    }),
  );
  for (const r of results) if (r.status === 'fulfilled' && r.value) next[r.value[0]] = r.value[1];
  counts.set(next);
}

/** Keeps the counts fresh while logged in; returns the stop function. */
export function watchCounts(user: User): () => void {
  void refreshCounts(user);
  const unsub = invalidated.subscribe(() => {
    if (timer) return;
    const wait = Math.max(0, last + MIN_GAP_MS - Date.now());
    timer = setTimeout(() => {
      timer = null;
      void refreshCounts(user);
    }, wait);
  });
  return () => {
    unsub();
    if (timer) clearTimeout(timer);
    timer = null;
  };
}

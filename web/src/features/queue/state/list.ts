// A ticket list under server paging: pages are fetched on demand (as the agent scrolls) with the
// API's cursor; live changes refetch the first page and merge it in front. Lists are kept per
// query while the app runs, so going back to a list shows it at once.
import { invalidated } from '@/lib/cache';
import { createStore, type Store } from '@/lib/store';
import { listTickets, type Query } from '../api/tickets';

export const PAGE_SIZE = 50;

export interface ListState {
  ids: number[];
  cursor: string | null;
  done: boolean;
  loading: boolean;
  error: unknown;
  /** Increases on every refresh of the first page (screen readers hear "list updated"). */
  version: number;
}

interface Entry {
  query: Query;
  store: Store<ListState>;
  inflight: Promise<void> | null;
}

const lists = new Map<string, Entry>();

/** The list for a query (created empty; call loadMore to fill it). */
export function listFor(key: string, query: Query): Entry {
  let e = lists.get(key);
  if (!e) {
    e = { query, inflight: null, store: createStore<ListState>({ ids: [], cursor: null, done: false, loading: false, error: null, version: 0 }) };
    lists.set(key, e);
  }
  return e;
}

/** Fetches the next page unless one is on its way or the list is complete. */
export function loadMore(e: Entry): Promise<void> {
  const s = e.store.get();
  if (e.inflight) return e.inflight;
  if (s.done) return Promise.resolve();
  e.store.set({ ...s, loading: true, error: null });
  e.inflight = listTickets(e.query, s.cursor)
    .then((page) => {
      const cur = e.store.get();
      const seen = new Set(cur.ids);
      const ids = cur.ids.concat(page.items.map((t) => t.id).filter((id) => !seen.has(id)));
      e.store.set({ ...cur, ids, cursor: page.next_cursor ?? null, done: !page.next_cursor, loading: false });
    })
    .catch((err) => e.store.set({ ...e.store.get(), loading: false, error: err }))
    .finally(() => {
      e.inflight = null;
    });
  return e.inflight;
}

/**
 * Merges a fresh first page into the loaded list: the page's ids first, then the rest of the
 * old list after the position where the page ended (tickets that left the view drop out of
 * the first page; further down they stay until the list is reloaded).
 */
export function mergeFirstPage(old: number[], page: number[], pageIsLast: boolean): number[] {
  if (pageIsLast) return page;
  const inPage = new Set(page);
  const last = page[page.length - 1];
  const at = old.indexOf(last);
  const rest = at >= 0 ? old.slice(at + 1) : old.slice(page.length);
  return page.concat(rest.filter((id) => !inPage.has(id)));
}

/** Refetches the first page and merges it (on live changes and polls). */
export async function refresh(e: Entry): Promise<void> {
  if (e.inflight) await e.inflight;
  const before = e.store.get();
  if (before.ids.length === 0 && !before.done) return loadMore(e);
  try {
    const page = await listTickets(e.query, null, PAGE_SIZE);
    const cur = e.store.get();
    const ids = mergeFirstPage(cur.ids, page.items.map((t) => t.id), !page.next_cursor);
    const same = ids.length === cur.ids.length && ids.every((id, i) => id === cur.ids[i]);
    const done = !page.next_cursor ? true : cur.done;
    const cursor = !page.next_cursor ? null : cur.cursor ?? page.next_cursor;
    if (!same || done !== cur.done) e.store.set({ ...cur, ids, done, cursor, error: null, version: cur.version + 1 });
  } catch (err) {
    e.store.set({ ...e.store.get(), error: err });
  }
}

/** Drops every cached list except `keep` (they refill when shown again). */
export function forgetOthers(keep: string): void {
  for (const k of [...lists.keys()]) if (k !== keep) lists.delete(k);
}

/** Refreshes the shown list whenever tickets change on the server. */
export function watchInvalidations(e: Entry): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const unsub = invalidated.subscribe(() => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void refresh(e);
    }, 1000); // a burst of events refreshes once
  });
  return () => {
    unsub();
    if (timer) clearTimeout(timer);
  };
}

// The one copy of every ticket the app has seen. Lists keep ids and read tickets from here; the
// live event stream and every write put the newest version here, so no screen shows a stale copy.
import { createStore } from './store';
import type { Ticket } from './types';

/** Tickets by id; replaced wholesale on change so that subscribers can compare by identity. */
export const tickets = createStore<ReadonlyMap<number, Ticket>>(new Map());

/** Stores the tickets, keeping a newer version already cached (by `version`, then `updated_at`). */
export function putTickets(list: Ticket[]): void {
  if (list.length === 0) return;
  tickets.set((prev) => {
    let next: Map<number, Ticket> | null = null;
    for (const t of list) {
      const old = prev.get(t.id);
      if (old && (old.version > t.version || (old.version === t.version && old.updated_at >= t.updated_at))) {
        if (old.version === t.version && old.updated_at === t.updated_at && sameTimes(old, t)) continue;
        if (old.version > t.version) continue;
      }
      next ??= new Map(prev);
      next.set(t.id, t);
    }
    return next ?? prev;
  });
}

function sameTimes(a: Ticket, b: Ticket): boolean {
  return a.message_count === b.message_count && a.status === b.status;
}

/** The cached ticket, if any. */
export function cachedTicket(id: number): Ticket | undefined {
  return tickets.get().get(id);
}

/** Signals that a ticket changed on the server; screens showing it refetch (see events.ts). */
export const invalidated = createStore<{ ids: Set<number>; all: boolean; seq: number }>({ ids: new Set(), all: false, seq: 0 });

/** Marks tickets (or, with no ids, everything) as changed on the server. */
export function invalidate(ids?: number[]): void {
  invalidated.set((prev) => ({ ids: new Set(ids ?? []), all: !ids, seq: prev.seq + 1 }));
}

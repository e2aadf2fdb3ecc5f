// Bulk actions: the same change applied to each selected ticket, a few requests at a time.
// A stale version (412) is retried once on the ticket's latest version; other refusals are
// collected and reported with the ticket's number.
import { ApiError, apiUrl, send } from '@/lib/api';
import { cachedTicket, putTickets } from '@/lib/cache';
import { createStore } from '@/lib/store';
import type { Priority, Status, Ticket } from '@/lib/types';
import { fetchTicket, patchTicket, setStatus } from '../api/tickets';

export const selection = createStore<ReadonlySet<number>>(new Set());

export function toggleSelected(id: number): void {
  selection.set((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    return n;
  });
}

export function clearSelection(): void {
  selection.set(new Set());
}

export type BulkChange =
  | { kind: 'assign'; assignee_id: number | null }
  | { kind: 'status'; status: Status }
  | { kind: 'priority'; priority: Priority }
  | { kind: 'tags'; add: string[] };

export interface BulkResult {
  done: number;
  failed: { id: number; reason: string }[];
}

async function applyOne(id: number, change: BulkChange): Promise<void> {
  if (change.kind === 'status') {
    const t = cachedTicket(id);
    if (t && t.status === change.status) return;
    await setStatus(id, change.status);
    return;
  }
  const body = (t: Ticket) =>
    change.kind === 'assign'
      ? { assignee_id: change.assignee_id }
      : change.kind === 'priority'
        ? { priority: change.priority }
        : { tags: [...new Set([...t.tags, ...change.add])] };
  let t = cachedTicket(id) ?? (await fetchTicket(id));
  try {
    await patchTicket(t, body(t));
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 412) throw e;
    t = await fetchTicket(id); // someone changed it meanwhile: apply the change to their version
    await patchTicket(t, body(t));
  }
}

/** The body of `POST /api/v1/tickets/bulk` for a change. */
export function bulkBody(ids: number[], change: BulkChange): Record<string, unknown> {
  switch (change.kind) {
    case 'assign': return { ids, assignee_id: change.assignee_id };
    case 'status': return { ids, status: change.status };
    case 'priority': return { ids, priority: change.priority };
    case 'tags': return { ids, add_tags: change.add };
  }
}

let bulkEndpoint = true;

interface BulkAnswer {
  results: ({ id: number; ok: true; ticket: Ticket } | { id: number; ok: false; status: number; code: string; detail: string })[];
}

/**
 * Applies `change` to every id: with the server's bulk endpoint (100 at a time) when it has
 * one, else ticket by ticket (4 at a time). Never throws; reports what failed.
 */
export async function runBulk(ids: number[], change: BulkChange, concurrency = 4): Promise<BulkResult> {
  const result: BulkResult = { done: 0, failed: [] };
  if (bulkEndpoint) {
    let i = 0;
    try {
      for (; i < ids.length; i += 100) {
        const r = await send<BulkAnswer>('POST', apiUrl('tickets/bulk'), bulkBody(ids.slice(i, i + 100), change));
        putTickets(r.results.flatMap((x) => (x.ok ? [x.ticket] : [])));
        for (const x of r.results) {
          if (x.ok) result.done += 1;
          else result.failed.push({ id: x.id, reason: x.detail || x.code });
        }
      }
      return result;
    } catch (e) {
      if (i > 0 || !(e instanceof ApiError) || (e.status !== 404 && e.status !== 405)) {
        const reason = e instanceof Error ? e.message : String(e);
        for (const id of ids.slice(i)) result.failed.push({ id, reason });
        return result;
      }
      bulkEndpoint = false; // an older server: one request per ticket
    }
  }
  let next = 0;
  async function worker() {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        await applyOne(id, change);
        result.done += 1;
      } catch (e) {
        result.failed.push({ id, reason: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return result;
}

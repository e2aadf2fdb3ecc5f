// Ticket list, counts and the writes that bulk actions make.
import { apiUrl, get, request, send } from '@/lib/api';
import { putTickets } from '@/lib/cache';
import type { Page, Ticket } from '@/lib/types';

export type Query = Record<string, string | string[] | number | undefined>;

/** One page of tickets (stored in the cache); `cursor` continues a previous page. */
export async function listTickets(query: Query, cursor?: string | null, limit = 50, signal?: AbortSignal): Promise<Page<Ticket>> {
  const page = await get<Page<Ticket>>(apiUrl('tickets', { ...query, limit, cursor: cursor ?? undefined }), signal);
  putTickets(page.items);
  return page;
}

/** A count; `capped` when the server has no count endpoint and the count stopped at `cap`. */
export interface Count {
  n: number;
  capped: boolean;
}

/** How many tickets match, counted from the list up to 100 (more shows as "99+"). */
export async function countTickets(query: Query, signal?: AbortSignal): Promise<Count> {
  const cap = 100;
  const page = await get<Page<Ticket>>(apiUrl('tickets', { ...query, limit: cap }), signal);
  return { n: page.items.length, capped: !!page.next_cursor };
}

/** PATCH with If-Match; returns the new ticket (also cached). 412 rejects with an ApiError. */
export async function patchTicket(t: Ticket, body: Partial<Pick<Ticket, 'priority' | 'assignee_id' | 'team_id' | 'tags'>>): Promise<Ticket> {
  const next = await send<Ticket>('PATCH', apiUrl(`tickets/${t.id}`), body, { 'If-Match': `"${t.version}"` });
  putTickets([next]);
  return next;
}

export async function setStatus(id: number, status: string): Promise<Ticket> {
  const next = await send<Ticket>('POST', apiUrl(`tickets/${id}/status`), { status });
  putTickets([next]);
  return next;
}

/** The latest version of a ticket (cached). */
export async function fetchTicket(id: number): Promise<Ticket> {
  const r = await request<Ticket>(apiUrl(`tickets/${id}`));
  putTickets([r.data]);
  return r.data;
}

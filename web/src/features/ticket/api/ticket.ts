// The ticket screen's endpoints.
import { ApiError, apiUrl, get, request, send } from '@/lib/api';
import { putTickets } from '@/lib/cache';
import type { CannedResponse, Customer, Message, Page, Status, Ticket, TicketEvent } from '@/lib/types';

export async function getTicket(id: number, signal?: AbortSignal): Promise<Ticket> {
  const t = await get<Ticket>(apiUrl(`tickets/${id}`), signal);
  putTickets([t]);
  return t;
}

export async function getMessages(id: number, signal?: AbortSignal): Promise<Message[]> {
  return (await get<Page<Message>>(apiUrl(`tickets/${id}/messages`), signal)).items;
}

export async function getEvents(id: number, signal?: AbortSignal): Promise<TicketEvent[]> {
  return (await get<Page<TicketEvent>>(apiUrl(`tickets/${id}/events`), signal)).items;
}

/** A public reply or an internal note; `status` moves the ticket after a public reply. */
export async function postMessage(id: number, body: string, internal: boolean, status?: Status): Promise<Message> {
  return send<Message>('POST', apiUrl(`tickets/${id}/messages`), { body, internal, ...(status && !internal ? { status } : {}) });
}

export async function changeStatus(id: number, status: Status, note?: string): Promise<Ticket> {
  const t = await send<Ticket>('POST', apiUrl(`tickets/${id}/status`), { status, ...(note ? { note } : {}) });
  putTickets([t]);
  return t;
}

export type TicketPatch = Partial<Pick<Ticket, 'priority' | 'assignee_id' | 'team_id' | 'tags' | 'subject'>>;

/** PATCH against the version the agent saw; a 412 rejects with ApiError (status 412). */
export async function patchTicket(id: number, version: number, patch: TicketPatch): Promise<Ticket> {
  const t = (await request<Ticket>(apiUrl(`tickets/${id}`), { method: 'PATCH', body: patch, headers: { 'If-Match': `"${version}"` } })).data;
  putTickets([t]);
  return t;
}

/** An address that bounces: no surveys go to it until the customer writes again. */
export interface Bouncing {
  since: string;
  reason: string;
}

export interface CustomerWithTickets extends Customer {
  tickets: Ticket[];
  bouncing: Bouncing | null;
}

export async function getCustomer(id: number, signal?: AbortSignal): Promise<CustomerWithTickets> {
  const c = await get<CustomerWithTickets>(apiUrl(`customers/${id}`), signal);
  putTickets(c.tickets ?? []);
  return c;
}

/** The canned responses, or null when the server has none to offer (no such endpoint). */
export async function getCannedResponses(): Promise<CannedResponse[] | null> {
  try {
    return (await get<Page<CannedResponse>>(apiUrl('canned-responses'))).items;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}

export interface Satisfaction {
  answered: number;
  average_csat: number | null;
  unresolved: number;
  items: { ticket_id: number; subject: string; csat: number; resolved: boolean; comment?: string; answered_at: string }[];
}

/** The customer's survey answers, newest first. */
export const getSatisfaction = (customerId: number, signal?: AbortSignal) =>
  get<Satisfaction>(apiUrl(`customers/${customerId}/satisfaction`), signal);

/** One inbound mail filed into a ticket (the original stays downloadable as received). */
export interface InboundMail {
  id: number;
  message_id: string | null;
  received_at: string;
  state: string;
  sender: string;
  subject: string;
}

/** The mail side of a ticket: who else may write in by mail, a bouncing address, its mails. */
export interface TicketMail {
  addresses: { address: string; name: string; role: 'cc' | 'from'; added_at: string }[];
  customer_bouncing: Bouncing | null;
  mails: InboundMail[];
}

export const getTicketMail = (id: number, signal?: AbortSignal) => get<TicketMail>(apiUrl(`tickets/${id}/mail`), signal);

/** Where the browser downloads a mail exactly as it was received (`.eml`). */
export const rawMailUrl = (mailId: number) => apiUrl(`mail/inbound/${mailId}/raw`);

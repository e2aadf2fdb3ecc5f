// The API's resources as docs/API.md describes them (only the fields the app reads).

export type Status = 'open' | 'pending' | 'resolved' | 'follow_up' | 'closed';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export type Role = 'agent' | 'supervisor' | 'admin';

export const STATUSES: Status[] = ['open', 'pending', 'resolved', 'follow_up', 'closed'];
export const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];
export const ROLES: Role[] = ['agent', 'supervisor', 'admin'];

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  team_id: number | null;
  active: boolean;
  created_at: string;
}

export interface Team {
  id: number;
  name: string;
  active: boolean;
}

export interface Customer {
  id: number;
  email: string;
  name: string;
  organization: string;
  surveys_opt_out?: boolean;
  created_at?: string;
}

export interface Ticket {
  id: number;
  subject: string;
  status: Status;
  priority: Priority;
  channel: string;
  customer: Customer;
  team_id: number | null;
  assignee_id: number | null;
  tags: string[];
  linked_ticket_id: number | null;
  version: number;
  created_at: string;
  updated_at: string;
  times?: { awaiting_reply_since: string | null; first_response_at: string | null; reopen_count: number };
  sla?: {
    policy_id: number | null;
    first_response_due_at: string | null;
    next_reply_due_at: string | null;
    resolution_due_at: string | null;
  };
  message_count: number;
}

export interface Message {
  id: number;
  ticket_id: number;
  author: { kind: 'agent' | 'customer' | 'system'; id: number | null; name: string };
  internal: boolean;
  body: string;
  created_at: string;
}

export interface TicketEvent {
  id: number;
  ticket_id: number;
  type: string;
  actor: { kind: string; id: number | null };
  at: string;
  data: Record<string, unknown>;
}

export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export interface ApiToken {
  id: number;
  name: string;
  role: Role;
  created_at: string;
  token?: string;
}

export interface Job {
  id: number;
  kind: string;
  state: 'queued' | 'running' | 'done' | 'dead' | 'cancelled';
  payload: Record<string, unknown>;
  run_at: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** An admin-managed reply template; applying it may also set status, priority and tags. */
export interface CannedResponse {
  id: number;
  title: string;
  body: string;
  status?: Status | null;
  priority?: Priority | null;
  /** Tags the response adds to the ticket. */
  add_tags?: string[] | null;
}

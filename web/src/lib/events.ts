// Live updates: one EventSource on /api/v1/events/stream (docs/API.md, "Live events") keeps the
// ticket cache fresh. When the stream can't be had (an older server, a proxy that buffers, a
// dropped connection) the app polls `GET /api/v1/events?after=N` instead, and where even that is
// missing it refetches what is on screen every few seconds.
import { apiUrl, get } from './api';
import { cachedTicket, invalidate, tickets } from './cache';
import { createStore } from './store';
import type { Ticket } from './types';

export type LiveState = 'connecting' | 'live' | 'polling' | 'offline';

/** What the indicator in the top bar shows. */
export const liveState = createStore<LiveState>('connecting');

/** A ticket event as the stream and the polling endpoint deliver it. */
export interface LiveEvent {
  id: number;
  ticket_id: number;
  type: string;
  actor: { kind: string; id: number | null };
  at: string;
  data: Record<string, unknown>;
  /** The ticket's state when the event was delivered (a subset of Ticket). */
  ticket?: Partial<Ticket>;
}

/** Something that concerns the logged-in agent. */
export interface Notification {
  kind: 'assigned' | 'reopened' | 'sla_warning' | 'sla_breach' | string;
  ticket_id: number;
  event_id: number;
  at: string;
  subject: string;
  reason?: string;
}

/** Who looks at or replies to a ticket. */
export interface Presence {
  ticket_id: number;
  viewers: { user_id: number; name: string; replying: boolean; since: string }[];
}

/** Thanks from a supervisor, sent only to the thanked agent's streams (never replayed). */
export interface Kudos {
  id: number;
  agent: { id: number; name: string };
  from: { id: number; name: string };
  ticket_id: number | null;
  message: string;
  created_at: string;
}

type Listener = {
  event?: (e: LiveEvent) => void;
  notification?: (n: Notification) => void;
  presence?: (p: Presence) => void;
  kudos?: (k: Kudos) => void;
};
const listeners = new Set<Listener>();

/** Subscribes to live events, notifications, presence and kudos; returns the unsubscribe. */
export function onLive(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export const POLL_INTERVAL_MS = 10_000;
const STREAM_URL = '/api/v1/events/stream';

/** Parses a frame's JSON data; null for garbage (a frame that isn't an object). */
export function parseData(raw: string): Record<string, unknown> | null {
  if (!raw || !raw.trim()) return null;
  try {
    const v = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function isLiveEvent(v: Record<string, unknown> | null): v is Record<string, unknown> & LiveEvent {
  return !!v && typeof v.id === 'number' && typeof v.ticket_id === 'number' && typeof v.type === 'string';
}

/**
 * The cached ticket with an event's state merged in, when the event is newer than the cached
 * version; null when nothing changes (not cached, or the cache is as new already).
 */
export function mergeEventState(cached: Ticket | undefined, state: Partial<Ticket> | undefined): Ticket | null {
  if (!cached || !state || typeof state.version !== 'number' || state.version <= cached.version) return null;
  const next: Ticket = { ...cached };
  for (const k of ['status', 'assignee_id', 'team_id', 'priority', 'version', 'updated_at'] as const) {
    if (k in state) (next as unknown as Record<string, unknown>)[k] = state[k];
  }
  return next;
}

let lastEventId: number | null = null;

function deliver(e: LiveEvent): void {
  if (lastEventId === null || e.id > lastEventId) lastEventId = e.id;
  const merged = mergeEventState(cachedTicket(e.ticket_id), e.ticket);
  if (merged) tickets.set((prev) => new Map(prev).set(merged.id, merged));
  invalidate([e.ticket_id]); // lists and an open ticket refetch what they show
  for (const l of [...listeners]) l.event?.(e);
}

function notify(n: Notification): void {
  for (const l of [...listeners]) l.notification?.(n);
}

function presence(p: Presence): void {
  for (const l of [...listeners]) l.presence?.(p);
}

let source: EventSource | null = null;
let pollTimer: ReturnType<typeof setTimeout> | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let failures = 0;
let polling = false;
let pollEndpoint = true; // false once the server turned out not to have GET /api/v1/events

async function pollOnce(): Promise<void> {
  if (navigator.onLine === false) {
    liveState.set('offline');
    return;
  }
  if (!pollEndpoint) {
    liveState.set('polling');
    invalidate();
    return;
  }
  try {
    let more = true;
    for (let rounds = 0; more && rounds < 5; rounds++) {
      const r = await get<{ items: LiveEvent[]; notifications?: Notification[]; last_event_id: number; more?: boolean }>(
        apiUrl('events', { after: lastEventId ?? undefined }),
      );
      const first = lastEventId === null;
      for (const e of r.items ?? []) deliver(e);
      for (const n of r.notifications ?? []) notify(n);
      if (typeof r.last_event_id === 'number') lastEventId = Math.max(lastEventId ?? 0, r.last_event_id);
      more = !!r.more;
      if (first) invalidate();
    }
    liveState.set('polling');
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status === 404 || status === 405) {
      pollEndpoint = false;
      liveState.set('polling');
      invalidate();
    } else liveState.set('offline');
  }
}

function startPolling(): void {
  if (polling) return;
  polling = true;
  const tick = async () => {
    await pollOnce();
    if (polling) pollTimer = setTimeout(tick, POLL_INTERVAL_MS);
  };
  void tick();
}

function stopPolling(): void {
  polling = false;
  if (pollTimer) clearTimeout(pollTimer);
  pollTimer = null;
}

function connect(): void {
  if (typeof EventSource === 'undefined') {
    startPolling();
    return;
  }
  source?.close();
  const url = lastEventId !== null ? `${STREAM_URL}?after=${lastEventId}` : STREAM_URL;
  const es = new EventSource(url, { withCredentials: true });
  source = es;
  let opened = false;
  es.onopen = () => {
    opened = true;
    failures = 0;
    stopPolling();
    liveState.set('live');
  };
  es.addEventListener('hello', ((ev: MessageEvent) => {
    const d = parseData(String(ev.data));
    const had = lastEventId;
    if (d && typeof d.last_event_id === 'number' && lastEventId === null) lastEventId = d.last_event_id;
    if (had === null) invalidate(); // whatever changed before we listened
  }) as EventListener);
  es.addEventListener('ticket', ((ev: MessageEvent) => {
    const d = parseData(String(ev.data));
    if (isLiveEvent(d)) deliver(d);
  }) as EventListener);
  es.addEventListener('notification', ((ev: MessageEvent) => {
    const d = parseData(String(ev.data));
    if (d && typeof d.ticket_id === 'number') notify(d as unknown as Notification);
  }) as EventListener);
  es.addEventListener('presence', ((ev: MessageEvent) => {
    const d = parseData(String(ev.data));
    if (d && typeof d.ticket_id === 'number' && Array.isArray(d.viewers)) presence(d as unknown as Presence);
  }) as EventListener);
  es.addEventListener('kudos', ((ev: MessageEvent) => {
    const d = parseData(String(ev.data));
    if (d && typeof d.id === 'number' && typeof d.message === 'string') {
      for (const l of [...listeners]) l.kudos?.(d as unknown as Kudos);
    }
  }) as EventListener);
  es.addEventListener('reset', ((ev: MessageEvent) => {
    const d = parseData(String(ev.data));
    if (d && typeof d.last_event_id === 'number') lastEventId = d.last_event_id;
    invalidate();
  }) as EventListener);
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED || !opened) {
      // Not an event stream (404, 401, a buffering proxy) or closed for good: poll, retry later.
      es.close();
      if (source === es) source = null;
      failures += 1;
      startPolling();
      const delay = Math.min(60_000, 2_000 * 2 ** Math.min(failures, 5));
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = setTimeout(() => {
        retryTimer = null;
        connect();
      }, delay);
    } else {
      // The browser reconnects by itself, sending Last-Event-ID: nothing is lost meanwhile.
      liveState.set(navigator.onLine === false ? 'offline' : 'connecting');
    }
  };
}

function reconnectNow(): void {
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  if (!source) connect();
}

function wentOffline(): void {
  liveState.set('offline');
}

let started = false;

/** Opens the stream (once logged in). */
export function startLive(): void {
  if (started) return;
  started = true;
  window.addEventListener('online', reconnectNow);
  window.addEventListener('offline', wentOffline);
  connect();
}

/** Closes the stream and stops polling (on logout). */
export function stopLive(): void {
  started = false;
  source?.close();
  source = null;
  stopPolling();
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  lastEventId = null;
  window.removeEventListener('online', reconnectNow);
  window.removeEventListener('offline', wentOffline);
  liveState.set('connecting');
}

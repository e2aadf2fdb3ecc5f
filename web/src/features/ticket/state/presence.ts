// Presence: tells the server the agent is looking at (or replying to) a ticket, every 10 s while
// the ticket is open, and follows who else is there through the live stream. No locks.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, apiUrl, request, send } from '@/lib/api';
import { onLive, type Presence } from '@/lib/events';

export const PRESENCE_HEARTBEAT_MS = 10_000;
let supported = true; // false once the server turned out to have no presence endpoint

/** The other agents on the ticket (not `meId`), with whether they are replying. */
export function others(p: Presence | null, meId: number): Presence['viewers'] {
  return p ? p.viewers.filter((v) => v.user_id !== meId) : [];
}

/** Keeps the agent's presence on `ticketId` and returns who is there. */
export function usePresence(ticketId: number, replying: boolean): Presence | null {
  const [presence, setPresence] = useState<Presence | null>(null);
  const replyingRef = useRef(replying);
  replyingRef.current = replying;
  const beat = useRef<() => void>(() => undefined);

  useEffect(() => {
    if (!supported) return;
    let alive = true;
    setPresence(null);
    const post = () => {
      if (!supported) return;
      send<Presence>('POST', apiUrl(`tickets/${ticketId}/presence`), { replying: replyingRef.current })
        .then((p) => alive && setPresence(p))
        .catch((e) => {
          if (e instanceof ApiError && (e.status === 404 || e.status === 405)) supported = false;
        });
    };
    beat.current = post;
    post();
    const timer = setInterval(post, PRESENCE_HEARTBEAT_MS);
    const unsub = onLive({ presence: (p) => p.ticket_id === ticketId && alive && setPresence(p) });
    return () => {
      alive = false;
      clearInterval(timer);
      unsub();
      if (supported) void request(apiUrl(`tickets/${ticketId}/presence`), { method: 'DELETE' }).catch(() => undefined);
    };
  }, [ticketId]);

  // Starting or stopping a reply is told at once, not at the next heartbeat.
  useEffect(() => beat.current(), [replying]);
  return presence;
}

// The customer: who they are, their other tickets and how they rated past resolutions.
import { useEffect, useState } from 'preact/hooks';
import { StatusBadge } from '@/components/ui/Badge';
import { TimeAgo } from '@/components/ui/TimeAgo';
import { href, navigate } from '@/lib/router';
import type { Ticket } from '@/lib/types';
import { getCustomer, getSatisfaction, type CustomerWithTickets } from '../api/ticket';

interface Rating {
  ticketId: number;
  csat: number;
  resolved: boolean;
  at: string;
  comment?: string;
}

export function CustomerPanel({ ticket }: { ticket: Ticket }) {
  const [customer, setCustomer] = useState<CustomerWithTickets | null>(null);
  const [ratings, setRatings] = useState<Rating[] | 'failed' | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    setCustomer(null);
    setRatings(null);
    getCustomer(ticket.customer.id, ctl.signal)
      .then(async (c) => {
        setCustomer(c);
        const sat = await getSatisfaction(c.id, ctl.signal).catch(() => null);
        if (ctl.signal.aborted) return;
        setRatings(sat ? sat.items.map((i) => ({ ticketId: i.ticket_id, csat: i.csat, resolved: i.resolved, at: i.answered_at, comment: i.comment })) : 'failed');
      })
      .catch(() => undefined);
    return () => ctl.abort();
  }, [ticket.customer.id]);

  const others = (customer?.tickets ?? []).filter((t) => t.id !== ticket.id);
  const c = customer ?? ticket.customer;
  return (
    <section aria-labelledby="customer-title">
      <h2 id="customer-title">Customer</h2>
      <p>
        <strong>{c.name || c.email}</strong>
        <br />
        <a href={`mailto:${c.email}`}>{c.email}</a>
        {c.organization && <><br />{c.organization}</>}
        {customer?.surveys_opt_out && <><br /><span class="muted">Opted out of surveys</span></>}
      </p>
      {customer?.bouncing && (
        <p class="notice" role="status">
          Mail to this address bounces (first seen <TimeAgo iso={customer.bouncing.since} />): {customer.bouncing.reason}.
          No surveys go to it until the customer writes again.
        </p>
      )}
      <h3>Past satisfaction</h3>
      {ratings === null ? (
        <p class="muted">Loading…</p>
      ) : ratings === 'failed' ? (
        <p class="muted">Could not load the survey answers.</p>
      ) : ratings.length === 0 ? (
        <p class="muted">No survey answers yet.</p>
      ) : (
        <ul class="other-tickets">
          {ratings.map((r) => (
            <li key={r.ticketId + r.at}>
              CSAT {r.csat}/5 · {r.resolved ? 'resolved' : 'not resolved'} · #{r.ticketId} <TimeAgo iso={r.at} />
              {r.comment && <q class="muted"> {r.comment}</q>}
            </li>
          ))}
        </ul>
      )}
      <h3>Other tickets ({others.length})</h3>
      {others.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="other-tickets">
          {others.slice(0, 10).map((t) => (
            <li key={t.id}>
              <a href={href(`/tickets/${t.id}`)} onClick={(e) => {
                e.preventDefault();
                navigate(`/tickets/${t.id}`);
              }}>#{t.id} {t.subject}</a>{' '}
              <StatusBadge status={t.status} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// The mail side of a ticket: who else may write into it by mail, and every mail filed here with
// its original for download. (A bouncing customer address shows in the customer panel.)
import { useEffect, useState } from 'preact/hooks';
import { TimeAgo } from '@/components/ui/TimeAgo';
import type { Ticket } from '@/lib/types';
import { getTicketMail, rawMailUrl, type TicketMail } from '../api/ticket';

export function MailPanel({ ticket }: { ticket: Ticket }) {
  const [mail, setMail] = useState<TicketMail | null>(null);

  // A new mail changes the ticket, so its update time is when to look again.
  useEffect(() => {
    const ctl = new AbortController();
    getTicketMail(ticket.id, ctl.signal).then(setMail).catch(() => undefined);
    return () => ctl.abort();
  }, [ticket.id, ticket.updated_at]);

  if (!mail) return null;
  const copied = mail.addresses.filter((a) => a.role === 'cc');
  if (copied.length === 0 && mail.mails.length === 0) return null;
  return (
    <section aria-labelledby="mail-title">
      <h2 id="mail-title">Mail</h2>
      {copied.length > 0 && (
        <>
          <h3>Also on the thread</h3>
          <ul class="other-tickets">
            {copied.map((a) => (
              <li key={a.address}>{a.name ? `${a.name} <${a.address}>` : a.address}</li>
            ))}
          </ul>
        </>
      )}
      {mail.mails.length > 0 && (
        <>
          <h3>Mails received ({mail.mails.length})</h3>
          <ul class="other-tickets">
            {mail.mails.map((m) => (
              <li key={m.id}>
                {m.sender} <TimeAgo iso={m.received_at} /> ·{' '}
                <a href={rawMailUrl(m.id)} download={`mail-${m.id}.eml`}>
                  Original<span class="visually-hidden"> of “{m.subject}”</span>
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

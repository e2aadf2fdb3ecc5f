// SLA due times counting down (shown when the ticket has an SLA policy).
import { useEffect, useState } from 'preact/hooks';
import { countdown, fullTime } from '@/lib/format';
import type { Ticket } from '@/lib/types';

export function SlaTimers({ ticket }: { ticket: Ticket }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  const sla = ticket.sla;
  if (!sla || sla.policy_id === null) return null;
  const rows: [string, string | null][] = [
    ['First response', ticket.times?.first_response_at ? null : sla.first_response_due_at],
    ['Next reply', sla.next_reply_due_at],
    ['Resolution', ticket.status === 'open' || ticket.status === 'pending' ? sla.resolution_due_at : null],
  ];
  const shown = rows.filter(([, due]) => due);
  if (!shown.length) return null;
  return (
    <section aria-labelledby="sla-title">
      <h2 id="sla-title">SLA</h2>
      <ul class="other-tickets">
        {shown.map(([label, due]) => {
          const c = countdown(due!, now);
          return (
            <li key={label} class={c.overdue ? 'sla sla--overdue' : 'sla'} title={fullTime(due!)}>
              {label}: {c.overdue ? c.text : `due in ${c.text}`}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

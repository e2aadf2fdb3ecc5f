// The ticket's event history, newest last, in words.
import { TimeAgo } from '@/components/ui/TimeAgo';
import { userName } from '@/lib/directory';
import { targetName } from '@/lib/notification-text';
import type { TicketEvent } from '@/lib/types';


/** Why the system made a change, when an SLA escalation step did: " (SLA escalation: resolution breached)". */
function because(cause: unknown): string {
  const m = /^sla_(warning|breach):(\w+)$/.exec(String(cause ?? ''));
  return m ? ` (SLA escalation: ${targetName(m[2])} ${m[1] === 'breach' ? 'breached' : 'due soon'})` : '';
}

/** A sentence for one event (falls back to its type for kinds this app does not know). */
export function describeEvent(e: TicketEvent): string {
  return sentence(e) + because(e.data.cause);
}

function sentence(e: TicketEvent): string {
  const d = e.data;
  const who = e.actor.kind === 'system' ? 'System' : e.actor.kind === 'customer' ? 'Customer' : userName(e.actor.id);
  switch (e.type) {
    case 'created': return `${who} created the ticket`;
    case 'assigned': return d.assignee_id ? `${who} assigned it to ${userName(d.assignee_id as number)}` : `${who} unassigned it`;
    case 'status': return `${who} changed the status ${d.from ?? ''} → ${d.to ?? ''}${d.note ? ` (${d.note})` : ''}`;
    case 'priority': return `${who} changed the priority ${d.from ?? ''} → ${d.to ?? ''}`;
    case 'team': return `${who} moved it to ${d.team_id ? 'team #' + d.team_id : 'no team'}`;
    case 'tags': return `${who} set the tags: ${Array.isArray(d.tags) && d.tags.length ? d.tags.join(', ') : 'none'}`;
    case 'subject': return `${who} renamed it “${d.to ?? ''}”`;
    case 'linked': return `A new ticket #${d.new_ticket_id} continues it`;
    case 'reopened': return `${who} reopened it`;
    case 'message': return d.internal ? `${who} added a note` : d.author === 'customer' ? 'Customer wrote' : `${who} replied`;
    case 'survey_answered': return `Survey answered: CSAT ${d.csat}/5, ${d.resolved ? 'resolved' : 'not resolved'}`;
    case 'sla_warning': return `SLA: ${targetName(d.target)} is due soon`;
    case 'sla_breach': return `SLA: ${targetName(d.target)} target breached`;
    default: return `${who}: ${e.type.replace(/_/g, ' ')}`;
  }
}

export function History({ events }: { events: TicketEvent[] }) {
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <ol class="history">
        {events.map((e) => (
          <li key={e.id}>
            {describeEvent(e)} · <TimeAgo iso={e.at} />
          </li>
        ))}
      </ol>
    </section>
  );
}

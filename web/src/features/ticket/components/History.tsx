// The ticket's event history, newest last, in words.
import { TimeAgo } from '@/components/ui/TimeAgo';
import { userName } from '@/lib/directory';
import type { TicketEvent } from '@/lib/types';

/** A sentence for one event (falls back to its type for kinds this app does not know). */
export function describeEvent(e: TicketEvent): string {
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

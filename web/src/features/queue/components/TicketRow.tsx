// One row of the ticket list: select box, subject (link), customer, status, priority, assignee.
import { PriorityBadge, StatusBadge } from '@/components/ui/Badge';
import { TimeAgo } from '@/components/ui/TimeAgo';
import { userName } from '@/lib/directory';
import { href } from '@/lib/router';
import type { Ticket } from '@/lib/types';

export function TicketRow(props: {
  ticket: Ticket | undefined;
  id: number;
  index: number;
  count: number;
  cursor: boolean;
  selected: boolean;
  onToggle: () => void;
  onOpen: (e: MouseEvent) => void;
  onFocusRow: () => void;
}) {
  const t = props.ticket;
  return (
    <div
      role="listitem"
      aria-posinset={props.index + 1}
      aria-setsize={props.count}
      class={'row' + (props.cursor ? ' row--cursor' : '') + (props.selected ? ' row--selected' : '')}
      data-id={props.id}
    >
      <input type="checkbox" class="row__check" checked={props.selected} onChange={props.onToggle}
        aria-label={`Select ticket ${props.id}`} tabIndex={-1} />
      {t ? (
        <>
          <a class="row__main" href={href(`/tickets/${t.id}`)} onClick={props.onOpen} onFocus={props.onFocusRow}
            tabIndex={props.cursor ? 0 : -1}>
            <span class="row__subject">
              <span class="row__id">#{t.id}</span> {t.subject}
            </span>
            <span class="row__meta">
              {t.customer.name || t.customer.email}
              {t.customer.organization ? ` · ${t.customer.organization}` : ''} · updated <TimeAgo iso={t.updated_at} />
              {t.tags.length > 0 && <span class="row__tags"> · {t.tags.join(', ')}</span>}
            </span>
          </a>
          <span class="row__side">
            <StatusBadge status={t.status} />
            <PriorityBadge priority={t.priority} />
            <span class="row__assignee">{userName(t.assignee_id)}</span>
          </span>
        </>
      ) : (
        <span class="row__main muted">#{props.id}</span>
      )}
    </div>
  );
}

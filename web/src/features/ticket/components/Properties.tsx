// Assignee, team, priority and tags of a ticket. Each change is a PATCH against the version the
// agent saw; a stale edit (412) is explained and resolved in StaleNotice, never dropped.
import { useEffect, useState } from 'preact/hooks';
import { teams, users } from '@/lib/directory';
import { parseTags, PRIORITY_LABEL } from '@/lib/format';
import { currentUser } from '@/lib/session';
import { useStore } from '@/lib/store';
import { PRIORITIES, type Priority, type Ticket } from '@/lib/types';
import type { TicketPatch } from '../api/ticket';

export function Properties({ ticket, onPatch, assignRef }: {
  ticket: Ticket;
  onPatch: (p: TicketPatch) => void;
  assignRef: { current: HTMLSelectElement | null };
}) {
  const me = useStore(currentUser);
  const staff = useStore(users);
  const teamList = useStore(teams);
  const [tags, setTags] = useState(ticket.tags.join(', '));
  useEffect(() => setTags(ticket.tags.join(', ')), [ticket.tags.join(',')]);
  const closed = ticket.status === 'closed';

  return (
    <section aria-labelledby="props-title">
      <h2 id="props-title">Details</h2>
      <label>
        <span>Assignee <kbd>a</kbd></span>
        <select ref={assignRef} disabled={closed} value={ticket.assignee_id ?? ''}
          onChange={(e) => onPatch({ assignee_id: e.currentTarget.value ? Number(e.currentTarget.value) : null })}>
          <option value="">Unassigned</option>
          {staff.filter((u) => u.active || u.id === ticket.assignee_id).map((u) => (
            <option key={u.id} value={u.id}>{u.id === me?.id ? `${u.name} (me)` : u.name}</option>
          ))}
        </select>
      </label>
      {me && ticket.assignee_id !== me.id && !closed && (
        <button type="button" class="btn btn--small" onClick={() => onPatch({ assignee_id: me.id })}>Assign to me</button>
      )}
      <label>
        <span>Team</span>
        <select disabled={closed} value={ticket.team_id ?? ''}
          onChange={(e) => onPatch({ team_id: e.currentTarget.value ? Number(e.currentTarget.value) : null })}>
          <option value="">No team</option>
          {teamList.filter((t) => t.active || t.id === ticket.team_id).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      </label>
      <label>
        <span>Priority</span>
        <select disabled={closed} value={ticket.priority} onChange={(e) => onPatch({ priority: e.currentTarget.value as Priority })}>
          {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABEL[p]}</option>)}
        </select>
      </label>
      <form onSubmit={(e) => {
        e.preventDefault();
        const next = parseTags(tags);
        if (next.join(',') !== ticket.tags.join(',')) onPatch({ tags: next });
      }}>
        <label>
          <span>Tags (comma separated)</span>
          <input type="text" value={tags} disabled={closed} onInput={(e) => setTags(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn btn--small" disabled={closed}>Save tags</button>
      </form>
    </section>
  );
}

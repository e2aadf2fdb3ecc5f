// Explains a stale edit (someone changed the same field first) and lets the agent choose.
import { userName } from '@/lib/directory';
import { PRIORITY_LABEL } from '@/lib/format';
import type { StaleOutcome } from '../state/stale';

const FIELD_LABEL: Record<string, string> = { priority: 'priority', assignee_id: 'assignee', team_id: 'team', tags: 'tags', subject: 'subject' };

function show(field: string, v: unknown): string {
  if (field === 'assignee_id') return userName(v as number | null);
  if (field === 'priority') return PRIORITY_LABEL[v as keyof typeof PRIORITY_LABEL] ?? String(v);
  if (field === 'tags') return Array.isArray(v) && v.length ? v.join(', ') : 'no tags';
  if (v === null || v === undefined) return 'none';
  return String(v);
}

export function StaleNotice({ conflicts, onMine, onTheirs }: {
  conflicts: StaleOutcome['conflicts'];
  onMine: () => void;
  onTheirs: () => void;
}) {
  return (
    <div class="notice" role="alert">
      <strong>Someone changed this ticket while you were editing it.</strong>
      <ul>
        {conflicts.map((c) => (
          <li key={c.field}>
            The {FIELD_LABEL[c.field] ?? c.field} is now <strong>{show(c.field, c.theirs)}</strong>; you chose <strong>{show(c.field, c.mine)}</strong>.
          </li>
        ))}
      </ul>
      <div class="ticket__actions">
        <button type="button" class="btn btn--primary btn--small" onClick={onMine}>Use my choice</button>
        <button type="button" class="btn btn--small" onClick={onTheirs}>Keep theirs</button>
      </div>
    </div>
  );
}

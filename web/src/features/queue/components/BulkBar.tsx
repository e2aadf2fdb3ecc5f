// The actions on the selected tickets: assign, status, priority, tags.
import { useState } from 'preact/hooks';
import { toast } from '@/components/ui/Toasts';
import { users } from '@/lib/directory';
import { parseTags, PRIORITY_LABEL, STATUS_LABEL } from '@/lib/format';
import { currentUser } from '@/lib/session';
import { useStore } from '@/lib/store';
import { PRIORITIES, type Priority, type Status } from '@/lib/types';
import { clearSelection, runBulk, selection, type BulkChange } from '../state/bulk';

const BULK_STATUSES: Status[] = ['open', 'pending', 'resolved', 'closed'];

export async function applyBulk(ids: number[], change: BulkChange, what: string): Promise<void> {
  const r = await runBulk(ids, change);
  if (r.failed.length === 0) {
    toast({ text: `${what}: ${r.done} ticket${r.done === 1 ? '' : 's'} updated.`, tone: 'success' });
  } else {
    const first = r.failed.slice(0, 3).map((f) => `#${f.id}: ${f.reason}`).join(' ');
    toast({ text: `${what}: ${r.done} updated, ${r.failed.length} refused. ${first}`, tone: 'error', ms: 12_000 });
  }
}

export function BulkBar({ assignRef }: { assignRef: { current: HTMLSelectElement | null } }) {
  const sel = useStore(selection);
  const me = useStore(currentUser);
  const staff = useStore(users).filter((u) => u.active);
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState(false);
  if (sel.size === 0) return null;
  const ids = [...sel];

  const run = async (change: BulkChange, what: string) => {
    setBusy(true);
    try {
      await applyBulk(ids, change, what);
      clearSelection();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="bulk" aria-label="Bulk actions">
      <strong>{sel.size} selected</strong>
      <label class="bulk__item">
        <span>Assign</span>
        <select ref={assignRef} disabled={busy} value=""
          onChange={(e) => {
            const v = e.currentTarget.value;
            if (v) void run({ kind: 'assign', assignee_id: v === 'none' ? null : Number(v) }, 'Assign');
          }}>
          <option value="">Choose…</option>
          {me && <option value={me.id}>Me ({me.name})</option>}
          <option value="none">Nobody</option>
          {staff.filter((u) => u.id !== me?.id).map((u) => (
            <option key={u.id} value={u.id}>{u.name}</option>
          ))}
        </select>
      </label>
      <label class="bulk__item">
        <span>Status</span>
        <select disabled={busy} value=""
          onChange={(e) => {
            const v = e.currentTarget.value as Status;
            if (v) void run({ kind: 'status', status: v }, `Status ${STATUS_LABEL[v]}`);
          }}>
          <option value="">Choose…</option>
          {BULK_STATUSES.map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
        </select>
      </label>
      <label class="bulk__item">
        <span>Priority</span>
        <select disabled={busy} value=""
          onChange={(e) => {
            const v = e.currentTarget.value as Priority;
            if (v) void run({ kind: 'priority', priority: v }, `Priority ${PRIORITY_LABEL[v]}`);
          }}>
          <option value="">Choose…</option>
          {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABEL[p]}</option>)}
        </select>
      </label>
      <form class="bulk__item"
        onSubmit={(e) => {
          e.preventDefault();
          const add = parseTags(tags);
          if (add.length) void run({ kind: 'tags', add }, 'Add tags').then(() => setTags(''));
        }}>
        <label>
          <span>Add tags</span>
          <input type="text" value={tags} disabled={busy} placeholder="refund, vip" onInput={(e) => setTags(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn btn--small" disabled={busy}>Add</button>
      </form>
      <button type="button" class="btn btn--ghost btn--small" onClick={clearSelection}>Clear selection</button>
    </section>
  );
}

// The editable list of root causes: add, rename, delete (the server refuses to delete a cause
// that review items use, and a name already taken, and says so).
import { useState } from 'preact/hooks';
import { errorText } from '@/components/ui/ErrorNote';
import { toast } from '@/components/ui/Toasts';
import { addCause, deleteCause, renameCause, type ReviewCause } from '../api/reviews';

export function CausesManager({ causes, onChange }: { causes: ReviewCause[]; onChange: () => void }) {
  const [newCause, setNewCause] = useState('');
  const attempt = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      toast({ text: done, tone: 'success' });
      onChange();
      return true;
    } catch (err) {
      toast({ text: errorText(err), tone: 'error' });
      return false;
    }
  };
  const create = async (e: Event) => {
    e.preventDefault();
    const name = newCause.trim();
    if (name && (await attempt(() => addCause(name), `Root cause “${name}” added.`))) setNewCause('');
  };
  return (
    <details class="causes-admin">
      <summary>Edit the root causes ({causes.length})</summary>
      <ul>
        {causes.map((c) => <CauseRow key={`${c.id}:${c.name}`} cause={c} attempt={attempt} />)}
      </ul>
      <form class="review__add" onSubmit={create}>
        <label class="inline"><span>New root cause</span>
          <input value={newCause} maxLength={80} onInput={(e) => setNewCause(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn btn--small">Add</button>
      </form>
    </details>
  );
}

function CauseRow({ cause, attempt }: {
  cause: ReviewCause;
  attempt: (work: () => Promise<unknown>, done: string) => Promise<boolean>;
}) {
  const [name, setName] = useState(cause.name);
  const id = `cause-${cause.id}`;
  return (
    <li>
      <label class="visually-hidden" for={id}>Name of root cause {cause.name}</label>
      <input id={id} value={name} maxLength={80} onInput={(e) => setName(e.currentTarget.value)} />
      <span class="muted">{cause.items} {cause.items === 1 ? 'item' : 'items'}</span>
      <button type="button" class="btn btn--small" disabled={!name.trim() || name.trim() === cause.name}
        onClick={() => void attempt(() => renameCause(cause.id, name.trim()), `Renamed to “${name.trim()}”.`)}>
        Rename<span class="visually-hidden"> {cause.name}</span>
      </button>
      <button type="button" class="btn btn--small" disabled={cause.items > 0}
        title={cause.items > 0 ? 'Review items use it: tag them with another cause first' : undefined}
        onClick={() => void attempt(() => deleteCause(cause.id), `Root cause “${cause.name}” deleted.`)}>
        Delete<span class="visually-hidden"> {cause.name}</span>
      </button>
    </li>
  );
}

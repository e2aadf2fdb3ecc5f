// Canned responses: reply templates agents insert in the composer; one may also set status,
// priority and tags when the reply is sent.
import { useState } from 'preact/hooks';
import { ErrorNote, errorText } from '@/components/ui/ErrorNote';
import { toast } from '@/components/ui/Toasts';
import { ApiError } from '@/lib/api';
import { parseTags, PRIORITY_LABEL, STATUS_LABEL } from '@/lib/format';
import { PRIORITIES, type CannedResponse, type Status } from '@/lib/types';
import { createCanned, deleteCanned, listCanned, updateCanned, type CannedInput } from '../api/admin';
import { useLoad } from '../state/useLoad';

const AFTER: Status[] = ['pending', 'resolved', 'open'];
const EMPTY = { title: '', body: '', status: '', priority: '', tags: '' };

export function CannedAdmin() {
  const list = useLoad(listCanned);
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const missing = list.error instanceof ApiError && list.error.status === 404;

  const input = (): CannedInput => ({
    title: form.title.trim(), body: form.body, status: form.status || null, priority: form.priority || null, add_tags: parseTags(form.tags),
  });
  const edit = (c: CannedResponse) => {
    setEditing(c.id);
    setForm({ title: c.title, body: c.body, status: c.status ?? '', priority: c.priority ?? '', tags: (c.add_tags ?? []).join(', ') });
  };

  if (missing) {
    return (<><h1>Canned responses</h1><p>This server does not offer canned responses yet.</p></>);
  }
  return (
    <>
      <h1>Canned responses</h1>
      <form aria-label={editing ? 'Edit the canned response' : 'Add a canned response'} onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          if (editing) await updateCanned(editing, input());
          else await createCanned(input());
          setForm(EMPTY);
          setEditing(null);
          list.reload();
        } catch (err) {
          setError(err);
        }
      }}>
        <div class="form-row">
          <label><span>Title</span><input required maxLength={100} value={form.title} onInput={(e) => setForm({ ...form, title: e.currentTarget.value })} /></label>
          <label><span>Then set status</span>
            <select value={form.status} onChange={(e) => setForm({ ...form, status: e.currentTarget.value })}>
              <option value="">Unchanged</option>
              {AFTER.map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
            </select>
          </label>
          <label><span>Then set priority</span>
            <select value={form.priority} onChange={(e) => setForm({ ...form, priority: e.currentTarget.value })}>
              <option value="">Unchanged</option>
              {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABEL[p]}</option>)}
            </select>
          </label>
          <label><span>Add tags</span><input value={form.tags} onInput={(e) => setForm({ ...form, tags: e.currentTarget.value })} /></label>
        </div>
        <label class="field"><span>Text</span>
          <textarea required rows={4} value={form.body} onInput={(e) => setForm({ ...form, body: e.currentTarget.value })} />
        </label>
        <div class="form-row">
          <button type="submit" class="btn btn--primary">{editing ? 'Save changes' : 'Add canned response'}</button>
          {editing && <button type="button" class="btn" onClick={() => { setEditing(null); setForm(EMPTY); }}>Cancel</button>}
        </div>
      </form>
      <ErrorNote error={error} />
      <ErrorNote error={list.error} />
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">Canned responses</caption>
          <thead><tr><th scope="col">Title</th><th scope="col">Text</th><th scope="col">On send</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {(list.data ?? []).map((c) => (
              <tr key={c.id}>
                <td>{c.title}</td>
                <td>{c.body.length > 120 ? c.body.slice(0, 120) + '…' : c.body}</td>
                <td>{[c.status && `status ${c.status}`, c.priority && `priority ${c.priority}`, c.add_tags?.length && `tags ${c.add_tags.join(', ')}`].filter(Boolean).join('; ') || '—'}</td>
                <td>
                  <button type="button" class="btn btn--small" onClick={() => edit(c)}>Edit <span class="visually-hidden">{c.title}</span></button>{' '}
                  <button type="button" class="btn btn--small btn--danger" onClick={async () => {
                    try {
                      await deleteCanned(c.id);
                      list.reload();
                    } catch (e) {
                      toast({ text: errorText(e), tone: 'error' });
                    }
                  }}>Delete <span class="visually-hidden">{c.title}</span></button>
                </td>
              </tr>
            ))}
            {list.data?.length === 0 && <tr><td colSpan={4} class="muted">None yet.</td></tr>}
          </tbody>
        </table>
      </div>
    </>
  );
}

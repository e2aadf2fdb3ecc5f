// Users: list, add, change role/team, deactivate and reactivate.
import { useState } from 'preact/hooks';
import { ErrorNote, errorText } from '@/components/ui/ErrorNote';
import { toast } from '@/components/ui/Toasts';
import { ApiError } from '@/lib/api';
import { loadDirectory } from '@/lib/directory';
import { ROLES, type Role, type User } from '@/lib/types';
import { createUser, deactivateUser, listTeams, listUsers, updateUser } from '../api/admin';
import { useLoad } from '../state/useLoad';

export function UsersAdmin() {
  const users = useLoad(listUsers);
  const teams = useLoad(listTeams);
  const [form, setForm] = useState({ email: '', name: '', role: 'agent' as Role, password: '', team_id: '' });
  const [error, setError] = useState<unknown>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  const change = async (u: User, patch: Parameters<typeof updateUser>[1]) => {
    try {
      await updateUser(u.id, patch);
      users.reload();
      void loadDirectory();
    } catch (e) {
      toast({ text: errorText(e), tone: 'error' });
    }
  };

  return (
    <>
      <h1>Users</h1>
      <form class="form-row" aria-label="Add a user" onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        setFields({});
        try {
          await createUser({ ...form, email: form.email.trim(), name: form.name.trim(), team_id: form.team_id ? Number(form.team_id) : null });
          toast({ text: `Added ${form.name}.`, tone: 'success' });
          setForm({ email: '', name: '', role: 'agent', password: '', team_id: '' });
          users.reload();
          void loadDirectory();
        } catch (err) {
          setError(err);
          if (err instanceof ApiError) setFields(err.fieldErrors());
        }
      }}>
        <label><span>Name</span><input required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} aria-invalid={!!fields.name} /></label>
        <label><span>Email</span><input type="email" required value={form.email} onInput={(e) => setForm({ ...form, email: e.currentTarget.value })} aria-invalid={!!fields.email} /></label>
        <label><span>Role</span>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value as Role })}>
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        <label><span>Team</span>
          <select value={form.team_id} onChange={(e) => setForm({ ...form, team_id: e.currentTarget.value })}>
            <option value="">No team</option>
            {(teams.data ?? []).filter((t) => t.active).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        </label>
        <label><span>Password (10+ characters)</span><input type="password" required minLength={10} autocomplete="new-password" value={form.password}
          onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} aria-invalid={!!fields.password} /></label>
        <button type="submit" class="btn btn--primary">Add user</button>
      </form>
      <ErrorNote error={error} />
      <ErrorNote error={users.error} />
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">Users</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Team</th><th scope="col">State</th></tr></thead>
          <tbody>
            {(users.data ?? []).map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td>{u.email}</td>
                <td>
                  <select aria-label={`Role of ${u.name}`} value={u.role} onChange={(e) => change(u, { role: e.currentTarget.value as Role })}>
                    {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                  </select>
                </td>
                <td>
                  <select aria-label={`Team of ${u.name}`} value={u.team_id ?? ''} onChange={(e) => change(u, { team_id: e.currentTarget.value ? Number(e.currentTarget.value) : null })}>
                    <option value="">No team</option>
                    {(teams.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
                  </select>
                </td>
                <td>
                  {u.active ? (
                    <button type="button" class="btn btn--small btn--danger" onClick={async () => {
                      try {
                        await deactivateUser(u.id);
                        users.reload();
                      } catch (e) {
                        toast({ text: errorText(e), tone: 'error' });
                      }
                    }}>Deactivate <span class="visually-hidden">{u.name}</span></button>
                  ) : (
                    <button type="button" class="btn btn--small" onClick={() => change(u, { active: true })}>Reactivate <span class="visually-hidden">{u.name}</span></button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

// Teams: list, add, rename, deactivate.
import { useState } from 'preact/hooks';
import { ErrorNote, errorText } from '@/components/ui/ErrorNote';
import { toast } from '@/components/ui/Toasts';
import { loadDirectory } from '@/lib/directory';
import { createTeam, deactivateTeam, listTeams, renameTeam } from '../api/admin';
import { useLoad } from '../state/useLoad';

export function TeamsAdmin() {
  const teams = useLoad(listTeams);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      teams.reload();
      void loadDirectory();
    } catch (e) {
      toast({ text: errorText(e), tone: 'error' });
    }
  };
  return (
    <>
      <h1>Teams</h1>
      <form class="form-row" aria-label="Add a team" onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          await createTeam(name.trim());
          setName('');
          teams.reload();
          void loadDirectory();
        } catch (err) {
          setError(err);
        }
      }}>
        <label><span>Team name</span><input required value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>
        <button type="submit" class="btn btn--primary">Add team</button>
      </form>
      <ErrorNote error={error} />
      <ErrorNote error={teams.error} />
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">Teams</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {(teams.data ?? []).map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{t.active ? 'Active' : 'Inactive'}</td>
                <td>
                  <button type="button" class="btn btn--small" onClick={() => {
                    const n = window.prompt(`New name of ${t.name}`, t.name);
                    if (n && n.trim() !== t.name) void act(() => renameTeam(t.id, n.trim()));
                  }}>Rename <span class="visually-hidden">{t.name}</span></button>{' '}
                  {t.active && (
                    <button type="button" class="btn btn--small btn--danger" onClick={() => act(() => deactivateTeam(t.id))}>
                      Deactivate <span class="visually-hidden">{t.name}</span>
                    </button>
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

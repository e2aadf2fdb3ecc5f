// API tokens: list, create (the secret is shown once), revoke.
import { useState } from 'preact/hooks';
import { ErrorNote, errorText } from '@/components/ui/ErrorNote';
import { TimeAgo } from '@/components/ui/TimeAgo';
import { toast } from '@/components/ui/Toasts';
import { ROLES, type ApiToken, type Role } from '@/lib/types';
import { createToken, listTokens, revokeToken } from '../api/admin';
import { useLoad } from '../state/useLoad';

export function TokensAdmin() {
  const tokens = useLoad(listTokens);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [created, setCreated] = useState<ApiToken | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <h1>API tokens</h1>
      <p class="muted">Integrations send <code>Authorization: Bearer &lt;token&gt;</code>. A token's secret is shown once, when it is created.</p>
      <form class="form-row" aria-label="Create an API token" onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          setCreated(await createToken(name.trim(), role));
          setName('');
          tokens.reload();
        } catch (err) {
          setError(err);
        }
      }}>
        <label><span>Token name</span><input required value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>
        <label><span>Role</span>
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        <button type="submit" class="btn btn--primary">Create token</button>
      </form>
      <ErrorNote error={error} />
      {created?.token && (
        <div class="notice" role="alert">
          <p>The secret of “{created.name}”. Copy it now: it will not be shown again.</p>
          <p class="secret">{created.token}</p>
          <button type="button" class="btn btn--small" onClick={() => setCreated(null)}>I have copied it</button>
        </div>
      )}
      <ErrorNote error={tokens.error} />
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">API tokens</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {(tokens.data ?? []).map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{t.role}</td>
                <td><TimeAgo iso={t.created_at} /></td>
                <td>
                  <button type="button" class="btn btn--small btn--danger" onClick={async () => {
                    if (!window.confirm(`Revoke the token “${t.name}”? Integrations using it stop working.`)) return;
                    try {
                      await revokeToken(t.id);
                      tokens.reload();
                    } catch (e) {
                      toast({ text: errorText(e), tone: 'error' });
                    }
                  }}>Revoke <span class="visually-hidden">{t.name}</span></button>
                </td>
              </tr>
            ))}
            {tokens.data?.length === 0 && <tr><td colSpan={4} class="muted">No tokens.</td></tr>}
          </tbody>
        </table>
      </div>
    </>
  );
}

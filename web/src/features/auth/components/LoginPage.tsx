// The login form. On success the app shows where the agent wanted to go (or their queue).
import { useState } from 'preact/hooks';
import { ErrorNote } from '@/components/ui/ErrorNote';
import { ApiError } from '@/lib/api';
import { currentUser } from '@/lib/session';
import { login } from '../api/session';

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      currentUser.set(await login(email.trim(), password));
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        const wait = Number(err.body.retry_after ?? 0);
        setError(new Error(`Too many attempts. ${wait ? `Try again in ${wait} s.` : 'Try again later.'}`));
      } else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login" id="main">
      <form class="login__card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Helpdesk</h1>
        <p class="muted">Sign in to your workspace.</p>
        <label class="field">
          <span>Email</span>
          <input type="email" name="email" autocomplete="username" required value={email} autofocus
            onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Password</span>
          <input type="password" name="password" autocomplete="current-password" required value={password}
            onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <ErrorNote error={error} />
        <button type="submit" class="btn btn--primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

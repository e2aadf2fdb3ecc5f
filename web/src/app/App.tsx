// The app: finds out who is logged in, shows the login or the shell with the current screen.
import { useEffect } from 'preact/hooks';
import { Toasts } from '@/components/ui/Toasts';
import { LoginPage } from '@/features/auth/components/LoginPage';
import { whoAmI } from '@/features/auth/api/session';
import { setUnauthenticatedHandler } from '@/lib/api';
import { loadDirectory } from '@/lib/directory';
import { startLive, stopLive } from '@/lib/events';
import { location, navigate } from '@/lib/router';
import { currentUser } from '@/lib/session';
import { useStore } from '@/lib/store';
import { resolve } from './routes';
import { Shell } from './Shell';

export function App() {
  const user = useStore(currentUser);
  const loc = useStore(location);

  useEffect(() => {
    // The one place a 401 leads to: back to the login, keeping the address to return to.
    setUnauthenticatedHandler(() => currentUser.set(null));
    whoAmI()
      .then((u) => currentUser.set(u))
      .catch(() => currentUser.set(null));
  }, []);

  useEffect(() => {
    if (!user) {
      stopLive();
      return;
    }
    void loadDirectory();
    startLive();
  }, [user?.id]);

  useEffect(() => {
    if (user && (loc.path === '/' || loc.path === '/login')) navigate('/views/mine', { replace: true });
  }, [user?.id, loc.path]);

  useEffect(() => {
    // Each screen has its own title (screen readers announce it, tabs and history show it).
    const p = loc.path;
    const name = !user ? 'Sign in'
      : p.startsWith('/tickets/') ? `Ticket #${p.split('/')[2]}`
      : p.startsWith('/admin/') ? `Admin: ${p.split('/')[2]}`
      : p === '/dashboard' ? 'Dashboard'
      : p === '/kudos' ? 'Kudos received'
      : p.startsWith('/views/') ? 'Tickets' : '';
    document.title = name ? `${name} · Helpdesk` : 'Helpdesk';
  }, [loc.path, user?.id]);

  if (user === undefined) return <p class="loading" role="status">Loading…</p>;
  if (user === null) {
    return (
      <>
        <LoginPage />
        <Toasts />
      </>
    );
  }
  const found = resolve(loc.path, user);
  const key = found ? found.route.pattern + JSON.stringify(found.params) : 'none';
  return (
    <Shell>
      {found ? (
        <div key={key} class="screen">{found.route.render(found.params)}</div>
      ) : (
        <section class="screen notfound">
          <h1>Page not found</h1>
          <p>There is nothing at this address, or it needs a higher role.</p>
        </section>
      )}
    </Shell>
  );
}

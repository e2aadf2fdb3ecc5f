// The frame around every screen: a top bar (menu, live indicator, who am I, logout, keymap),
// the side bar (views; admin links for admins) and the main area.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { toast, Toasts } from '@/components/ui/Toasts';
import { logout } from '@/features/auth/api/session';
import { QueueSidebar } from '@/features/queue/components/Sidebar';
import { liveState, onLive, type Kudos, type Notification } from '@/lib/events';
import { notificationText } from '@/lib/notification-text';
import { useKeys } from '@/lib/keys';
import { queueContext } from '@/lib/queue-context';
import { href, location, navigate } from '@/lib/router';
import { currentUser, hasRole } from '@/lib/session';
import { useStore } from '@/lib/store';
import { KeymapDialog } from './KeymapDialog';

const LIVE_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Live (polling)',
  offline: 'Offline',
} as const;

type NavEntry = { path: string; label: string; role: 'agent' | 'supervisor' | 'admin' };

/** The agent's own screens, below the views. */
const PERSONAL: NavEntry[] = [{ path: '/kudos', label: 'Kudos received', role: 'agent' }];

/** Supervisors' screens, below the views. */
const SUPERVISION: NavEntry[] = [{ path: '/dashboard', label: 'Dashboard', role: 'supervisor' }];

/** Entries below the views; `role` is the lowest role that sees them. */
const NAV: NavEntry[] = [
  { path: '/admin/users', label: 'Users', role: 'admin' },
  { path: '/admin/teams', label: 'Teams', role: 'admin' },
  { path: '/admin/tokens', label: 'API tokens', role: 'admin' },
  { path: '/admin/canned', label: 'Canned responses', role: 'admin' },
  { path: '/admin/jobs', label: 'Failed jobs', role: 'admin' },
];

export function Shell({ children }: { children: ComponentChildren }) {
  const user = useStore(currentUser)!;
  const live = useStore(liveState);
  const loc = useStore(location);
  const [menu, setMenu] = useState(false);
  const [help, setHelp] = useState(false);

  // Notifications that concern this agent (assigned to me, my ticket reopened) appear at once.
  // So are kudos from a supervisor.
  useEffect(() => onLive({
    notification: (n) => toast(notificationToast(n)),
    kudos: (k) => toast(kudosToast(k)),
  }), []);

  useKeys({
    '?': () => setHelp(true),
    'Shift+?': () => setHelp(true),
    'g i': () => navigate('/views/mine'),
    '/': () => {
      const box = document.getElementById('queue-search');
      if (box) return box.focus();
      navigate(queueContext.get().path);
      setTimeout(() => document.getElementById('queue-search')?.focus(), 0);
    },
    Escape: (e) => {
      const el = e.target as HTMLElement;
      if (el && el !== document.body && 'blur' in el) el.blur();
      setMenu(false);
    },
  }, true);

  const go = (e: MouseEvent, path: string) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(path);
    setMenu(false);
  };

  return (
    <div class={menu ? 'shell shell--menu' : 'shell'}>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <button type="button" class="btn btn--ghost topbar__menu" aria-expanded={menu} aria-controls="sidebar"
          onClick={() => setMenu(!menu)}>
          ☰<span class="visually-hidden"> Menu</span>
        </button>
        <a class="topbar__brand" href={href('/views/mine')} onClick={(e) => go(e, '/views/mine')}>Helpdesk</a>
        <span class={`live live--${live}`} role="status" title="Live updates">
          <span class="live__dot" aria-hidden="true" />
          {LIVE_TEXT[live]}
        </span>
        <span class="topbar__spacer" />
        <button type="button" class="btn btn--ghost topbar__help" onClick={() => setHelp(true)} aria-keyshortcuts="?">
          Keys <kbd>?</kbd>
        </button>
        <span class="topbar__user" title={user.email}>
          {user.name} <span class="muted">({user.role})</span>
        </span>
        <button type="button" class="btn btn--small"
          onClick={async () => {
            await logout().catch(() => undefined);
            currentUser.set(null);
            navigate('/login', { replace: true });
          }}>
          Log out
        </button>
      </header>
      <aside id="sidebar" class="sidebar">
        <p class="sidebar__me">Signed in as <strong>{user.name}</strong> ({user.role})</p>
        <QueueSidebar onNavigate={() => setMenu(false)} />
        {[['You', PERSONAL], ['Supervision', SUPERVISION], ['Administration', NAV]].map(([title, entries]) => {
          const shown = (entries as NavEntry[]).filter((n) => hasRole(user, n.role));
          return shown.length > 0 && (
            <nav key={title as string} class="views" aria-label={title as string}>
              <h2 class="views__title">{title as string}</h2>
              <ul>
                {shown.map((n) => (
                  <li key={n.path}>
                    <a class="views__link" href={href(n.path)} aria-current={loc.path === n.path ? 'page' : undefined}
                      onClick={(e) => go(e, n.path)}>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          );
        })}
      </aside>
      <main id="main" class="main" tabIndex={-1}>
        {children}
      </main>
      <KeymapDialog open={help} onClose={() => setHelp(false)} />
      <Toasts />
    </div>
  );
}

/** The toast for a notification: what happened, and a way to open the ticket. */
export function notificationToast(n: Notification) {
  return {
    text: `Ticket #${n.ticket_id} “${n.subject}” ${notificationText(n)}.`,
    tone: n.kind === 'reopened' || n.kind === 'sla_breach' ? ('error' as const) : ('info' as const),
    ms: 12_000,
    action: { label: 'Open', run: () => navigate(`/tickets/${n.ticket_id}`) },
  };
}

/** The toast for kudos received: who thanked me, what they wrote, and a way to see them all. */
export function kudosToast(k: Kudos) {
  return {
    text: `Kudos from ${k.from.name}: “${k.message}”`,
    tone: 'success' as const,
    ms: 15_000,
    action: { label: 'See kudos', run: () => navigate('/kudos') },
  };
}

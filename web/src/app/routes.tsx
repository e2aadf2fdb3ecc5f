// The app's screens by path. The list and the ticket load with the first screen; admin screens,
// the supervisors' dashboard and the agent's kudos are loaded on demand (chunks of their own).
import { lazy, Suspense } from 'preact/compat';
import type { ComponentType } from 'preact';
import { QueuePage } from '@/features/queue/components/QueuePage';
import { TicketPage } from '@/features/ticket/components/TicketPage';
import { match } from '@/lib/router';
import { hasRole } from '@/lib/session';
import type { User } from '@/lib/types';

const AdminPage = lazy(() => import('@/features/admin/components/AdminPage').then((m) => ({ default: m.AdminPage })));
const KudosPage = lazy(() => import('@/features/kudos/components/KudosPage').then((m) => ({ default: m.KudosPage })));
const DashboardPage = lazy(() => import('@/features/dashboard/components/DashboardPage').then((m) => ({ default: m.DashboardPage })));

export interface Route {
  pattern: string;
  /** The lowest role that may see it. */
  role: 'agent' | 'supervisor' | 'admin';
  render(params: Record<string, string>): preact.JSX.Element;
}

function Lazy({ component: C, props }: { component: ComponentType<any>; props: Record<string, unknown> }) {
  return (
    <Suspense fallback={<p class="loading">Loading…</p>}>
      <C {...props} />
    </Suspense>
  );
}

export const ROUTES: Route[] = [
  { pattern: '/views/:view', role: 'agent', render: (p) => <QueuePage viewId={p.view} /> },
  { pattern: '/tickets/:id', role: 'agent', render: (p) => <TicketPage id={Number(p.id)} /> },
  { pattern: '/kudos', role: 'agent', render: () => <Lazy component={KudosPage} props={{}} /> },
  { pattern: '/dashboard', role: 'supervisor', render: () => <Lazy component={DashboardPage} props={{}} /> },
  { pattern: '/admin/:section', role: 'admin', render: (p) => <Lazy component={AdminPage} props={{ section: p.section }} /> },
];

/** The screen for a path, or null (unknown path or role too low). */
export function resolve(path: string, user: User): { route: Route; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (params && hasRole(user, route.role)) return { route, params };
  }
  return null;
}

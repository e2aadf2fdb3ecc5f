// The side bar's views: each is a fixed query over the ticket list, relative to the agent.
import type { User } from '@/lib/types';
import type { Query } from '../api/tickets';

export interface ViewDef {
  id: string;
  /** The key of the view in `GET /api/v1/views/counts`. */
  key: string;
  label: string;
  /** The list query, or null when the view does not apply (e.g. "My team" without a team). */
  query(user: User, now?: number): Query | null;
  /** Not counted in the side bar. */
  uncounted?: boolean;
}

const OPEN_OR_PENDING = 'open,pending';

// The same queries as the server's view counts (docs/API.md, "View counts").
export const VIEWS: ViewDef[] = [
  { id: 'mine', key: 'mine_open', label: 'Mine, open', query: () => ({ assignee: 'me', status: OPEN_OR_PENDING }) },
  { id: 'unassigned', key: 'unassigned', label: 'Unassigned', query: () => ({ assignee: 'none', status: OPEN_OR_PENDING }) },
  { id: 'team', key: 'my_team', label: 'My team', query: (u) => (u.team_id ? { team: u.team_id, status: OPEN_OR_PENDING } : null) },
  { id: 'pending', key: 'pending', label: 'Pending', query: () => ({ status: 'pending' }) },
  { id: 'open', key: 'all_open', label: 'All open', query: () => ({ status: 'open' }) },
  {
    id: 'recent', key: 'recently_updated', label: 'Recently updated',
    query: (_u, now = Date.now()) => ({ updated_after: new Date(now - 86_400_000).toISOString().slice(0, 13) + ':00:00Z', sort: '-updated_at' }),
  },
  { id: 'due-soon', key: 'sla_due_soon', label: 'SLA due soon', query: () => ({ sla: 'due_soon', status: OPEN_OR_PENDING }) },
  { id: 'breached', key: 'sla_breached', label: 'SLA breached', query: () => ({ sla: 'breached', status: OPEN_OR_PENDING }) },
  // Any query from the URL (saved views and links): no base of its own.
  { id: 'custom', key: 'custom', label: 'Tickets', query: () => ({}), uncounted: true },
];

/** The filters an agent can add on top of a view, as they appear in the URL. */
export const FILTER_KEYS = ['q', 'status', 'priority', 'assignee', 'tag', 'sort'] as const;

/** What a URL may set on the "custom" view (saved views): every list filter of the API. */
export const CUSTOM_KEYS = [...FILTER_KEYS, 'team', 'customer', 'created_after', 'created_before', 'updated_after', 'updated_before', 'sla'] as const;

/**
 * The list query of a view with the URL's filters on top: a filter replaces the view's value
 * for the same key; an empty one is ignored.
 */
export function buildQuery(base: Query, params: URLSearchParams, keys: readonly string[] = FILTER_KEYS): Query {
  const q: Query = { ...base };
  for (const k of keys) {
    const v = params.get(k);
    if (v) q[k] = v;
  }
  return q;
}

/** A stable string for a query (cache key): keys sorted, arrays joined. */
export function queryKey(q: Query): string {
  return Object.keys(q)
    .filter((k) => q[k] !== undefined && q[k] !== '')
    .sort()
    .map((k) => `${k}=${Array.isArray(q[k]) ? (q[k] as string[]).join(',') : q[k]}`)
    .join('&');
}

/** A personal saved view: a name and a `GET /api/v1/tickets` query string. */
export interface SavedView {
  id: number | string;
  name: string;
  query: string;
}

/** The query string of a list query (for saving it). */
export function toQueryString(q: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === '') continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  return p.toString();
}

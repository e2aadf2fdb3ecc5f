import { describe, expect, it } from 'vitest';
import type { User } from '@/lib/types';
import { bulkBody } from './bulk';
import { buildQuery, CUSTOM_KEYS, queryKey, toQueryString, VIEWS } from './views';

const agent = { id: 4, role: 'agent', team_id: 2 } as User;

describe('views', () => {
  it('match the server-side view queries', () => {
    const q = (id: string, u: User = agent) => VIEWS.find((v) => v.id === id)!.query(u);
    expect(q('mine')).toEqual({ assignee: 'me', status: 'open,pending' });
    expect(q('team')).toEqual({ team: 2, status: 'open,pending' });
    expect(q('team', { ...agent, team_id: null })).toBeNull();
    const recent = VIEWS.find((v) => v.id === 'recent')!.query(agent, Date.parse('2026-11-30T12:34:56Z'));
    expect(recent).toEqual({ updated_after: '2026-11-29T12:00:00Z', sort: '-updated_at' });
  });

  it('lays URL filters over the view and ignores unknown ones', () => {
    const p = new URLSearchParams('q=refund&status=pending&evil=1&team=3');
    expect(buildQuery({ assignee: 'me', status: 'open' }, p)).toEqual({ assignee: 'me', status: 'pending', q: 'refund' });
    expect(buildQuery({}, p, CUSTOM_KEYS)).toEqual({ q: 'refund', status: 'pending', team: '3' });
  });

  it('keys a query independent of its key order', () => {
    expect(queryKey({ b: '2', a: ['x', 'y'] })).toBe(queryKey({ a: ['x', 'y'], b: '2' }));
    expect(queryKey({ a: '', b: undefined })).toBe('');
  });

  it('saves a query as a query string', () => {
    expect(toQueryString({ assignee: 'me', status: ['open', 'pending'], q: '' })).toBe('assignee=me&status=open%2Cpending');
  });
});

describe('bulkBody', () => {
  it('says one change for the ids', () => {
    expect(bulkBody([1, 2], { kind: 'assign', assignee_id: null })).toEqual({ ids: [1, 2], assignee_id: null });
    expect(bulkBody([3], { kind: 'tags', add: ['vip'] })).toEqual({ ids: [3], add_tags: ['vip'] });
    expect(bulkBody([3], { kind: 'status', status: 'resolved' })).toEqual({ ids: [3], status: 'resolved' });
  });
});

import { describe, expect, it } from 'vitest';
import { filtersOf, readParams, writeParams } from './params';

describe('dashboard choices in the address', () => {
  it('defaults what is missing or unknown', () => {
    const p = readParams(new URLSearchParams('period=nonsense&group_by=x&trend=csat'), 'Europe/Berlin');
    expect(p).toMatchObject({ preset: '30', tz: 'Europe/Berlin', interval: 'day', group_by: 'agent', clock: 'business', trend: 'csat' });
    expect(filtersOf(p)).toEqual({});
  });

  it('round-trips through the query string, leaving defaults out', () => {
    const q = 'period=custom&from=2026-11-01&to=2026-11-07&tz=UTC&team=3&tag=vip&organization=Acme+%26+Co&interval=week&group_by=team&clock=calendar&trend=csat';
    const p = readParams(new URLSearchParams(q), 'Europe/Berlin');
    expect(filtersOf(p)).toEqual({ team: '3', tag: 'vip', organization: 'Acme & Co' });
    expect(writeParams(p, 'Europe/Berlin')).toBe(q);
    expect(writeParams(readParams(new URLSearchParams(''), 'UTC'), 'UTC')).toBe('');
  });
});

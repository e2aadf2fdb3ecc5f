import { describe, expect, it } from 'vitest';
import { match } from './router';

describe('match', () => {
  it('captures parameters and compares the rest literally', () => {
    expect(match('/tickets/:id', '/tickets/12')).toEqual({ id: '12' });
    expect(match('/views/:view', '/views/my%20team')).toEqual({ view: 'my team' });
    expect(match('/tickets/:id', '/tickets')).toBeNull();
    expect(match('/tickets/:id', '/users/12')).toBeNull();
    expect(match('/admin/:section', '/admin/users/3')).toBeNull();
  });
});

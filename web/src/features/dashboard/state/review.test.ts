import { describe, expect, it } from 'vitest';
import { causeRows, reviewWhat } from './review';

describe('reviewWhat', () => {
  it('says what went wrong in words', () => {
    expect(reviewWhat({ reason: 'reopen', score: null })).toBe('Reopened');
    expect(reviewWhat({ reason: 'bad_rating', score: { csat: 1, resolved: true, nps: null, ces: null } })).toBe('Bad rating: CSAT 1/5');
    expect(reviewWhat({ reason: 'not_resolved', score: { csat: 4, resolved: false, nps: null, ces: null } })).toBe('Not resolved (CSAT 4/5)');
    expect(reviewWhat({ reason: 'not_resolved', score: null })).toBe('Not resolved');
  });
});

describe('causeRows', () => {
  it('orders by count, puts untagged last and gives whole-percent shares', () => {
    const rows = causeRows({
      total: 8,
      causes: [
        { cause: null, count: 4 },
        { cause: { id: 1, name: 'Slow answer' }, count: 1 },
        { cause: { id: 2, name: 'Wrong answer' }, count: 3 },
        { cause: { id: 3, name: 'Policy' }, count: 0 },
      ],
    });
    expect(rows).toEqual([
      { name: 'Wrong answer', count: 3, share: '38%' },
      { name: 'Slow answer', count: 1, share: '13%' },
      { name: 'Policy', count: 0, share: '0%' },
      { name: 'Not tagged yet', count: 4, share: '50%' },
    ]);
  });
  it('shows a dash for shares when there is nothing', () => {
    expect(causeRows({ total: 0, causes: [{ cause: { id: 1, name: 'Bug' }, count: 0 }] })[0].share).toBe('—');
  });
});

import { describe, expect, it } from 'vitest';
import { causeRows, causeTrend, reviewWhat } from './review';

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

describe('causeTrend', () => {
  const series = (...counts: number[]) => counts.map((count, i) => ({
    start: `2026-11-0${i + 1}T00:00:00Z`, end: `2026-11-0${i + 2}T00:00:00Z`, count,
  }));
  it('gives one row per cause with items, most frequent first, untagged last', () => {
    const trend = causeTrend({
      causes: [
        { cause: null, count: 5, series: series(3, 2) },
        { cause: { id: 1, name: 'Slow answer' }, count: 1, series: series(0, 1) },
        { cause: { id: 2, name: 'Wrong answer' }, count: 2, series: series(2, 0) },
        { cause: { id: 3, name: 'Policy' }, count: 0, series: series(0, 0) },
      ],
    });
    expect(trend.starts).toEqual(['2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z']);
    expect(trend.rows).toEqual([
      { name: 'Wrong answer', counts: [2, 0] },
      { name: 'Slow answer', counts: [0, 1] },
      { name: 'Not tagged yet', counts: [3, 2] },
    ]);
  });
  it('is empty without causes', () => {
    expect(causeTrend({ causes: [] })).toEqual({ starts: [], rows: [] });
  });
});

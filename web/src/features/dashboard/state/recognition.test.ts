import { describe, expect, it } from 'vitest';
import { rankText } from './recognition';

describe('rankText', () => {
  it('shares a rank when intervals overlap and says why an agent is not ranked', () => {
    const rows = [{ rank_group: 1 }, { rank_group: 1 }, { rank_group: 2 }, { rank_group: null }];
    expect(rankText(rows[0], rows, 30)).toBe('1 (shared by 2: intervals overlap)');
    expect(rankText(rows[2], rows, 30)).toBe('2');
    expect(rankText(rows[3], rows, 30)).toBe('Not ranked (fewer than 30 answers)');
  });
});

import { describe, expect, it } from 'vitest';
import { outcomeLabel, reasonsText } from './risk';

describe('reasonsText', () => {
  it('names each reason with its count, heaviest first', () => {
    expect(reasonsText([
      { reason: 'long_wait', weight: 1, count: 1, ticket_ids: [1], last_at: '' },
      { reason: 'bad_rating', weight: 3, count: 2, ticket_ids: [2, 3], last_at: '' },
      { reason: 'reopen', weight: 2, count: 1, ticket_ids: [4], last_at: '' },
    ])).toBe('2 bad ratings, 1 reopen, 1 long wait');
    expect(reasonsText([{ reason: 'sla_breach', weight: 2, count: 3, ticket_ids: [], last_at: '' }])).toBe('3 SLA breaches');
  });
  it('labels outcomes', () => {
    expect(outcomeLabel('no_answer')).toBe('No answer');
  });
});

import { describe, expect, it } from 'vitest';
import { describeEvent } from '../components/History';
import { others } from './presence';

describe('others', () => {
  it('lists everyone on the ticket but me', () => {
    const p = { ticket_id: 1, viewers: [
      { user_id: 4, name: 'Me', replying: false, since: '' },
      { user_id: 5, name: 'Bo', replying: true, since: '' },
    ] };
    expect(others(p, 4)).toEqual([{ user_id: 5, name: 'Bo', replying: true, since: '' }]);
    expect(others(null, 4)).toEqual([]);
  });
});

describe('describeEvent', () => {
  const ev = (type: string, data: Record<string, unknown>, kind = 'system') => ({ id: 1, ticket_id: 1, type, actor: { kind, id: null }, at: '', data });
  it('puts events into words', () => {
    expect(describeEvent(ev('status', { from: 'open', to: 'resolved' }))).toBe('System changed the status open → resolved');
    expect(describeEvent(ev('survey_answered', { csat: 2, resolved: false }))).toBe('Survey answered: CSAT 2/5, not resolved');
    expect(describeEvent(ev('tags', { tags: [] }))).toBe('System set the tags: none');
    expect(describeEvent(ev('something_new', {}, 'customer'))).toBe('Customer: something new');
  });
});

import { describe, expect, it } from 'vitest';
import { countdown, parseTags, relativeTime } from './format';

const now = Date.parse('2026-11-30T12:00:00.000Z');

describe('relativeTime', () => {
  it('says how long ago, in steps', () => {
    expect(relativeTime('2026-11-30T11:59:50.000Z', now)).toBe('just now');
    expect(relativeTime('2026-11-30T11:55:00.000Z', now)).toBe('5 min ago');
    expect(relativeTime('2026-11-30T09:00:00.000Z', now)).toBe('3 h ago');
    expect(relativeTime('2026-11-28T12:00:00.000Z', now)).toBe('2 d ago');
    expect(relativeTime('2026-01-02T12:00:00.000Z', now)).toBe('2026-01-02');
    expect(relativeTime('garbage', now)).toBe('');
  });
});

describe('countdown', () => {
  it('counts down to a due time and flags the overdue', () => {
    expect(countdown('2026-11-30T14:05:00.000Z', now)).toEqual({ text: '2 h 5 min', overdue: false });
    expect(countdown('2026-11-30T11:45:00.000Z', now)).toEqual({ text: 'overdue by 15 min', overdue: true });
    expect(countdown('2026-12-02T13:00:00.000Z', now).text).toBe('2 d 1 h');
  });
});

describe('parseTags', () => {
  it('splits, lower-cases and removes duplicates', () => {
    expect(parseTags(' Refund, vip  refund,,VIP billing ')).toEqual(['refund', 'vip', 'billing']);
    expect(parseTags('')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Kudos } from '@/lib/events';
import { mergeKudos } from './merge';

const k = (id: number, message = `thanks ${id}`): Kudos => ({
  id, message, agent: { id: 2, name: 'Ana' }, from: { id: 1, name: 'Sue' }, ticket_id: null,
  created_at: '2026-12-01T10:00:00.000Z',
});

describe('mergeKudos', () => {
  it('keeps each kudos once, newest first', () => {
    const merged = mergeKudos([k(5)], [k(7), k(5), k(3)]);
    expect(merged.map((x) => x.id)).toEqual([7, 5, 3]);
  });
  it('appends an older page below what is shown', () => {
    expect(mergeKudos([k(9), k(8)], [k(2), k(1)]).map((x) => x.id)).toEqual([9, 8, 2, 1]);
  });
  it('returns an empty list for nothing', () => {
    expect(mergeKudos([], [])).toEqual([]);
  });
});

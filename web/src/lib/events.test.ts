import { describe, expect, it } from 'vitest';
import { isLiveEvent, mergeEventState, parseData } from './events';
import type { Ticket } from './types';

const ticket = { id: 7, version: 3, status: 'open', priority: 'normal', assignee_id: null, team_id: 1, updated_at: '2026-11-30T10:00:00.000Z', subject: 'x' } as unknown as Ticket;

describe('parseData', () => {
  it('accepts JSON objects only', () => {
    expect(parseData('{"a":1}')).toEqual({ a: 1 });
    expect(parseData('')).toBeNull();
    expect(parseData('[1]')).toBeNull();
    expect(parseData('not json')).toBeNull();
  });
});

describe('isLiveEvent', () => {
  it('needs an id, a ticket id and a type', () => {
    expect(isLiveEvent({ id: 1, ticket_id: 2, type: 'message' })).toBe(true);
    expect(isLiveEvent({ id: 1, type: 'message' })).toBe(false);
    expect(isLiveEvent(null)).toBe(false);
  });
});

describe('mergeEventState', () => {
  it('applies a newer version onto the cached ticket', () => {
    const merged = mergeEventState(ticket, { status: 'pending', version: 4, assignee_id: 9, updated_at: '2026-11-30T11:00:00.000Z' });
    expect(merged).toMatchObject({ id: 7, subject: 'x', status: 'pending', version: 4, assignee_id: 9 });
  });
  it('ignores an older or equal version and uncached tickets', () => {
    expect(mergeEventState(ticket, { status: 'pending', version: 3 })).toBeNull();
    expect(mergeEventState(ticket, { status: 'pending', version: 2 })).toBeNull();
    expect(mergeEventState(undefined, { status: 'pending', version: 9 })).toBeNull();
  });
});

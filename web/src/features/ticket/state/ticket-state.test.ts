import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Ticket } from '@/lib/types';
import { clearDraft, loadDraft, restoreOutgoing, saveDraft, stashOutgoing, dropOutgoing } from './drafts';
import { allowedMoves, moveLabel } from './moves';
import { schedule } from './outbox';
import { resolveStale } from './stale';

describe('allowedMoves', () => {
  it('follows the documented state machine', () => {
    expect(allowedMoves('open', 'agent')).toEqual(['pending', 'resolved']);
    expect(allowedMoves('resolved', 'agent')).toEqual(['open']);
    expect(allowedMoves('follow_up', 'supervisor')).toEqual(['open', 'closed']);
    expect(allowedMoves('closed', 'admin')).toEqual([]);
    expect(moveLabel('resolved', 'open')).toBe('Reopen');
  });
});

describe('resolveStale', () => {
  const base = { priority: 'normal', assignee_id: 4, tags: ['a'] } as unknown as Ticket;
  it('applies fields nobody else touched', () => {
    const latest = { ...base, assignee_id: 9 } as Ticket;
    expect(resolveStale(base, latest, { priority: 'high' })).toEqual({ apply: { priority: 'high' }, conflicts: [] });
  });
  it('reports a field both changed, with both values', () => {
    const latest = { ...base, priority: 'urgent' } as Ticket;
    expect(resolveStale(base, latest, { priority: 'high' })).toEqual({
      apply: {}, conflicts: [{ field: 'priority', mine: 'high', theirs: 'urgent' }],
    });
  });
  it('does nothing when both chose the same', () => {
    const latest = { ...base, tags: ['a', 'b'] } as Ticket;
    expect(resolveStale(base, latest, { tags: ['a', 'b'] })).toEqual({ apply: {}, conflicts: [] });
  });
});

describe('drafts', () => {
  beforeEach(() => localStorage.clear());
  it('keep a draft per ticket and kind', () => {
    saveDraft(5, 'reply', { body: 'Hello', seen: 3, savedAt: 1 });
    saveDraft(5, 'note', { body: 'Internal', seen: 3, savedAt: 1 });
    expect(loadDraft(5, 'reply')?.body).toBe('Hello');
    expect(loadDraft(5, 'note')?.body).toBe('Internal');
    expect(loadDraft(6, 'reply')).toBeNull();
    saveDraft(5, 'reply', { body: '  ', seen: 3, savedAt: 2 });
    expect(loadDraft(5, 'reply')).toBeNull();
    clearDraft(5, 'note');
    expect(loadDraft(5, 'note')).toBeNull();
  });
  it('ignore a corrupt entry', () => {
    localStorage.setItem('hd.draft.5.reply', '{nope');
    expect(loadDraft(5, 'reply')).toBeNull();
  });
  it('put a message that was in its undo window back into the composer', () => {
    saveDraft(8, 'reply', { body: 'Typed later', seen: 1, savedAt: 1 });
    stashOutgoing(8, 1, 'reply', 'Was being sent');
    stashOutgoing(8, 2, 'note', 'A note');
    stashOutgoing(8, 3, 'note', 'Sent fine');
    dropOutgoing(8, 3);
    expect(restoreOutgoing(8)).toBe(2);
    expect(loadDraft(8, 'reply')?.body).toBe('Typed later\n\nWas being sent');
    expect(loadDraft(8, 'note')?.body).toBe('A note');
    expect(restoreOutgoing(8)).toBe(0);
  });
});

describe('schedule (undo window)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  it('sends after the delay unless cancelled', async () => {
    const send = vi.fn(async () => undefined);
    const a = schedule(send, 5000);
    vi.advanceTimersByTime(4999);
    expect(send).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(send).toHaveBeenCalledTimes(1);
    await a.done;
    expect(a.cancel()).toBe(false); // too late to undo

    const b = schedule(send, 5000);
    expect(b.cancel()).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(send).toHaveBeenCalledTimes(1);
  });
});

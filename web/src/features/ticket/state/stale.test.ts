import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api';
import type { Ticket } from '@/lib/types';
import type { TicketPatch } from '../api/ticket';
import { patchFromLatest, patchResolving, type PatchIo } from './stale';

const stale = () => new ApiError(412, 'version_mismatch', 'The ticket was changed.');

/** A server holding one ticket: PATCH needs its current version (else 412). */
function server(start: Partial<Ticket>, meddle: (t: Ticket, call: number) => Ticket = (t) => t) {
  let t = { id: 1, version: 1, priority: 'normal', assignee_id: 4, team_id: null, tags: [], ...start } as unknown as Ticket;
  let calls = 0;
  const io: PatchIo = {
    latest: vi.fn(async () => ({ ...t })),
    patch: vi.fn(async (version: number, p: TicketPatch) => {
      t = meddle(t, calls++); // someone else's change landing just before ours
      if (version !== t.version) throw stale();
      t = { ...t, ...p, version: t.version + 1 };
      return { ...t };
    }),
  };
  return { io, now: () => t };
}

describe('patchResolving', () => {
  it('saves at once when nobody else changed the ticket', async () => {
    const s = server({});
    const base = await s.io.latest();
    expect(await patchResolving(base, { priority: 'high' }, s.io)).toEqual({ conflicts: [], retried: false });
    expect(s.now().priority).toBe('high');
  });

  it('on a 412, applies untouched fields to the latest version and returns the clashes', async () => {
    const s = server({}, (t, call) => (call === 0 ? { ...t, priority: 'urgent', version: t.version + 1 } : t));
    const base = await s.io.latest();
    const r = await patchResolving(base, { priority: 'high', assignee_id: 9 }, s.io);
    expect(r).toEqual({ conflicts: [{ field: 'priority', mine: 'high', theirs: 'urgent' }], retried: true });
    expect(s.now()).toMatchObject({ priority: 'urgent', assignee_id: 9, version: 3 });
  });

  it('keeps going when the ticket changes again meanwhile, then gives up', async () => {
    const again = server({}, (t, call) => (call < 2 ? { ...t, team_id: call, version: t.version + 1 } : t));
    const r = await patchResolving(await again.io.latest(), { priority: 'low' }, again.io);
    expect(r.conflicts).toEqual([]);
    expect(again.now().priority).toBe('low');

    const always = server({}, (t) => ({ ...t, version: t.version + 1 }));
    await expect(patchResolving(await always.io.latest(), { priority: 'low' }, always.io, 3)).rejects.toThrow(ApiError);
    expect(always.io.patch).toHaveBeenCalledTimes(3);
  });

  it('passes other refusals on without retrying', async () => {
    const io: PatchIo = { latest: vi.fn(), patch: vi.fn(async () => { throw new ApiError(403, 'forbidden', 'No.'); }) };
    await expect(patchResolving({ version: 1 } as Ticket, { priority: 'low' }, io)).rejects.toMatchObject({ status: 403 });
    expect(io.latest).not.toHaveBeenCalled();
  });
});

describe('patchFromLatest', () => {
  it('recomputes the change from the version that won a race', async () => {
    const s = server({ tags: ['a'] }, (t, call) => (call === 0 ? { ...t, tags: ['a', 'b'], version: t.version + 1 } : t));
    const t = await patchFromLatest((x) => ({ tags: [...new Set([...x.tags, 'c'])] }), s.io);
    expect(t.tags).toEqual(['a', 'b', 'c']);
    expect(s.io.patch).toHaveBeenCalledTimes(2);
  });
});

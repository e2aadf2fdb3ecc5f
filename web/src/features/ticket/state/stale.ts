// A stale edit (412): someone changed the ticket after the agent loaded it. The agent's change
// is never dropped: fields the other person did not touch are applied to the latest version;
// where both changed the same field, the agent chooses.
import { ApiError } from '@/lib/api';
import type { Ticket } from '@/lib/types';
import type { TicketPatch } from '../api/ticket';

export interface StaleOutcome {
  /** Apply this to the latest version at once (nobody else changed these fields). */
  apply: TicketPatch;
  /** Fields both changed: what the agent wanted and what is there now. */
  conflicts: { field: keyof TicketPatch; mine: unknown; theirs: unknown }[];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Splits the agent's patch, made against `base`, given the server's `latest` version. */
export function resolveStale(base: Ticket, latest: Ticket, patch: TicketPatch): StaleOutcome {
  const out: StaleOutcome = { apply: {}, conflicts: [] };
  for (const field of Object.keys(patch) as (keyof TicketPatch)[]) {
    const mine = patch[field];
    const theirs = latest[field];
    if (same(mine, theirs)) continue; // both want the same: nothing to do
    if (same(base[field], theirs)) (out.apply as Record<string, unknown>)[field] = mine;
    else out.conflicts.push({ field, mine, theirs });
  }
  return out;
}

/** How a ticket edit reaches the server: PATCH against a version, and a fresh read. */
export interface PatchIo {
  patch: (version: number, patch: TicketPatch) => Promise<Ticket>;
  latest: () => Promise<Ticket>;
}

/** Someone changed the ticket since the version sent (HTTP 412 on If-Match). */
export function isStale(e: unknown): boolean {
  return e instanceof ApiError && e.status === 412;
}

/**
 * Saves the agent's `patch`, made against `base`. On each 412 the latest version is read: the
 * fields nobody else changed are sent again against it, the ones both changed are returned as
 * conflicts for the agent to decide. Anything but a 412 (or more than `tries` of them) rejects.
 */
export async function patchResolving(base: Ticket, patch: TicketPatch, io: PatchIo, tries = 3):
  Promise<{ conflicts: StaleOutcome['conflicts']; retried: boolean }> {
  const conflicts: StaleOutcome['conflicts'] = [];
  let todo = patch;
  let retried = false;
  for (let attempt = 0; Object.keys(todo).length > 0; attempt++) {
    try {
      await io.patch(base.version, todo);
      break;
    } catch (e) {
      if (!isStale(e) || attempt + 1 >= tries) throw e;
      retried = true;
      const latest = await io.latest();
      const r = resolveStale(base, latest, todo);
      conflicts.push(...r.conflicts);
      todo = r.apply;
      base = latest;
    }
  }
  return { conflicts, retried };
}

/**
 * A change computed from the latest version (e.g. tags added to whatever is there): read, PATCH,
 * and on a 412 read again and recompute, at most `tries` times.
 */
export async function patchFromLatest(make: (t: Ticket) => TicketPatch, io: PatchIo, tries = 3): Promise<Ticket> {
  for (let attempt = 0; ; attempt++) {
    const t = await io.latest();
    try {
      return await io.patch(t.version, make(t));
    } catch (e) {
      if (!isStale(e) || attempt + 1 >= tries) throw e;
    }
  }
}

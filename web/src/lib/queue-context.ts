// The list the agent is working through, shared between the list and the ticket screens (which
// are separate features): the ticket screen's j/k move along it and "u" goes back to it.
import { createStore } from './store';

export interface QueueContext {
  /** The list's URL below the app's base, e.g. "/views/mine?q=refund". */
  path: string;
  /** The ids loaded so far, in the list's order. */
  ids: number[];
}

export const queueContext = createStore<QueueContext>({ path: '/views/mine', ids: [] });

/** The id `step` places after (or before, negative) `id` in the current list, if any. */
export function neighbour(id: number, step: number): number | null {
  const ids = queueContext.get().ids;
  const i = ids.indexOf(id);
  if (i < 0) return null;
  return ids[i + step] ?? null;
}

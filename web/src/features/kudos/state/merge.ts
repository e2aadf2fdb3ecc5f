// One list of kudos from pages and live frames: each kudos once (a live frame can race the page
// that also holds it), newest first.
import type { Kudos } from '@/lib/events';

export function mergeKudos(a: Kudos[], b: Kudos[]): Kudos[] {
  const byId = new Map<number, Kudos>();
  for (const k of [...a, ...b]) byId.set(k.id, k);
  return [...byId.values()].sort((x, y) => y.id - x.id);
}

// Words for review items and the root-cause counts table.
import type { CauseStats, ReviewItem } from '../api/reviews';

/** What went wrong, in words: "CSAT 1/5", "Not resolved", "Reopened". */
export function reviewWhat(item: Pick<ReviewItem, 'reason' | 'score'>): string {
  if (item.reason === 'reopen') return 'Reopened';
  const csat = item.score?.csat;
  if (item.reason === 'bad_rating') return csat != null ? `Bad rating: CSAT ${csat}/5` : 'Bad rating';
  return csat != null ? `Not resolved (CSAT ${csat}/5)` : 'Not resolved';
}

export interface CauseRow { name: string; count: number; share: string }

/** Rows of the counts table, most frequent first, untagged items last; share in whole percent. */
export function causeRows(stats: Pick<CauseStats, 'total' | 'causes'>): CauseRow[] {
  const rows = stats.causes.map((c) => ({ name: c.cause ? c.cause.name : 'Not tagged yet', count: c.count, tagged: !!c.cause }));
  rows.sort((a, b) => Number(b.tagged) - Number(a.tagged) || b.count - a.count || a.name.localeCompare(b.name));
  return rows.map(({ name, count }) => ({
    name, count, share: stats.total > 0 ? `${Math.round((100 * count) / stats.total)}%` : '—',
  }));
}

// Words for review items, the root-cause counts table and the root causes over time.
import type { CauseStats, Named, ReviewItem } from '../api/reviews';

/** What went wrong, in words: "CSAT 1/5", "Not resolved", "Reopened". */
export function reviewWhat(item: Pick<ReviewItem, 'reason' | 'score'>): string {
  if (item.reason === 'reopen') return 'Reopened';
  const csat = item.score?.csat;
  if (item.reason === 'bad_rating') return csat != null ? `Bad rating: CSAT ${csat}/5` : 'Bad rating';
  return csat != null ? `Not resolved (CSAT ${csat}/5)` : 'Not resolved';
}

export interface CauseRow { name: string; count: number; share: string }

/** Rows of the counts table, most frequent first, untagged items last; share in whole percent. */
export function causeRows(stats: { total: number; causes: { cause: Named | null; count: number }[] }): CauseRow[] {
  const rows = stats.causes.map((c) => ({ name: c.cause ? c.cause.name : 'Not tagged yet', count: c.count, tagged: !!c.cause }));
  rows.sort((a, b) => Number(b.tagged) - Number(a.tagged) || b.count - a.count || a.name.localeCompare(b.name));
  return rows.map(({ name, count }) => ({
    name, count, share: stats.total > 0 ? `${Math.round((100 * count) / stats.total)}%` : '—',
  }));
}

export interface CauseTrendRow { name: string; counts: number[] }

/**
 * The root causes over time: the interval starts, and one row per cause with a count per interval,
 * in the order of causeRows (most frequent first, untagged last); causes with no item left out.
 */
export function causeTrend(stats: Pick<CauseStats, 'causes'>): { starts: string[]; rows: CauseTrendRow[] } {
  const starts = stats.causes[0]?.series.map((p) => p.start) ?? [];
  const rows = stats.causes
    .filter((c) => c.count > 0)
    .map((c) => ({ name: c.cause ? c.cause.name : 'Not tagged yet', tagged: !!c.cause, count: c.count, counts: c.series.map((p) => p.count) }));
  rows.sort((a, b) => Number(b.tagged) - Number(a.tagged) || b.count - a.count || a.name.localeCompare(b.name));
  return { starts, rows: rows.map(({ name, counts }) => ({ name, counts })) };
}

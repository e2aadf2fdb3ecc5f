import type { RecognitionRow } from '../api/recognition';

/** The rank column: "1" (shared when several agents are in the group) or why not ranked. */
export function rankText(row: Pick<RecognitionRow, 'rank_group'>, rows: Pick<RecognitionRow, 'rank_group'>[], minN: number): string {
  if (row.rank_group === null) return `Not ranked (fewer than ${minN} answers)`;
  const shared = rows.filter((r) => r.rank_group === row.rank_group).length;
  return shared > 1 ? `${row.rank_group} (shared by ${shared}: intervals overlap)` : String(row.rank_group);
}

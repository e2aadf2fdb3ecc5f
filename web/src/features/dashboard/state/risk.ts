// Words for the reasons a customer is at risk and for outreach outcomes.
import type { AtRisk, Outcome, RiskReason } from '../api/risk';

const REASON: Record<RiskReason, [string, string]> = {
  bad_rating: ['bad rating', 'bad ratings'],
  reopen: ['reopen', 'reopens'],
  sla_breach: ['SLA breach', 'SLA breaches'],
  long_wait: ['long wait', 'long waits'],
};
export const OUTCOMES: { value: Outcome; label: string }[] = [
  { value: 'reached', label: 'Reached' },
  { value: 'no_answer', label: 'No answer' },
  { value: 'saved', label: 'Saved' },
  { value: 'lost', label: 'Lost' },
];
export const outcomeLabel = (o: Outcome) => OUTCOMES.find((x) => x.value === o)?.label ?? o;

/** "2 bad ratings, 1 reopen", heaviest reason first. */
export function reasonsText(reasons: AtRisk['reasons']): string {
  return [...reasons]
    .sort((a, b) => b.weight * b.count - a.weight * a.count)
    .map((r) => `${r.count} ${REASON[r.reason]?.[r.count === 1 ? 0 : 1] ?? r.reason}`)
    .join(', ');
}

// Customers at risk (bad ratings, reopens, SLA breaches, long waits) and the outreach to them.
import { apiUrl, get, send } from '@/lib/api';
import type { Customer } from '@/lib/types';

export type RiskReason = 'bad_rating' | 'reopen' | 'sla_breach' | 'long_wait';
export type Outcome = 'reached' | 'no_answer' | 'saved' | 'lost';
export interface Outreach {
  id: number;
  customer_id: number;
  note: string;
  outcome: Outcome;
  by: { id: number; name: string };
  created_at: string;
}
export interface AtRisk {
  customer: Customer;
  score: number;
  last_signal_at: string;
  reasons: { reason: RiskReason; weight: number; count: number; ticket_ids: number[]; last_at: string }[];
  last_outreach: Outreach | null;
}
export interface AtRiskList { days: number; total: number; items: AtRisk[] }

export const listAtRisk = (days = 30) => get<AtRiskList>(apiUrl('customers/at-risk', { days, limit: 50 }));
export const recordOutreach = (customerId: number, note: string, outcome: Outcome) =>
  send<Outreach>('POST', apiUrl(`customers/${customerId}/outreach`), { note, outcome });

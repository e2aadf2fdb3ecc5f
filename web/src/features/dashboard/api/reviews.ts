// The review queue: resolutions that did not stick (bad survey answers and reopens), their root
// causes (an editable list) and the counts per cause (supervisors and admins).
import { apiUrl, get, send } from '@/lib/api';
import type { Customer } from '@/lib/types';

export type ReviewReason = 'bad_rating' | 'not_resolved' | 'reopen';
export interface Named { id: number; name: string }
export interface ReviewItem {
  id: number;
  ticket: { id: number; subject: string };
  episode: number;
  reason: ReviewReason;
  survey_id: number | null;
  customer: Customer;
  agent: Named | null;
  score: { csat: number | null; resolved: boolean | null; nps: number | null; ces: number | null } | null;
  comment: string | null;
  created_at: string;
  updated_at: string;
  state: 'open' | 'reviewed';
  cause: Named | null;
  action_taken: string | null;
  reviewed_by: Named | null;
  reviewed_at: string | null;
}
export interface ReviewCause extends Named { items: number }
export interface CauseStats {
  from: string;
  to: string;
  total: number;
  interval: 'day' | 'week' | 'month';
  causes: { cause: Named | null; count: number; series: { start: string; end: string; count: number }[] }[];
}
export interface ReviewPatch { cause_id?: number | null; action_taken?: string; state?: 'open' | 'reviewed' }

export const listReviews = (state: 'open' | 'reviewed', after?: number, limit = 50) =>
  get<{ items: ReviewItem[]; next_after: number | null }>(apiUrl('reviews', { state, limit, after }));
export const updateReview = (id: number, patch: ReviewPatch) => send<ReviewItem>('PATCH', apiUrl(`reviews/${id}`), patch);
export const listCauses = async () => (await get<{ items: ReviewCause[] }>(apiUrl('review-causes'))).items;
export const addCause = (name: string) => send<ReviewCause>('POST', apiUrl('review-causes'), { name });
export const renameCause = (id: number, name: string) => send<ReviewCause>('PATCH', apiUrl(`review-causes/${id}`), { name });
export const deleteCause = (id: number) => send<void>('DELETE', apiUrl(`review-causes/${id}`));
export const causeStats = (from: string, to: string, tz: string, interval: 'day' | 'week' | 'month') =>
  get<CauseStats>(apiUrl('reviews/causes/stats', { from, to, tz, interval }));

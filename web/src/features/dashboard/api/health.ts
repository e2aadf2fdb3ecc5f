// What needs an admin's hand: dead background jobs and quarantined inbound mail (both admin-only).
import { apiUrl, get, send } from '@/lib/api';
import type { Job, Page } from '@/lib/types';

export interface QuarantinedMail {
  id: number;
  sender: string | null;
  subject: string | null;
  reason: string | null;
  received_at: string;
}

export const listDeadJobs = async () => (await get<Page<Job>>(apiUrl('jobs', { state: 'dead' }))).items;
export const retryJob = (id: number) => send<Job>('POST', apiUrl(`jobs/${id}/retry`));

export const listQuarantine = (limit = 200) =>
  get<{ items: QuarantinedMail[]; next_after: number | null }>(apiUrl('mail/quarantine', { limit }));
export const releaseMail = (id: number) => send<unknown>('POST', apiUrl(`mail/quarantine/${id}/release`));
export const dropMail = (id: number) => send<unknown>('POST', apiUrl(`mail/quarantine/${id}/drop`));

// The kudos an agent received (GET /api/v1/kudos?agent=me), newest first, paged by `before`.
import { apiUrl, get } from '@/lib/api';
import type { Kudos } from '@/lib/events';

export interface KudosPage { items: Kudos[]; next_before: number | null }

export const PAGE_SIZE = 50;

export const myKudos = (before?: number) =>
  get<KudosPage>(apiUrl('kudos', { agent: 'me', limit: PAGE_SIZE, before }));

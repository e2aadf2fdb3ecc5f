// Display helpers: relative times, labels of statuses and priorities.
import type { Priority, Status } from './types';

export const STATUS_LABEL: Record<Status, string> = {
  open: 'Open', pending: 'Pending', resolved: 'Resolved', follow_up: 'Follow-up', closed: 'Closed',
};
export const PRIORITY_LABEL: Record<Priority, string> = {
  low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent',
};

/** "just now", "5 min ago", "3 h ago", "2 d ago", or a date for older times. `now` in ms. */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.round((now - t) / 1000);
  if (s < 0) return inTime(-s);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  if (s < 30 * 86_400) return `${Math.round(s / 86_400)} d ago`;
  return new Date(t).toISOString().slice(0, 10);
}

function inTime(s: number): string {
  if (s < 60) return 'in less than a minute';
  if (s < 3600) return `in ${Math.round(s / 60)} min`;
  if (s < 86_400) return `in ${Math.round(s / 3600)} h`;
  return `in ${Math.round(s / 86_400)} d`;
}

/** A duration until `iso` (negative when past) as "2 h 5 min", "-15 min" (overdue). */
export function countdown(iso: string, now = Date.now()): { text: string; overdue: boolean } {
  const ms = Date.parse(iso) - now;
  const overdue = ms < 0;
  let m = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(m / 1440);
  m -= d * 1440;
  const h = Math.floor(m / 60);
  m -= h * 60;
  const parts = d ? [`${d} d`, `${h} h`] : h ? [`${h} h`, `${m} min`] : [`${m} min`];
  return { text: (overdue ? 'overdue by ' : '') + parts.join(' '), overdue };
}

/** A full local date and time for tooltips and <time> titles. */
export function fullTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** Splits a comma/space separated tag list into normalised tags (lower case, unique). */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\s,]+/)) {
    const t = raw.trim().toLowerCase();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

// The dashboard's choices (period, zone, filters, interval, breakdown, clock, trend figure) live
// in the address, so a view of the figures can be bookmarked, shared and reloaded as it was.
import { METRICS } from './metrics';
import type { Preset } from './period';
import type { Clock, DrillMetric, GroupBy, Interval, KpiFilters } from './types';

export interface DashParams extends KpiFilters {
  preset: Preset;
  from: string;
  to: string;
  tz: string;
  interval: Interval;
  group_by: GroupBy;
  clock: Clock;
  trend: DrillMetric;
}

export const GROUPS: { value: GroupBy; label: string }[] = [
  { value: 'agent', label: 'Agent' },
  { value: 'team', label: 'Team' },
  { value: 'channel', label: 'Channel' },
  { value: 'priority', label: 'Priority' },
  { value: 'organization', label: 'Organisation' },
];
export const INTERVALS: { value: Interval; label: string }[] = [
  { value: 'day', label: 'Day' },
  { value: 'week', label: 'Week' },
  { value: 'month', label: 'Month' },
];

const FILTERS = ['team', 'channel', 'priority', 'tag', 'organization'] as const;

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** The choices in `query`, with defaults for what is missing or not understood. */
export function readParams(query: URLSearchParams, defaultTz: string): DashParams {
  const p: DashParams = {
    preset: oneOf(query.get('period'), ['7', '30', '90', 'custom'] as const, '30'),
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
    tz: query.get('tz') || defaultTz,
    interval: oneOf(query.get('interval'), ['day', 'week', 'month'] as const, 'day'),
    group_by: oneOf(query.get('group_by'), GROUPS.map((g) => g.value), 'agent'),
    clock: oneOf(query.get('clock'), ['business', 'calendar'] as const, 'business'),
    trend: oneOf(query.get('trend'), METRICS.map((m) => m.id), 'first_response'),
  };
  for (const f of FILTERS) {
    const v = query.get(f);
    if (v) p[f] = v;
  }
  return p;
}

/** The query string for `p` (defaults left out). */
export function writeParams(p: DashParams, defaultTz: string): string {
  const q = new URLSearchParams();
  if (p.preset !== '30') q.set('period', p.preset);
  if (p.preset === 'custom') {
    if (p.from) q.set('from', p.from);
    if (p.to) q.set('to', p.to);
  }
  if (p.tz && p.tz !== defaultTz) q.set('tz', p.tz);
  for (const f of FILTERS) if (p[f]) q.set(f, p[f]!);
  if (p.interval !== 'day') q.set('interval', p.interval);
  if (p.group_by !== 'agent') q.set('group_by', p.group_by);
  if (p.clock !== 'business') q.set('clock', p.clock);
  if (p.trend !== 'first_response') q.set('trend', p.trend);
  return q.toString();
}

/** The ticket filters of `p`, as the KPI endpoints take them. */
export function filtersOf(p: DashParams): KpiFilters {
  const out: KpiFilters = {};
  for (const f of FILTERS) if (p[f]) out[f] = p[f];
  return out;
}

// The rows of the CSV files the dashboard offers: the headline figures and the breakdown table
// as shown (same order, same numbers), with the shown text beside the raw value.
import type { Cell } from './csv';
import { formatValue, METRICS, STATS } from './metrics';
import type { Clock, Figures, GroupKey, KpiFilters } from './types';

export interface Context {
  from: string;
  to: string;
  tz: string;
  filters: KpiFilters;
}

function filterText(f: KpiFilters): string {
  return Object.entries(f).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join('; ');
}

/** Headline figures: durations in both clocks and all three statistics, the rest one row each. */
export function figuresRows(f: Figures, ctx: Context): Cell[][] {
  const rows: Cell[][] = [[
    'Figure', 'Statistic', 'Clock', 'Shown', 'Value', 'Unit', 'n', '95% low', '95% high', 'Target', 'Met', 'Low confidence',
    'From', 'To', 'Time zone', 'Filters',
  ]];
  const tail = [ctx.from, ctx.to, ctx.tz, filterText(ctx.filters)];
  for (const def of METRICS) {
    const unit = { duration: 'seconds', percent: 'percent', nps: 'score', mean: 'mean (1-7)', count: 'tickets' }[def.kind];
    const combos: { clock: Clock | ''; stat: string }[] = def.kind === 'duration'
      ? (['business', 'calendar'] as Clock[]).flatMap((clock) => STATS.map((stat) => ({ clock, stat })))
      : [{ clock: '', stat: def.kind === 'percent' ? 'rate' : def.kind === 'count' ? 'count' : def.kind === 'nps' ? 'score' : 'mean' }];
    for (const { clock, stat } of combos) {
      const r = def.read(f, clock || 'business', (def.kind === 'duration' ? stat : 'median') as 'median');
      rows.push([
        def.label, stat, clock, formatValue(def.kind, r.value), r.value, unit, r.n, r.ci?.[0], r.ci?.[1], r.target,
        r.met === null ? '' : r.met ? 'yes' : 'no', r.lowConfidence ? 'yes' : 'no', ...tail,
      ]);
    }
  }
  return rows;
}

/** The breakdown table in the order shown: per metric its value (durations: median seconds) and n. */
export function breakdownRows(groups: { name: string; key: GroupKey | null; figures: Figures }[], byLabel: string, clock: Clock, ctx: Context): Cell[][] {
  const head: Cell[] = [byLabel];
  for (const m of METRICS) {
    const unit = m.kind === 'duration' ? ` median (seconds, ${clock} time)` : m.kind === 'percent' ? ' (%)' : '';
    head.push(m.label + unit);
    if (m.kind !== 'count') head.push(`${m.label} n`);
  }
  head.push('From', 'To', 'Time zone', 'Filters');
  const rows: Cell[][] = [head];
  for (const g of groups) {
    const row: Cell[] = [g.name];
    for (const m of METRICS) {
      const r = m.read(g.figures, clock, 'median');
      row.push(r.value);
      if (m.kind !== 'count') row.push(r.n);
    }
    row.push(ctx.from, ctx.to, ctx.tz, filterText(ctx.filters));
    rows.push(row);
  }
  return rows;
}

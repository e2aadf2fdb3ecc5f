// The dashboard's figures: one definition each of what it is called, how it is read from a KPI
// answer, how it is written and which way is better. Cards, trends, the breakdown table, the
// drill-down and the CSV all read figures through here, so they can't disagree.
import { formatCount, formatDuration, formatMean, formatNps, formatPercent } from './format';
import type { Clock, DrillMetric, Figures } from './types';

export type Kind = 'duration' | 'percent' | 'nps' | 'mean' | 'count';
export type Stat = 'median' | 'p90' | 'mean';
export const STATS: Stat[] = ['median', 'p90', 'mean'];

/** One figure as read from an answer: its number, sample size, interval and target. */
export interface Reading {
  value: number | null;
  n: number;
  ci: [number, number] | null;
  lowConfidence: boolean;
  target: number | null;
  met: boolean | null;
}

export interface MetricDef {
  id: DrillMetric;
  label: string;
  kind: Kind;
  /** Met at or below the target (durations, reopen rate); the others at or above. */
  lowerIsBetter: boolean;
  /** What `n` counts, for "n = 40 answers". */
  unit: string;
  /** The figure name targets are set for (`first_response.business.median`), or null. */
  targetFigure(clock: Clock, stat: Stat): string | null;
  read(f: Figures, clock: Clock, stat: Stat): Reading;
}

/** Below this sample size a figure is marked low-confidence (KPIS.md), never hidden. */
export const LOW_CONFIDENCE_BELOW = 30;

type DurationId = 'first_response' | 'next_reply' | 'first_resolution' | 'full_resolution';
type ProportionId = 'csat' | 'response_rate' | 'reopen_rate' | 'one_touch_rate';

function duration(id: DurationId, label: string, unit: string): MetricDef {
  return {
    id, label, kind: 'duration', lowerIsBetter: true, unit,
    targetFigure: (clock, stat) => `${id}.${clock}.${stat}`,
    read(f, clock, stat) {
      const d = f[id][clock];
      return {
        value: d[stat], n: d.n, ci: null, lowConfidence: d.low_confidence,
        target: d.target?.[stat] ?? null, met: d.met?.[stat] ?? null,
      };
    },
  };
}

function proportion(id: ProportionId, label: string, unit: string, lowerIsBetter = false): MetricDef {
  return {
    id, label, kind: 'percent', lowerIsBetter, unit,
    targetFigure: () => id,
    read(f) {
      const p = f[id];
      return { value: p.value, n: p.n, ci: p.ci, lowConfidence: p.low_confidence, target: p.target, met: p.met };
    },
  };
}

export const METRICS: MetricDef[] = [
  duration('first_response', 'First response time', 'tickets'),
  duration('next_reply', 'Next reply time', 'replies'),
  duration('first_resolution', 'First resolution time', 'tickets'),
  duration('full_resolution', 'Full resolution time', 'tickets'),
  proportion('csat', 'CSAT', 'answers'),
  {
    id: 'nps', label: 'NPS', kind: 'nps', lowerIsBetter: false, unit: 'answers',
    targetFigure: () => 'nps',
    read: (f) => ({ value: f.nps.value, n: f.nps.n, ci: f.nps.ci, lowConfidence: f.nps.low_confidence, target: f.nps.target, met: f.nps.met }),
  },
  {
    id: 'ces', label: 'CES (1–7)', kind: 'mean', lowerIsBetter: false, unit: 'answers',
    targetFigure: () => 'ces',
    read: (f) => ({ value: f.ces.value, n: f.ces.n, ci: null, lowConfidence: f.ces.low_confidence, target: f.ces.target, met: f.ces.met }),
  },
  proportion('response_rate', 'Survey response rate', 'surveys sent'),
  proportion('reopen_rate', 'Reopen rate', 'first resolutions', true),
  proportion('one_touch_rate', 'One-touch rate', 'first resolutions'),
  {
    id: 'volume', label: 'Volume', kind: 'count', lowerIsBetter: false, unit: 'tickets created',
    targetFigure: () => null,
    read: (f) => ({ value: f.volume.n, n: f.volume.n, ci: null, lowConfidence: false, target: null, met: null }),
  },
  {
    id: 'backlog', label: 'Backlog', kind: 'count', lowerIsBetter: true, unit: 'open or pending at the end',
    targetFigure: () => null,
    read: (f) => ({ value: f.backlog.n, n: f.backlog.n, ci: null, lowConfidence: false, target: null, met: null }),
  },
];

export function metric(id: string): MetricDef {
  const m = METRICS.find((x) => x.id === id);
  if (!m) throw new Error(`unknown metric ${id}`);
  return m;
}

/** A figure's number as the dashboard shows it. */
export function formatValue(kind: Kind, value: number | null | undefined): string {
  switch (kind) {
    case 'duration': return formatDuration(value);
    case 'percent': return formatPercent(value);
    case 'nps': return formatNps(value);
    case 'mean': return formatMean(value);
    case 'count': return formatCount(value);
  }
}

/** "≤ 1 h" / "≥ 90%": the target with the direction it is met in. */
export function formatTarget(def: MetricDef, target: number | null): string {
  if (target === null) return '';
  return `${def.lowerIsBetter ? '≤' : '≥'} ${formatValue(def.kind, target)}`;
}

/** Every figure a target can be set for, with its label (the API's list). */
export function targetFigures(): { figure: string; label: string; kind: Kind }[] {
  const out: { figure: string; label: string; kind: Kind }[] = [];
  for (const m of METRICS) {
    if (m.kind === 'duration') {
      for (const clock of ['business', 'calendar'] as Clock[]) {
        for (const stat of STATS) {
          out.push({ figure: m.targetFigure(clock, stat)!, label: `${m.label}, ${clock} time, ${stat === 'p90' ? '90th percentile' : stat}`, kind: 'duration' });
        }
      }
    } else if (m.targetFigure('business', 'median')) {
      out.push({ figure: m.targetFigure('business', 'median')!, label: m.label, kind: m.kind });
    }
  }
  return out;
}

/** The label of a target's figure ("First response time, business time, median"). */
export function targetLabel(figure: string): string {
  return targetFigures().find((t) => t.figure === figure)?.label ?? figure;
}

/** The metric a target figure belongs to (`first_response.business.median` → first_response). */
export function targetMetric(figure: string): MetricDef | undefined {
  return METRICS.find((m) => m.id === figure.split('.')[0]);
}

export type SortDir = 'ascending' | 'descending';

/**
 * Rows sorted by `key` (numbers or text); rows without a value always go last, whichever the
 * direction, so a sort never hides the groups that have figures behind empty ones.
 */
export function sortRows<T>(rows: T[], key: (row: T) => number | string | null, dir: SortDir): T[] {
  const sign = dir === 'ascending' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, k: key(row) }))
    .sort((a, b) => {
      if (a.k === null || b.k === null) return a.k === null && b.k === null ? a.i - b.i : a.k === null ? 1 : -1;
      const c = typeof a.k === 'number' && typeof b.k === 'number' ? a.k - b.k : String(a.k).localeCompare(String(b.k));
      return c === 0 ? a.i - b.i : sign * c;
    })
    .map((x) => x.row);
}

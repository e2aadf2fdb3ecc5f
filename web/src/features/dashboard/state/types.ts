// The KPI API's answers as docs/API.md ("KPIs") describes them: what the dashboard reads.

/** A duration statistic's target or met-flags, keyed by the statistic (`{"median": 3600}`). */
export type StatMap<T> = Partial<Record<'median' | 'p90' | 'mean', T>>;

/** One clock's distribution of a duration, in seconds. */
export interface Distribution {
  median: number | null;
  p90: number | null;
  mean: number | null;
  n: number;
  low_confidence: boolean;
  target: StatMap<number> | null;
  met: StatMap<boolean> | null;
}

export interface DurationFigure {
  calendar: Distribution;
  business: Distribution;
}

/** A proportion in percent with its 95% Wilson interval. */
export interface ProportionFigure {
  value: number | null;
  n: number;
  hits: number;
  ci: [number, number] | null;
  low_confidence: boolean;
  target: number | null;
  met: boolean | null;
}

export interface NpsFigure {
  value: number | null;
  n: number;
  promoters: number;
  detractors: number;
  ci: [number, number] | null;
  low_confidence: boolean;
  target: number | null;
  met: boolean | null;
}

export interface CesFigure {
  value: number | null;
  n: number;
  low_confidence: boolean;
  target: number | null;
  met: boolean | null;
}

export interface BacklogFigure {
  open: number;
  pending: number;
  n: number;
  age: { median: number | null; p90: number | null; max: number | null };
}

export interface Figures {
  first_response: DurationFigure;
  next_reply: DurationFigure;
  first_resolution: DurationFigure;
  full_resolution: DurationFigure;
  csat: ProportionFigure;
  nps: NpsFigure;
  ces: CesFigure;
  response_rate: ProportionFigure;
  reopen_rate: ProportionFigure;
  one_touch_rate: ProportionFigure;
  volume: { n: number };
  backlog: BacklogFigure;
}

export type GroupBy = 'agent' | 'team' | 'channel' | 'priority' | 'organization';
export type Interval = 'day' | 'week' | 'month';
export type Clock = 'business' | 'calendar';

/** A group's key: `{id, name}` for agent/team/organization, `{name}` for channel/priority. */
export interface GroupKey {
  id?: number | null;
  name: string | null;
}

export interface SeriesPoint {
  start: string;
  end: string;
  figures: Figures;
}

export interface KpiGroup {
  key: GroupKey | null;
  figures: Figures;
  series: SeriesPoint[];
}

export interface KpiReport {
  from: string;
  to: string;
  tz: string;
  interval: Interval | null;
  group_by: GroupBy | null;
  groups: KpiGroup[];
}

export type DrillMetric =
  | 'volume' | 'first_response' | 'next_reply' | 'first_resolution' | 'full_resolution'
  | 'reopen_rate' | 'one_touch_rate' | 'csat' | 'nps' | 'ces' | 'response_rate' | 'backlog';

export interface DrillItem {
  ticket_id: number;
  subject: string;
  at: string | null;
  agent_id: number | null;
  value: number | boolean;
  business?: number;
  status?: 'open' | 'pending';
  since?: string;
  created_at?: string;
}

export interface DrillPage {
  metric: DrillMetric;
  items: DrillItem[];
  next_cursor: string | null;
}

export interface KpiTarget {
  id: number;
  figure: string;
  team_id: number | null;
  value: number;
  lower_is_better: boolean;
  updated_at: string;
}

/** The ticket filters every KPI request carries. */
export interface KpiFilters {
  team?: string;
  channel?: string;
  priority?: string;
  tag?: string;
  organization?: string;
}

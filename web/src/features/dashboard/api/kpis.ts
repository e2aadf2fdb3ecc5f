// The KPI endpoints (docs/API.md, "KPIs"): the report, the drill-down and the targets.
import { apiUrl, get, send } from '@/lib/api';
import type { DrillMetric, DrillPage, GroupBy, Interval, KpiFilters, KpiReport, KpiTarget } from '../state/types';

export interface ReportQuery extends KpiFilters {
  from: string;
  to: string;
  tz: string;
  interval?: Interval;
  group_by?: GroupBy;
}

export const getReport = (q: ReportQuery, signal?: AbortSignal) => get<KpiReport>(apiUrl('kpis', { ...q }), signal);

export interface DrillQuery extends KpiFilters {
  from: string;
  to: string;
  metric: DrillMetric;
  group_by?: GroupBy;
  /** A group key's id, a channel/priority name, or `none`. */
  group?: string;
  limit?: number;
  cursor?: string;
}

export const getDrill = (q: DrillQuery, signal?: AbortSignal) => get<DrillPage>(apiUrl('kpis/tickets', { ...q }), signal);

export const listTargets = async () => (await get<{ items: KpiTarget[] }>(apiUrl('kpi-targets'))).items;
export const putTarget = (t: { figure: string; value: number; team_id: number | null }) =>
  send<KpiTarget>('PUT', apiUrl('kpi-targets'), t.team_id === null ? { figure: t.figure, value: t.value } : t);
export const deleteTarget = (id: number) => send<void>('DELETE', apiUrl(`kpi-targets/${id}`));

// The supervisors' dashboard: the period's headline figures against their targets, trends,
// breakdowns, the tickets behind any number, CSV export, targets and operational health.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ErrorNote } from '@/components/ui/ErrorNote';
import { teams as teamStore } from '@/lib/directory';
import { location, navigate } from '@/lib/router';
import { currentUser, hasRole } from '@/lib/session';
import { useStore } from '@/lib/store';
import { PRIORITIES } from '@/lib/types';
import { PRIORITY_LABEL } from '@/lib/format';
import { getReport, listTargets, type ReportQuery } from '../api/kpis';
import { downloadCsv, toCsv } from '../state/csv';
import { breakdownRows, figuresRows } from '../state/export';
import { metric, METRICS, type MetricDef } from '../state/metrics';
import { GROUPS, INTERVALS, filtersOf, readParams, writeParams, type DashParams } from '../state/params';
import { intervalLabel, localDate, periodOf, PRESETS, zones } from '../state/period';
import type { KpiGroup, KpiReport, KpiTarget, SeriesPoint } from '../state/types';
import { Breakdown, groupName, groupParam, sortedGroups, type Sort } from './Breakdown';
import { DrillDialog, type DrillRequest } from './DrillDialog';
import { FigureCards } from './FigureCards';
import { HealthPanel } from './HealthPanel';
import { ReviewPanel } from './ReviewPanel';
import { RiskPanel } from './RiskPanel';
import { RecognitionPanel } from './RecognitionPanel';
import { TargetsPanel } from './TargetsPanel';
import { TrendChart } from './TrendChart';
import './dashboard.css';

const CHANNELS = ['email', 'web', 'phone', 'chat', 'api'];
const BROWSER_TZ = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
})();

interface Loaded<T> {
  data: T | null;
  error: unknown;
  busy: boolean;
}

/** Loads `load()` whenever `key` changes; keeps the last answer while the next one comes. */
function useReport<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, busy: false });
  useEffect(() => {
    if (key === null) return;
    const ctl = new AbortController();
    setState((s) => ({ ...s, busy: true }));
    load(ctl.signal).then(
      (data) => setState({ data, error: null, busy: false }),
      (error) => !ctl.signal.aborted && setState((s) => ({ data: s.data, error, busy: false })),
    );
    return () => ctl.abort();
  }, [key]);
  return state;
}

export function DashboardPage() {
  const loc = useStore(location);
  const user = useStore(currentUser)!;
  const teams = useStore(teamStore);
  const p = readParams(loc.query, BROWSER_TZ);
  const [now, setNow] = useState(() => Date.now());
  const [seq, setSeq] = useState(0); // bumped by Refresh and by target changes
  const [sort, setSort] = useState<Sort>({ col: 'volume', dir: 'descending' });
  const [drill, setDrill] = useState<DrillRequest | null>(null);
  const [tag, setTag] = useState(p.tag ?? '');
  const [org, setOrg] = useState(p.organization ?? '');

  const set = (patch: Partial<DashParams>) => {
    const next = { ...p, ...patch };
    for (const k of ['team', 'channel', 'priority', 'tag', 'organization'] as const) if (!next[k]) delete next[k];
    const qs = writeParams(next, BROWSER_TZ);
    navigate(`/dashboard${qs ? '?' + qs : ''}`, { replace: true });
  };

  const period = periodOf(p, now);
  const filters = filtersOf(p);
  const base: ReportQuery | null = 'error' in period ? null : { from: period.from, to: period.to, tz: p.tz, ...filters };
  const mainKey = base ? JSON.stringify([base, p.interval, seq]) : null;
  const groupKey = base ? JSON.stringify([base, p.group_by, seq]) : null;
  const main = useReport<KpiReport>(mainKey, (signal) => getReport({ ...base!, interval: p.interval }, signal));
  const grouped = useReport<KpiReport>(groupKey, (signal) => getReport({ ...base!, group_by: p.group_by }, signal));
  const targets = useReport<KpiTarget[]>(`targets${seq}`, () => listTargets());

  const periodText = base
    ? `${fmtDay(base.from, p.tz)} – ${fmtDay(new Date(Date.parse(base.to) - 1).toISOString(), p.tz)} (${p.tz})`
    : '';
  const total = main.data?.groups[0];
  const trendDef = metric(p.trend);
  const byLabel = GROUPS.find((g) => g.value === p.group_by)!.label;
  const allZones = useMemo(() => zones(p.tz), [p.tz]);

  const filterWords = () => {
    const f: string[] = [];
    if (p.team) f.push(`team ${teams.find((t) => String(t.id) === p.team)?.name ?? p.team}`);
    if (p.channel) f.push(`channel ${p.channel}`);
    if (p.priority) f.push(`priority ${p.priority}`);
    if (p.tag) f.push(`tag ${p.tag}`);
    if (p.organization) f.push(`organisation ${p.organization}`);
    return f.length ? ` · ${f.join(', ')}` : '';
  };
  const open = (def: MetricDef, title: string, n: number, extra: Partial<DrillRequest['query']>, when = periodText) => {
    if (!base) return;
    setDrill({ title: `${title}: ${n} ${def.unit}`, context: when + filterWords(), tz: p.tz, def, n,
      query: { from: base.from, to: base.to, ...filters, metric: def.id, ...extra } });
  };
  const drillTotal = (def: MetricDef) => total && open(def, def.label, def.read(total.figures, p.clock, 'median').n, {});
  const drillPoint = (pt: SeriesPoint) => open(trendDef, `${trendDef.label}, ${intervalLabel(pt.start, p.interval, p.tz)}`,
    trendDef.read(pt.figures, p.clock, 'median').n, { from: pt.start, to: pt.end },
    `${fmtDay(pt.start, p.tz)} – ${fmtDay(new Date(Date.parse(pt.end) - 1).toISOString(), p.tz)} (${p.tz})`);
  const drillCell = (def: MetricDef, g: KpiGroup) => open(def, `${def.label}, ${groupName(g.key, p.group_by)}`,
    def.read(g.figures, p.clock, 'median').n, { group_by: p.group_by, group: groupParam(g.key) });

  const ctx = base ? { from: base.from, to: base.to, tz: p.tz, filters } : null;
  const stamp = base ? `${base.from.slice(0, 10)}_${base.to.slice(0, 10)}` : 'period';
  const exportFigures = () => total && ctx && downloadCsv(`kpis_${stamp}.csv`, toCsv(figuresRows(total.figures, ctx)));
  const exportBreakdown = () => {
    if (!grouped.data || !ctx) return;
    const rows = sortedGroups(grouped.data.groups, p.group_by, sort, p.clock)
      .map((g) => ({ name: groupName(g.key, p.group_by), key: g.key, figures: g.figures }));
    downloadCsv(`kpis_by_${p.group_by}_${stamp}.csv`, toCsv(breakdownRows(rows, byLabel, p.clock, ctx)));
  };


  return (
    <div class="dash">
      <header class="dash__head">
        <h1>Dashboard</h1>
        <p class="dash__period" aria-live="polite">
          {periodText}{(main.busy || grouped.busy) && <span class="muted"> · updating…</span>}
        </p>
        <nav aria-label="Dashboard sections" class="dash__toc">
          <a href="#dash-figures">Figures</a> <a href="#dash-trends">Trends</a> <a href="#dash-breakdown">Breakdown</a>{' '}
          <a href="#dash-targets">Targets</a> <a href="#dash-review">Review queue</a>{' '}
          <a href="#dash-risk">Customers at risk</a>{' '}
          <a href="#dash-recognition">Recognition</a>{' '}
          <a href="#dash-health">Health</a>
        </nav>
      </header>

      <form class="dash__filters" aria-label="Period and filters" onSubmit={(e) => {
        e.preventDefault();
        set({ tag: tag.trim() || undefined, organization: org.trim() || undefined });
      }}>
        <label><span>Period</span>
          <select value={p.preset} onChange={(e) => {
            const preset = e.currentTarget.value as DashParams['preset'];
            if (preset === 'custom' && base && !p.from) {
              set({ preset, from: localDate(Date.parse(base.from), p.tz), to: localDate(Date.parse(base.to) - 1, p.tz) });
            } else set({ preset });
            setNow(Date.now());
          }}>
            {PRESETS.map((x) => <option key={x.value} value={x.value}>{x.label}</option>)}
          </select>
        </label>
        {p.preset === 'custom' && (
          <>
            <label><span>From</span><input type="date" value={p.from} onChange={(e) => set({ from: e.currentTarget.value })} /></label>
            <label><span>To (included)</span><input type="date" value={p.to} onChange={(e) => set({ to: e.currentTarget.value })} /></label>
          </>
        )}
        <label><span>Time zone</span>
          <select value={p.tz} onChange={(e) => set({ tz: e.currentTarget.value })}>
            {allZones.map((z) => <option key={z} value={z}>{z}</option>)}
          </select>
        </label>
        <label><span>Team</span>
          <select value={p.team ?? ''} onChange={(e) => set({ team: e.currentTarget.value || undefined })}>
            <option value="">All teams</option>
            {teams.map((t) => <option key={t.id} value={String(t.id)}>{t.name}</option>)}
          </select>
        </label>
        <label><span>Channel</span>
          <select value={p.channel ?? ''} onChange={(e) => set({ channel: e.currentTarget.value || undefined })}>
            <option value="">All channels</option>
            {CHANNELS.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label><span>Priority</span>
          <select value={p.priority ?? ''} onChange={(e) => set({ priority: e.currentTarget.value || undefined })}>
            <option value="">All priorities</option>
            {PRIORITIES.map((x) => <option key={x} value={x}>{PRIORITY_LABEL[x]}</option>)}
          </select>
        </label>
        <label><span>Tag</span><input value={tag} size={10} onInput={(e) => setTag(e.currentTarget.value)} /></label>
        <label><span>Organisation</span><input value={org} size={12} onInput={(e) => setOrg(e.currentTarget.value)} /></label>
        <label><span>Durations in</span>
          <select value={p.clock} onChange={(e) => set({ clock: e.currentTarget.value as DashParams['clock'] })}>
            <option value="business">business time</option>
            <option value="calendar">calendar time</option>
          </select>
        </label>
        <span class="dash__buttons">
          <button type="submit" class="btn">Apply</button>
          <button type="button" class="btn" onClick={() => { setNow(Date.now()); setSeq((s) => s + 1); }}>Refresh</button>
        </span>
      </form>
      {'error' in period && <p class="error-note" role="alert">{period.error}</p>}
      <ErrorNote error={main.error ?? grouped.error} />

      <section class="dash__section" aria-labelledby="dash-figures">
        <div class="dash__bar">
          <h2 id="dash-figures" tabIndex={-1}>Headline figures</h2>
          <button type="button" class="btn btn--small" disabled={!total} onClick={exportFigures}>Export figures (CSV)</button>
        </div>
        {total ? <FigureCards figures={total.figures} clock={p.clock} onDrill={drillTotal} /> : !main.error && <p class="loading">Loading…</p>}
        <p class="muted dash__note">
          Figures with fewer than 30 in their sample are marked “Low confidence”. SLA attainment per target is not part of
          the KPI report yet; each ticket's SLA state shows on the ticket.
        </p>
      </section>

      <section class="dash__section" aria-labelledby="dash-trends">
        <div class="dash__bar">
          <h2 id="dash-trends" tabIndex={-1}>Trends</h2>
          <label class="inline"><span>Trend of</span>
            <select value={p.trend} onChange={(e) => set({ trend: e.currentTarget.value as DashParams['trend'] })}>
              {METRICS.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
            </select>
          </label>
          <label class="inline"><span>Interval</span>
            <select value={p.interval} onChange={(e) => set({ interval: e.currentTarget.value as DashParams['interval'] })}>
              {INTERVALS.map((x) => <option key={x.value} value={x.value}>{x.label}</option>)}
            </select>
          </label>
        </div>
        {total && main.data && (
          <TrendChart def={trendDef} series={total.series} clock={p.clock} interval={main.data.interval ?? p.interval} tz={p.tz}
            target={trendDef.read(total.figures, p.clock, 'median').target} onPick={drillPoint} />
        )}
      </section>

      <section class="dash__section" aria-labelledby="dash-breakdown">
        <div class="dash__bar">
          <h2 id="dash-breakdown" tabIndex={-1}>Breakdown</h2>
          <label class="inline"><span>Break down by</span>
            <select value={p.group_by} onChange={(e) => set({ group_by: e.currentTarget.value as DashParams['group_by'] })}>
              {GROUPS.map((g) => <option key={g.value} value={g.value}>{g.label}</option>)}
            </select>
          </label>
          <button type="button" class="btn btn--small" disabled={!grouped.data} onClick={exportBreakdown}>Export table (CSV)</button>
        </div>
        {grouped.data && grouped.data.group_by === p.group_by && (
          <Breakdown groups={grouped.data.groups} by={p.group_by} byLabel={byLabel} clock={p.clock} sort={sort}
            onSort={setSort} onDrill={drillCell} />
        )}
      </section>

      <section class="dash__section" aria-labelledby="dash-targets">
        <h2 id="dash-targets" tabIndex={-1}>Targets</h2>
        <TargetsPanel targets={targets.data} error={targets.error} onChanged={() => setSeq((s) => s + 1)} />
      </section>

      <section class="dash__section" aria-labelledby="dash-review">
        <h2 id="dash-review" tabIndex={-1}>Review queue</h2>
        <ReviewPanel period={base ? { from: base.from, to: base.to, tz: p.tz, interval: p.interval } : null} />
      </section>

      <section class="dash__section" aria-labelledby="dash-risk">
        <h2 id="dash-risk" tabIndex={-1}>Customers at risk</h2>
        <RiskPanel />
      </section>

      <section class="dash__section" aria-labelledby="dash-recognition">
        <h2 id="dash-recognition" tabIndex={-1}>Recognition</h2>
        <RecognitionPanel period={base ? { from: base.from, to: base.to } : null} clock={p.clock} />
      </section>

      <section class="dash__section" aria-labelledby="dash-health">
        <h2 id="dash-health" tabIndex={-1}>Operational health</h2>
        <HealthPanel admin={hasRole(user, 'admin')} />
      </section>

      <DrillDialog request={drill} clock={p.clock} onClose={() => setDrill(null)} />
    </div>
  );
}

function fmtDay(iso: string, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, day: 'numeric', month: 'short', year: 'numeric' }).format(Date.parse(iso));
}


// A figure's trend as a hand-drawn SVG line chart with its target, and the same numbers as a
// table (the chart's text equivalent, and the keyboard's way to each interval's tickets).
import { useId } from 'preact/hooks';
import { formatCount } from '../state/format';
import { formatTarget, formatValue, type MetricDef } from '../state/metrics';
import { intervalLabel } from '../state/period';
import { durationUnit, linear, linePath, niceTicks } from '../state/scale';
import type { Clock, Interval, SeriesPoint } from '../state/types';
import { LowConfidence, MetMark } from './Marks';

const W = 640;
const H = 240;
const M = { left: 56, right: 16, top: 14, bottom: 30 };

export interface TrendProps {
  def: MetricDef;
  series: SeriesPoint[];
  clock: Clock;
  interval: Interval;
  tz: string;
  /** The target for the whole period (the series' own are the same). */
  target: number | null;
  onPick(point: SeriesPoint): void;
}

export function TrendChart({ def, series, clock, interval, tz, target, onPick }: TrendProps) {
  const titleId = useId();
  const descId = useId();
  const readings = series.map((s) => def.read(s.figures, clock, 'median'));
  const values = readings.map((r) => r.value).filter((v): v is number => v !== null);
  const unit = def.kind === 'duration' ? durationUnit(Math.max(0, ...values, target ?? 0)) : { unit: '', seconds: 1 };
  const scaled = (v: number) => v / unit.seconds;

  let lo: number;
  let hi: number;
  if (def.kind === 'percent') [lo, hi] = [0, 100];
  else if (def.kind === 'mean') [lo, hi] = [1, 7];
  else {
    const all = [...values, ...(target === null ? [] : [target])].map(scaled);
    lo = Math.min(0, ...all);
    hi = Math.max(0, ...all);
  }
  const ticks = def.kind === 'percent' ? [0, 25, 50, 75, 100] : def.kind === 'mean' ? [1, 2, 3, 4, 5, 6, 7] : niceTicks(lo, hi, 4);
  const y = linear(ticks[0], ticks[ticks.length - 1], H - M.bottom, M.top);
  const band = (W - M.left - M.right) / Math.max(1, series.length);
  const x = (i: number) => M.left + band * (i + 0.5);
  const labelEvery = Math.max(1, Math.ceil(series.length / 6));
  const tickText = (t: number) => (def.kind === 'duration' ? `${t} ${unit.unit}` : def.kind === 'percent' ? `${t}%` : String(t));
  const points = readings.map((r, i) => ({ x: x(i), y: r.value === null ? null : y(scaled(r.value)) }));
  const label = (s: SeriesPoint) => intervalLabel(s.start, interval, tz);
  const statName = def.kind === 'duration' ? ` (median, ${clock} time)` : '';
  const shownValues = readings.filter((r) => r.value !== null);

  return (
    <figure class="trend">
      <svg viewBox={`0 0 ${W} ${H}`} class="trend__svg" role="img" aria-labelledby={`${titleId} ${descId}`}>
        <title id={titleId}>{`${def.label}${statName} by ${interval}`}</title>
        <desc id={descId}>
          {`${series.length} intervals, ${shownValues.length} with a value.` +
            (target !== null ? ` Target ${formatTarget(def, target)}.` : ' No target set.') +
            ' The table below lists every value.'}
        </desc>
        {ticks.map((t) => (
          <g key={t} class="trend__grid">
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} />
            <text x={M.left - 6} y={y(t)} dy="0.32em" text-anchor="end">{tickText(t)}</text>
          </g>
        ))}
        {series.map((s, i) => i % labelEvery === 0 && (
          <text key={s.start} class="trend__xlabel" x={x(i)} y={H - 8} text-anchor="middle">{label(s)}</text>
        ))}
        {target !== null && (
          <g class="trend__target">
            <line x1={M.left} x2={W - M.right} y1={y(scaled(target))} y2={y(scaled(target))} />
            <text x={W - M.right} y={y(scaled(target)) - 5} text-anchor="end">{`Target ${formatTarget(def, target)}`}</text>
          </g>
        )}
        <path class="trend__line" d={linePath(points)} />
        {points.map((p, i) => p.y !== null && (
          <g key={series[i].start} class={readings[i].lowConfidence ? 'trend__pt trend__pt--low' : 'trend__pt'}
            onClick={() => onPick(series[i])}>
            <circle cx={p.x} cy={p.y} r={12} class="trend__hit" />
            <circle cx={p.x} cy={p.y} r={4} class="trend__dot" />
            <title>{`${label(series[i])}: ${formatValue(def.kind, readings[i].value)}, n = ${readings[i].n}`}</title>
          </g>
        ))}
      </svg>
      <figcaption class="trend__legend">
        <span><span class="trend__key trend__key--line" aria-hidden="true" /> {def.label}{statName}</span>
        {target !== null && <span><span class="trend__key trend__key--target" aria-hidden="true" /> target</span>}
        <span><span class="trend__key trend__key--low" aria-hidden="true" /> hollow point: n &lt; 30 (low confidence)</span>
      </figcaption>
      <details class="trend__table">
        <summary>Show as table</summary>
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{def.label}{statName} by {interval}</caption>
            <thead>
              <tr><th scope="col">{interval === 'week' ? 'Week' : interval === 'month' ? 'Month' : 'Day'}</th><th scope="col">{def.label}</th><th scope="col">n</th><th scope="col">Target</th></tr>
            </thead>
            <tbody>
              {series.map((s, i) => {
                const r = readings[i];
                return (
                  <tr key={s.start} data-start={s.start} data-value={r.value ?? ''} data-n={r.n}>
                    <th scope="row">{label(s)}</th>
                    <td>
                      <button type="button" class="cell__drill" onClick={() => onPick(s)}>
                        {formatValue(def.kind, r.value)}<span class="visually-hidden">: show the {r.n} {def.unit} of {label(s)}</span>
                      </button>
                    </td>
                    <td>{formatCount(r.n)} <LowConfidence show={r.lowConfidence} /></td>
                    <td>{def.targetFigure(clock, 'median') === null ? '—' : <MetMark met={r.met} target={r.target} def={def} />}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

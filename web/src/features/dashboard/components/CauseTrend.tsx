// The root causes over time: a stacked bar per interval (one colour per cause, a legend beside)
// and the same counts as a table, which is the chart's text equivalent.
import { useId } from 'preact/hooks';
import { intervalLabel } from '../state/period';
import { linear, niceTicks } from '../state/scale';
import type { CauseTrendRow } from '../state/review';

const W = 640;
const H = 200;
const M = { left: 36, right: 8, top: 10, bottom: 24 };
// Distinguishable on white and for the common colour-vision deficiencies (Okabe–Ito), grey last
// for "not tagged yet" and anything beyond.
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#8a6d00'];
const colour = (row: CauseTrendRow, i: number) => (row.name === 'Not tagged yet' || i >= COLOURS.length ? '#9aa3ae' : COLOURS[i]);

export interface CauseTrendProps {
  starts: string[];
  rows: CauseTrendRow[];
  interval: 'day' | 'week' | 'month';
  tz: string;
}

export function CauseTrend({ starts, rows, interval, tz }: CauseTrendProps) {
  const titleId = useId();
  if (rows.length === 0 || starts.length === 0) return <p class="muted">No review items in this period.</p>;
  const totals = starts.map((_, k) => rows.reduce((sum, r) => sum + (r.counts[k] ?? 0), 0));
  // Counts are whole numbers: at least 0..4 on the axis, so no tick falls between two.
  const ticks = niceTicks(0, Math.max(4, ...totals)).filter(Number.isInteger);
  const y = linear(0, ticks[ticks.length - 1], H - M.bottom, M.top);
  const step = (W - M.left - M.right) / starts.length;
  const bar = Math.max(2, Math.min(40, step * 0.7));
  const labelEvery = Math.ceil(starts.length / 8);
  return (
    <div class="cause-trend">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={titleId} class="cause-trend__chart">
        <title id={titleId}>Review items per root cause and {interval}; the table below gives the numbers</title>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} class="cause-trend__grid" />
            <text x={M.left - 6} y={y(t) + 4} text-anchor="end" class="cause-trend__axis">{t}</text>
          </g>
        ))}
        {starts.map((start, k) => {
          let base = 0;
          const x = M.left + k * step + (step - bar) / 2;
          return (
            <g key={start}>
              {rows.map((r, i) => {
                const n = r.counts[k] ?? 0;
                if (n === 0) return null;
                const top = y(base + n);
                const height = y(base) - top;
                base += n;
                return <rect key={r.name} x={x} y={top} width={bar} height={height} fill={colour(r, i)} />;
              })}
              {k % labelEvery === 0 && (
                <text x={x + bar / 2} y={H - 6} text-anchor="middle" class="cause-trend__axis">{intervalLabel(start, interval, tz).replace('Week of ', '')}</text>
              )}
            </g>
          );
        })}
      </svg>
      <ul class="cause-trend__legend" aria-hidden="true">
        {rows.map((r, i) => (
          <li key={r.name}><span class="cause-trend__swatch" style={{ background: colour(r, i) }} />{r.name}</li>
        ))}
      </ul>
      <div class="cause-trend__scroll" tabIndex={0} role="region" aria-label="Root causes over time (scrolls sideways)">
        <table class="review__counts">
          <caption class="visually-hidden">Review items per root cause and {interval}</caption>
          <thead>
            <tr>
              <th scope="col">Root cause</th>
              {starts.map((s) => <th key={s} scope="col" class="num">{intervalLabel(s, interval, tz)}</th>)}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name}>
                <th scope="row">{r.name}</th>
                {r.counts.map((n, k) => <td key={starts[k]} class="num">{n}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

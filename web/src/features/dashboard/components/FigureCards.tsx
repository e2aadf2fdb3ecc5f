// The headline figures of the period: one card each with its value, sample size, interval,
// target and whether it is met. A click on the value opens the tickets behind it.
import { formatCount, formatDuration, formatInterval } from '../state/format';
import { formatValue, METRICS, STATS, type MetricDef } from '../state/metrics';
import type { Clock, Figures } from '../state/types';
import { LowConfidence, MetMark } from './Marks';

export interface CardsProps {
  figures: Figures;
  clock: Clock;
  onDrill(def: MetricDef): void;
}

export function FigureCards({ figures, clock, onDrill }: CardsProps) {
  return (
    <ul class="kpis" aria-label="Headline figures">
      {METRICS.map((def) => <FigureCard key={def.id} def={def} figures={figures} clock={clock} onDrill={() => onDrill(def)} />)}
    </ul>
  );
}

function FigureCard({ def, figures, clock, onDrill }: { def: MetricDef; figures: Figures; clock: Clock; onDrill(): void }) {
  const r = def.read(figures, clock, 'median');
  const shown = formatValue(def.kind, r.value);
  const other: Clock = clock === 'business' ? 'calendar' : 'business';
  return (
    <li class={r.met === false ? 'kpi kpi--missed' : r.met ? 'kpi kpi--met' : 'kpi'} data-metric={def.id}
      data-value={r.value ?? ''} data-n={r.n}>
      <h3 class="kpi__name">{def.label}</h3>
      <p class="kpi__value">
        <button type="button" class="kpi__drill" onClick={onDrill}>
          <span class="kpi__number">{shown}</span>
          {def.kind === 'duration' && <span class="kpi__stat"> median</span>}
          <span class="visually-hidden">: show the {r.n} {def.unit}</span>
        </button>
      </p>
      {def.kind === 'duration' && (
        <p class="kpi__line">
          p90 {formatDuration(def.read(figures, clock, 'p90').value)} · mean {formatDuration(def.read(figures, clock, 'mean').value)}
          <span class="muted"> ({clock} time)</span>
        </p>
      )}
      {r.ci && <p class="kpi__line">95% interval {formatInterval(r.ci, def.kind === 'nps' ? 'nps' : 'percent')}</p>}
      {def.id === 'nps' && <p class="kpi__line">{figures.nps.promoters} promoters · {figures.nps.detractors} detractors</p>}
      {def.id === 'backlog' && (
        <>
          <p class="kpi__line">{formatCount(figures.backlog.open)} open · {formatCount(figures.backlog.pending)} pending</p>
          <p class="kpi__line">Age: median {formatDuration(figures.backlog.age.median)} · p90 {formatDuration(figures.backlog.age.p90)} · oldest {formatDuration(figures.backlog.age.max)}</p>
        </>
      )}
      <p class="kpi__line kpi__n">
        <span class="kpi__count">n = {formatCount(r.n)}</span> <span class="muted">{def.unit}</span> <LowConfidence show={r.lowConfidence} />
      </p>
      {def.kind === 'duration' ? (
        <DurationTargets def={def} figures={figures} clock={clock} />
      ) : def.targetFigure(clock, 'median') !== null && (
        <p class="kpi__line"><MetMark met={r.met} target={r.target} def={def} /></p>
      )}
      {def.kind === 'duration' && (
        <p class="kpi__line muted">{other === 'calendar' ? 'Calendar' : 'Business'} time: median {formatDuration(def.read(figures, other, 'median').value)}</p>
      )}
    </li>
  );
}

/** A duration's targets for the clock shown: one line per statistic that has one. */
function DurationTargets({ def, figures, clock }: { def: MetricDef; figures: Figures; clock: Clock }) {
  const set = STATS.map((stat) => ({ stat, r: def.read(figures, clock, stat) })).filter((x) => x.r.target !== null);
  if (set.length === 0) return <p class="kpi__line"><MetMark met={null} target={null} def={def} /></p>;
  return (
    <>
      {set.map(({ stat, r }) => (
        <p key={stat} class="kpi__line"><MetMark met={r.met} target={r.target} def={def} stat={stat} /></p>
      ))}
    </>
  );
}

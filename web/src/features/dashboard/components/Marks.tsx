// Small marks that say what a figure means beside its number: met or missed (a symbol and a
// word, never colour alone) and low confidence (n < 30).
import { formatTarget, type MetricDef } from '../state/metrics';

export function MetMark({ met, target, def, stat }: { met: boolean | null; target: number | null; def: MetricDef; stat?: string }) {
  if (target === null) return <span class="met met--none">No target</span>;
  const what = `Target${stat ? ` ${stat === 'p90' ? 'p90' : stat}` : ''} ${formatTarget(def, target)}`;
  if (met === null) return <span class="met met--none">{what}: no data</span>;
  return (
    <span class={met ? 'met met--yes' : 'met met--no'}>
      {what}: <strong><span aria-hidden="true">{met ? '✓ ' : '✗ '}</span>{met ? 'met' : 'missed'}</strong>
    </span>
  );
}

export function LowConfidence({ show }: { show: boolean }) {
  if (!show) return null;
  return <span class="lowconf" title="Fewer than 30 in the sample: read with care">Low confidence</span>;
}

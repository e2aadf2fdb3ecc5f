// The arithmetic of the trend charts: a linear scale, "nice" axis ticks, the unit a duration
// axis is labelled in, and the path of a line that breaks where an interval has no value.

/** Maps [d0, d1] onto [r0, r1] linearly (a zero-width domain maps to the range's middle). */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A step of 1, 2, 2.5 or 5 × 10^k giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || count < 1) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nice * mag;
}

/**
 * Axis ticks covering [min, max] in nice steps, the first at or below `min` and the last at or
 * above `max`; always at least two ticks. The domain of the axis is [first, last].
 */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    if (min === 0) return [0, 1];
    const pad = Math.abs(min) * 0.5;
    return niceTicks(min - pad, max + pad, count);
  }
  const step = niceStep(max - min, count);
  const start = Math.floor(min / step + 1e-9) * step;
  const end = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v <= end + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** The unit a duration axis (seconds) reads best in for values up to `maxSeconds`. */
export function durationUnit(maxSeconds: number): { unit: 's' | 'min' | 'h' | 'd'; seconds: number } {
  if (maxSeconds >= 3 * 86_400) return { unit: 'd', seconds: 86_400 };
  if (maxSeconds >= 3 * 3600) return { unit: 'h', seconds: 3600 };
  if (maxSeconds >= 3 * 60) return { unit: 'min', seconds: 60 };
  return { unit: 's', seconds: 1 };
}

/** An SVG path through the points; a null value ends a segment (no line across a gap). */
export function linePath(points: { x: number; y: number | null }[]): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p.y === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${round(p.x)},${round(p.y)}`;
    pen = true;
  }
  return d;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

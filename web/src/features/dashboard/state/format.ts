// How the dashboard writes its figures: durations in words a person reads at a glance, rates
// with one decimal, NPS with its sign. The CSV carries the raw numbers beside these.

/** A duration in seconds as "45 s", "12 min", "1 h 20 min", "2 d 3 h"; "—" when there is none. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (Math.round(seconds) < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 24 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const hours = Math.round(seconds / 3600);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** A number with at most `digits` decimals, trailing zeros dropped ("87.5", "90", "-12.3"). */
export function formatNumber(value: number, digits = 1): string {
  const fixed = value.toFixed(digits);
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** A percentage: "87.5%"; "—" when there is none. */
export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${formatNumber(value)}%`;
}

/** An NPS score with its sign: "+23", "−12.5" (a true minus sign), "0"; "—" when there is none. */
export function formatNps(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const s = formatNumber(value);
  if (s === '0') return '0';
  return value > 0 ? `+${s}` : `\u2212${s.slice(1)}`;
}

/** A CES mean on its 1–7 scale: "5.42"; "—" when there is none. */
export function formatMean(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : formatNumber(value, 2);
}

/** A count with thousands separators ("12,345"). */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : Math.round(value).toLocaleString('en-US');
}

/** A 95% interval as "80.1–90.3%" (percent) or "−5–+12" (NPS); "" when there is none. */
export function formatInterval(ci: [number, number] | null | undefined, kind: 'percent' | 'nps'): string {
  if (!ci) return '';
  if (kind === 'percent') return `${formatNumber(ci[0])}–${formatNumber(ci[1])}%`;
  return `${formatNps(ci[0])} to ${formatNps(ci[1])}`;
}

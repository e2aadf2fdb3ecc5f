// Periods in the supervisor's time zone: presets ("last 30 days") and custom dates become the
// half-open UTC period [from, to) the KPI API takes. Days start at local midnight of the zone.

export type Preset = '7' | '30' | '90' | 'custom';
export const PRESETS: { value: Preset; label: string }[] = [
  { value: '7', label: 'Last 7 days' },
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
  { value: 'custom', label: 'Custom dates' },
];

const formatters = new Map<string, Intl.DateTimeFormat>();
function parts(ms: number, tz: string): Record<string, number> {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** The zone's offset from UTC at the instant `ms`, in milliseconds (+3600000 for CET). */
export function zoneOffset(ms: number, tz: string): number {
  const p = parts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** True when the browser knows `tz` as an IANA zone. */
export function isZone(tz: string): boolean {
  try {
    parts(0, tz);
    return true;
  } catch {
    return false;
  }
}

/** The instant local midnight of `date` (YYYY-MM-DD) happens in `tz` (DST-correct). */
export function startOfDay(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - zoneOffset(guess, tz);
  const second = guess - zoneOffset(first, tz);
  return second;
}

/** The local date (YYYY-MM-DD) in `tz` at the instant `ms`. */
export function localDate(ms: number, tz: string): string {
  const p = parts(ms, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** `date` moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function isDate(text: string | null | undefined): text is string {
  return !!text && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text + 'T00:00:00Z'));
}

/**
 * The period to report on. A preset of N days runs from local midnight N − 1 days before today
 * (so today is its Nth day) up to now. Custom dates are whole local days, `to` included; an end
 * later than now is cut at now, because the backlog is taken at the period's end.
 * Returns null (with a reason) when the dates don't make a period.
 */
export function periodOf(
  p: { preset: Preset; from?: string; to?: string; tz: string },
  now: number,
): { from: string; to: string } | { error: string } {
  const minuteUp = Math.ceil(now / 60_000) * 60_000;
  if (p.preset !== 'custom') {
    const today = localDate(now, p.tz);
    const from = startOfDay(addDays(today, 1 - Number(p.preset)), p.tz);
    return { from: new Date(from).toISOString(), to: new Date(minuteUp).toISOString() };
  }
  if (!isDate(p.from)) return { error: 'Choose the first day of the period.' };
  if (!isDate(p.to)) return { error: 'Choose the last day of the period.' };
  if (p.to < p.from) return { error: 'The last day must not be before the first.' };
  const from = startOfDay(p.from, p.tz);
  const to = Math.min(startOfDay(addDays(p.to, 1), p.tz), minuteUp);
  if (to <= from) return { error: 'The period starts in the future.' };
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** The zones to offer: the browser's list, with UTC and `current` present. */
export function zones(current: string): string[] {
  // Intl.supportedValuesOf is ES2022 (Chrome 99, Firefox 93, Safari 15.4); older browsers get UTC.
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const all = typeof intl.supportedValuesOf === 'function' ? intl.supportedValuesOf('timeZone') : [];
  const set = new Set(['UTC', ...all]);
  if (current) set.add(current);
  return [...set];
}

/** An interval's start as the chart's axis and table write it, in the report's zone. */
export function intervalLabel(iso: string, interval: 'day' | 'week' | 'month', tz: string): string {
  const ms = Date.parse(iso);
  const opts: Intl.DateTimeFormatOptions = interval === 'month'
    ? { timeZone: tz, month: 'short', year: 'numeric' }
    : { timeZone: tz, month: 'short', day: 'numeric' };
  const text = new Intl.DateTimeFormat('en-US', opts).format(ms);
  return interval === 'week' ? `Week of ${text}` : text;
}

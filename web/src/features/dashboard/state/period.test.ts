import { describe, expect, it } from 'vitest';
import { addDays, intervalLabel, isDate, localDate, periodOf, startOfDay, zoneOffset } from './period';

describe('periods in a time zone', () => {
  it('knows zone offsets, summer and winter', () => {
    expect(zoneOffset(Date.parse('2026-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(3600_000);
    expect(zoneOffset(Date.parse('2026-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(7200_000);
    expect(zoneOffset(Date.parse('2026-07-15T12:00:00Z'), 'UTC')).toBe(0);
    expect(zoneOffset(Date.parse('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-4 * 3600_000);
  });

  it('finds local midnight, also on DST change days', () => {
    expect(new Date(startOfDay('2026-01-15', 'Europe/Berlin')).toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(new Date(startOfDay('2026-03-29', 'Europe/Berlin')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(startOfDay('2026-03-30', 'Europe/Berlin')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(new Date(startOfDay('2026-11-01', 'America/New_York')).toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(new Date(startOfDay('2026-11-02', 'America/New_York')).toISOString()).toBe('2026-11-02T05:00:00.000Z');
    expect(new Date(startOfDay('2026-06-01', 'UTC')).toISOString()).toBe('2026-06-01T00:00:00.000Z');
  });

  it('reads local dates and moves days', () => {
    expect(localDate(Date.parse('2026-01-14T23:30:00Z'), 'Europe/Berlin')).toBe('2026-01-15');
    expect(localDate(Date.parse('2026-01-14T23:30:00Z'), 'UTC')).toBe('2026-01-14');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(isDate('2026-02-30')).toBe(true); // Date.parse rolls over; the server judges the instant
    expect(isDate('2026-2-3')).toBe(false);
    expect(isDate('')).toBe(false);
  });

  it('turns a preset into [local midnight N-1 days ago, now)', () => {
    const now = Date.parse('2026-11-20T10:00:30Z');
    expect(periodOf({ preset: '7', tz: 'UTC' }, now)).toEqual({ from: '2026-11-14T00:00:00.000Z', to: '2026-11-20T10:01:00.000Z' });
    expect(periodOf({ preset: '30', tz: 'Europe/Berlin' }, now)).toEqual({ from: '2026-10-21T22:00:00.000Z', to: '2026-11-20T10:01:00.000Z' });
  });

  it('turns custom dates into whole local days, cut at now', () => {
    const now = Date.parse('2026-11-20T10:00:00Z');
    expect(periodOf({ preset: 'custom', from: '2026-11-01', to: '2026-11-07', tz: 'UTC' }, now))
      .toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z' });
    expect(periodOf({ preset: 'custom', from: '2026-11-19', to: '2026-11-30', tz: 'UTC' }, now))
      .toEqual({ from: '2026-11-19T00:00:00.000Z', to: '2026-11-20T10:00:00.000Z' });
    expect(periodOf({ preset: 'custom', from: '2026-11-07', to: '2026-11-01', tz: 'UTC' }, now)).toHaveProperty('error');
    expect(periodOf({ preset: 'custom', from: '', to: '2026-11-01', tz: 'UTC' }, now)).toHaveProperty('error');
    expect(periodOf({ preset: 'custom', from: '2026-12-01', to: '2026-12-02', tz: 'UTC' }, now)).toHaveProperty('error');
  });

  it('labels intervals in the zone', () => {
    expect(intervalLabel('2026-11-01T23:00:00Z', 'day', 'Europe/Berlin')).toBe('Nov 2');
    expect(intervalLabel('2026-11-02T00:00:00Z', 'week', 'UTC')).toBe('Week of Nov 2');
    expect(intervalLabel('2026-11-01T00:00:00Z', 'month', 'UTC')).toBe('Nov 2026');
  });
});

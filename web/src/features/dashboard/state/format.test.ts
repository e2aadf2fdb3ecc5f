import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatInterval, formatMean, formatNps, formatNumber, formatPercent } from './format';

describe('figure formatting', () => {
  it('writes durations in the largest sensible units', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(59.4)).toBe('59 s');
    expect(formatDuration(60)).toBe('1 min');
    expect(formatDuration(59.6)).toBe('1 min');
    expect(formatDuration(3599)).toBe('1 h');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(4800)).toBe('1 h 20 min');
    expect(formatDuration(86_400)).toBe('1 d');
    expect(formatDuration(2 * 86_400 + 3 * 3600 + 1200)).toBe('2 d 3 h');
  });

  it('rounds numbers to one decimal without trailing zeros', () => {
    expect(formatNumber(87.5)).toBe('87.5');
    expect(formatNumber(90)).toBe('90');
    expect(formatNumber(66.66666)).toBe('66.7');
    expect(formatNumber(-0.04)).toBe('0');
    expect(formatNumber(5.4166, 2)).toBe('5.42');
  });

  it('writes rates, NPS, CES and counts', () => {
    expect(formatPercent(87.5)).toBe('87.5%');
    expect(formatPercent(null)).toBe('—');
    expect(formatNps(23)).toBe('+23');
    expect(formatNps(-12.5)).toBe('\u221212.5');
    expect(formatNps(0)).toBe('0');
    expect(formatNps(null)).toBe('—');
    expect(formatMean(5.4166)).toBe('5.42');
    expect(formatCount(12345)).toBe('12,345');
  });

  it('writes intervals', () => {
    expect(formatInterval([80.12, 90.34], 'percent')).toBe('80.1–90.3%');
    expect(formatInterval([-5, 12], 'nps')).toBe('\u22125 to +12');
    expect(formatInterval(null, 'percent')).toBe('');
  });
});

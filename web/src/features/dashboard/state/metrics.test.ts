import { describe, expect, it } from 'vitest';
import { sampleFigures } from './fixture.test-data';
import { formatTarget, metric, METRICS, sortRows, targetFigures, targetLabel, targetMetric } from './metrics';

describe('figure definitions', () => {
  it('reads each figure from an answer', () => {
    const f = sampleFigures();
    expect(metric('first_response').read(f, 'business', 'median')).toEqual({ value: 3000, n: 120, ci: null, lowConfidence: false, target: 3600, met: true });
    expect(metric('first_response').read(f, 'business', 'p90')).toMatchObject({ value: 9000, target: 7200, met: false });
    expect(metric('first_response').read(f, 'calendar', 'median')).toMatchObject({ value: 5400, target: null, met: null });
    expect(metric('csat').read(f, 'business', 'median')).toMatchObject({ value: 87.5, n: 40, ci: [73.9, 94.5], met: false });
    expect(metric('ces').read(f, 'business', 'median')).toMatchObject({ value: 5.4166, lowConfidence: true, met: true });
    expect(metric('backlog').read(f, 'business', 'median')).toMatchObject({ value: 12, n: 12 });
    expect(METRICS).toHaveLength(12);
  });

  it('writes targets with the direction they are met in', () => {
    expect(formatTarget(metric('first_response'), 3600)).toBe('≤ 1 h');
    expect(formatTarget(metric('csat'), 90)).toBe('≥ 90%');
    expect(formatTarget(metric('reopen_rate'), 10)).toBe('≤ 10%');
    expect(formatTarget(metric('nps'), -5)).toBe('≥ \u22125');
    expect(formatTarget(metric('csat'), null)).toBe('');
  });

  it('offers exactly the figures the targets API takes', () => {
    const names = targetFigures().map((t) => t.figure);
    expect(names).toHaveLength(24 + 6);
    expect(names).toContain('full_resolution.calendar.p90');
    expect(names).toEqual(expect.arrayContaining(['csat', 'nps', 'ces', 'response_rate', 'reopen_rate', 'one_touch_rate']));
    expect(names).not.toContain('volume');
    expect(targetLabel('first_response.business.p90')).toBe('First response time, business time, 90th percentile');
    expect(targetMetric('next_reply.calendar.mean')?.id).toBe('next_reply');
  });

  it('sorts rows with empty values last in both directions', () => {
    const rows = [{ k: 3 }, { k: null }, { k: 1 }, { k: 2 }];
    expect(sortRows(rows, (r) => r.k, 'ascending').map((r) => r.k)).toEqual([1, 2, 3, null]);
    expect(sortRows(rows, (r) => r.k, 'descending').map((r) => r.k)).toEqual([3, 2, 1, null]);
    expect(sortRows([{ k: 'b' }, { k: 'A' }, { k: 'c' }], (r) => r.k, 'ascending').map((r) => r.k)).toEqual(['A', 'b', 'c']);
  });
});

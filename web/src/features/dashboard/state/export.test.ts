import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';
import { breakdownRows, figuresRows } from './export';
import { sampleFigures } from './fixture.test-data';

const ctx = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z', tz: 'UTC', filters: { team: '3', organization: '=evil' } };

describe('CSV rows of the dashboard', () => {
  it('lists every headline figure with what is shown, its n, interval and target', () => {
    const rows = figuresRows(sampleFigures(), ctx);
    expect(rows[0].slice(0, 12)).toEqual(['Figure', 'Statistic', 'Clock', 'Shown', 'Value', 'Unit', 'n', '95% low', '95% high', 'Target', 'Met', 'Low confidence']);
    // 4 durations × 2 clocks × 3 statistics + 8 other figures
    expect(rows).toHaveLength(1 + 24 + 8);
    const frt = rows.find((r) => r[0] === 'First response time' && r[1] === 'median' && r[2] === 'business')!;
    expect(frt.slice(3, 12)).toEqual(['50 min', 3000, 'seconds', 120, undefined, undefined, 3600, 'yes', 'no']);
    const p90 = rows.find((r) => r[0] === 'First response time' && r[1] === 'p90' && r[2] === 'business')!;
    expect(p90.slice(9, 11)).toEqual([7200, 'no']);
    const csat = rows.find((r) => r[0] === 'CSAT')!;
    expect(csat.slice(3, 12)).toEqual(['87.5%', 87.5, 'percent', 40, 73.9, 94.5, 90, 'no', 'no']);
    const nps = rows.find((r) => r[0] === 'NPS')!;
    expect(nps.slice(3, 12)).toEqual(['\u221212.5', -12.5, 'score', 16, -50, 25, null, '', 'yes']);
    const full = rows.find((r) => r[0] === 'Full resolution time')!;
    expect(full[3]).toBe('—');
    expect(full[4]).toBeNull();
    expect(rows[1].slice(12)).toEqual([ctx.from, ctx.to, 'UTC', 'team=3; organization==evil']);
  });

  it('writes the breakdown in the order given, value and n per figure', () => {
    const f = sampleFigures();
    const rows = breakdownRows([
      { name: 'Billing', key: { id: 2, name: 'Billing' }, figures: f },
      { name: 'No team', key: { id: null, name: null }, figures: { ...f, volume: { n: 3 } } },
    ], 'Team', 'business', ctx);
    expect(rows[0][0]).toBe('Team');
    expect(rows[0][1]).toBe('First response time median (seconds, business time)');
    expect(rows[0][2]).toBe('First response time n');
    expect(rows.map((r) => r[0])).toEqual(['Team', 'Billing', 'No team']);
    const volumeCol = rows[0].indexOf('Volume');
    expect(rows[1][volumeCol]).toBe(150);
    expect(rows[2][volumeCol]).toBe(3);
    expect(rows[0][volumeCol + 1]).toBe('Backlog'); // counts have no separate n column
    expect(rows[1].slice(1, 3)).toEqual([3000, 120]);
    // A name somebody typed (an organisation) can't become a formula in a spreadsheet.
    const evil = breakdownRows([{ name: '=HYPERLINK("http://x.test")', key: { id: 9, name: '=HYPERLINK("http://x.test")' }, figures: f }], 'Organisation', 'business', ctx);
    expect(toCsv(evil).split('\r\n')[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/x\.test""\)",3000,120,/);
  });
});

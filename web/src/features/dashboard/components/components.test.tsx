import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sampleFigures } from '../state/fixture.test-data';
import type { KpiGroup, SeriesPoint } from '../state/types';
import { Breakdown, type Sort } from './Breakdown';
import { FigureCards } from './FigureCards';
import { TrendChart } from './TrendChart';
import { metric } from '../state/metrics';

afterEach(cleanup);

describe('FigureCards', () => {
  it('shows each figure with n, interval, target and met or missed in words', () => {
    const onDrill = vi.fn();
    render(<FigureCards figures={sampleFigures()} clock="business" onDrill={onDrill} />);
    const csat = screen.getByRole('heading', { name: 'CSAT' }).closest('li')!;
    expect(csat.textContent).toContain('87.5%');
    expect(csat.textContent).toContain('n = 40');
    expect(csat.textContent).toContain('95% interval 73.9–94.5%');
    expect(csat.textContent).toContain('Target ≥ 90%: ✗ missed');
    const frt = screen.getByRole('heading', { name: 'First response time' }).closest('li')!;
    expect(frt.textContent).toContain('50 min median');
    expect(frt.textContent).toContain('Target median ≤ 1 h: ✓ met');
    expect(frt.textContent).toContain('Target p90 ≤ 2 h: ✗ missed');
    expect(frt.textContent).toContain('Calendar time: median 1 h 30 min');
    // Small samples are marked, not hidden.
    const nps = screen.getByRole('heading', { name: 'NPS' }).closest('li')!;
    expect(nps.textContent).toContain('\u221212.5');
    expect(within(nps).getByText('Low confidence')).toBeTruthy();
    expect(within(csat).queryByText('Low confidence')).toBeNull();
    fireEvent.click(within(csat).getByRole('button'));
    expect(onDrill).toHaveBeenCalledWith(expect.objectContaining({ id: 'csat' }));
  });
});

describe('Breakdown', () => {
  const f = sampleFigures();
  const groups: KpiGroup[] = [
    { key: { id: 1, name: 'Ann' }, figures: { ...f, volume: { n: 5 } }, series: [] },
    { key: { id: null, name: null }, figures: { ...f, volume: { n: 50 } }, series: [] },
    { key: { id: 2, name: 'Bob' }, figures: { ...f, volume: { n: 20 } }, series: [] },
  ];
  function Harness({ onDrill }: { onDrill: () => void }) {
    const [sort, setSort] = useState<Sort>({ col: 'volume', dir: 'descending' });
    return <Breakdown groups={groups} by="agent" byLabel="Agent" clock="business" sort={sort} onSort={setSort} onDrill={onDrill} />;
  }
  const order = () => screen.getAllByRole('rowheader').map((h) => h.textContent);

  it('sorts by any column and says so with aria-sort', () => {
    const onDrill = vi.fn();
    render(<Harness onDrill={onDrill} />);
    expect(order()).toEqual(['Unassigned', 'Bob', 'Ann']);
    const volume = screen.getByRole('columnheader', { name: /Volume/ });
    expect(volume.getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(within(volume).getByRole('button'));
    expect(volume.getAttribute('aria-sort')).toBe('ascending');
    expect(order()).toEqual(['Ann', 'Bob', 'Unassigned']);
    const agent = screen.getByRole('columnheader', { name: /Agent/ });
    fireEvent.click(within(agent).getByRole('button'));
    expect(agent.getAttribute('aria-sort')).toBe('ascending');
    expect(volume.hasAttribute('aria-sort')).toBe(false);
    expect(order()).toEqual(['Ann', 'Bob', 'Unassigned']);
    fireEvent.click(screen.getByRole('button', { name: /show the 20 tickets created of Bob/ }));
    expect(onDrill).toHaveBeenCalledWith(expect.objectContaining({ id: 'volume' }), groups[2]);
  });
});

describe('TrendChart', () => {
  it('draws the target line and has a table with a button per interval', () => {
    const f = sampleFigures();
    const series: SeriesPoint[] = [
      { start: '2026-11-01T00:00:00Z', end: '2026-11-02T00:00:00Z', figures: f },
      { start: '2026-11-02T00:00:00Z', end: '2026-11-03T00:00:00Z', figures: { ...f, csat: { ...f.csat, value: null, n: 0 } } },
    ];
    const onPick = vi.fn();
    const { container } = render(<TrendChart def={metric('csat')} series={series} clock="business" interval="day" tz="UTC" target={90} onPick={onPick} />);
    expect(screen.getByRole('img', { name: /CSAT by day/ })).toBeTruthy();
    expect(container.querySelector('.trend__target text')?.textContent).toBe('Target ≥ 90%');
    expect(container.querySelectorAll('.trend__dot')).toHaveLength(1); // no point where there is no value
    const rows = within(screen.getByRole('table')).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1].textContent).toContain('Nov 1');
    expect(rows[1].textContent).toContain('87.5%');
    fireEvent.click(within(rows[2]).getByRole('button'));
    expect(onPick).toHaveBeenCalledWith(series[1]);
  });
});

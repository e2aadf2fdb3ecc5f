import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReviewItem } from '../api/reviews';
import { ReviewPanel } from './ReviewPanel';

vi.mock('../api/reviews', () => ({
  listReviews: vi.fn(),
  listCauses: vi.fn(),
  updateReview: vi.fn(),
  addCause: vi.fn(),
  renameCause: vi.fn(),
  deleteCause: vi.fn(),
  causeStats: vi.fn(),
}));
import * as api from '../api/reviews';

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

const item: ReviewItem = {
  id: 7, ticket: { id: 42, subject: 'Printer <b>on fire</b>' }, episode: 1, reason: 'bad_rating', survey_id: 3,
  customer: { id: 5, email: 'c@example.com', name: 'Carla', organization: '' }, agent: { id: 2, name: 'Ann' },
  score: { csat: 1, resolved: true, nps: null, ces: null }, comment: '<script>alert(1)</script> still broken',
  created_at: '2026-11-30T10:00:00Z', updated_at: '2026-11-30T10:00:00Z', state: 'open', cause: null,
  action_taken: null, reviewed_by: null, reviewed_at: null,
};

const period = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z', tz: 'UTC', interval: 'week' as const };
const weeks = (a: number, b: number) => [
  { start: '2026-11-23T00:00:00Z', end: '2026-11-30T00:00:00Z', count: a },
  { start: '2026-11-30T00:00:00Z', end: '2026-12-07T00:00:00Z', count: b },
];
const stats = {
  from: 'a', to: 'b', interval: 'week' as const, total: 2,
  causes: [{ cause: { id: 2, name: 'Wrong answer' }, count: 1, series: weeks(1, 0) }, { cause: null, count: 1, series: weeks(0, 1) }],
};

describe('ReviewPanel', () => {
  it('lists items as text, sets a root cause with a note and marks reviewed; shows the counts table', async () => {
    vi.mocked(api.listReviews).mockResolvedValue({ items: [item], next_after: null });
    vi.mocked(api.listCauses).mockResolvedValue([{ id: 1, name: 'Slow answer', items: 0 }, { id: 2, name: 'Wrong answer', items: 0 }]);
    vi.mocked(api.updateReview).mockResolvedValue({ ...item, state: 'reviewed' });
    vi.mocked(api.causeStats).mockResolvedValue(stats);
    render(<ReviewPanel period={period} />);
    const link = await screen.findByRole('link', { name: '#42 Printer <b>on fire</b>' });
    expect(link.getAttribute('href')).toContain('/tickets/42');
    const li = link.closest('li')!;
    expect(li.textContent).toContain('Bad rating: CSAT 1/5');
    expect(li.querySelector('script')).toBeNull();
    expect(li.textContent).toContain('<script>alert(1)</script> still broken');
    fireEvent.change(within(li).getByLabelText('Root cause'), { target: { value: '2' } });
    fireEvent.input(within(li).getByLabelText('Action taken'), { target: { value: 'Called back' } });
    fireEvent.click(within(li).getByRole('button', { name: /Mark reviewed/ }));
    await waitFor(() => expect(api.updateReview).toHaveBeenCalledWith(7, { cause_id: 2, action_taken: 'Called back', state: 'reviewed' }));
    const table = await screen.findByRole('table', { name: /Review items per root cause, 2 in all/ });
    const rows = within(table).getAllByRole('row').map((r) => r.textContent);
    expect(rows).toEqual(['Root causeItemsShare', 'Wrong answer150%', 'Not tagged yet150%', 'Total2']);
    expect(api.causeStats).toHaveBeenCalledWith('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', 'UTC', 'week');
    // Over time: one row per cause with a count per week.
    const overTime = screen.getByRole('table', { name: 'Review items per root cause and week' });
    expect(within(overTime).getAllByRole('row').map((r) => r.textContent)).toEqual([
      'Root causeWeek of Nov 23Week of Nov 30', 'Wrong answer10', 'Not tagged yet01',
    ]);
  });

  it('shows older items on request, each once', async () => {
    const older = { ...item, id: 3, ticket: { id: 40, subject: 'Older one' } };
    vi.mocked(api.listReviews)
      .mockResolvedValueOnce({ items: [item], next_after: 7 })
      .mockResolvedValueOnce({ items: [older], next_after: null });
    vi.mocked(api.listCauses).mockResolvedValue([]);
    vi.mocked(api.causeStats).mockResolvedValue(stats);
    render(<ReviewPanel period={period} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Show older items' }));
    await screen.findByRole('link', { name: '#40 Older one' });
    expect(api.listReviews).toHaveBeenLastCalledWith('open', 7);
    expect(screen.getAllByRole('link', { name: /^#/ })).toHaveLength(2);
    expect(screen.queryByRole('button', { name: 'Show older items' })).toBeNull();
  });

  it('renames a root cause, and offers no delete for one that items use', async () => {
    vi.mocked(api.listReviews).mockResolvedValue({ items: [], next_after: null });
    vi.mocked(api.listCauses).mockResolvedValue([{ id: 1, name: 'Slow answer', items: 0 }, { id: 2, name: 'Wrong answer', items: 3 }]);
    vi.mocked(api.causeStats).mockResolvedValue(stats);
    vi.mocked(api.renameCause).mockResolvedValue({ id: 1, name: 'Slow first answer', items: 0 });
    vi.mocked(api.deleteCause).mockResolvedValue(undefined);
    render(<ReviewPanel period={period} />);
    const box = await screen.findByLabelText('Name of root cause Slow answer');
    fireEvent.input(box, { target: { value: ' Slow first answer ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Rename Slow answer' }));
    await waitFor(() => expect(api.renameCause).toHaveBeenCalledWith(1, 'Slow first answer'));
    expect((screen.getByRole('button', { name: 'Delete Wrong answer' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Delete Slow answer' }));
    await waitFor(() => expect(api.deleteCause).toHaveBeenCalledWith(1));
  });
});

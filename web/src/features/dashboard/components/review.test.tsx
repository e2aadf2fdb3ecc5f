import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReviewItem } from '../api/reviews';
import { ReviewPanel } from './ReviewPanel';

vi.mock('../api/reviews', () => ({
  listReviews: vi.fn(),
  listCauses: vi.fn(),
  updateReview: vi.fn(),
  addCause: vi.fn(),
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

describe('ReviewPanel', () => {
  it('lists items as text, sets a root cause with a note and marks reviewed; shows the counts table', async () => {
    vi.mocked(api.listReviews).mockResolvedValue({ items: [item], next_after: null });
    vi.mocked(api.listCauses).mockResolvedValue([{ id: 1, name: 'Slow answer', items: 0 }, { id: 2, name: 'Wrong answer', items: 0 }]);
    vi.mocked(api.updateReview).mockResolvedValue({ ...item, state: 'reviewed' });
    vi.mocked(api.causeStats).mockResolvedValue({ from: 'a', to: 'b', total: 2, causes: [{ cause: { id: 2, name: 'Wrong answer' }, count: 1 }, { cause: null, count: 1 }] });
    render(<ReviewPanel period={{ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z', tz: 'UTC' }} />);
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
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row').map((r) => r.textContent);
    expect(rows).toEqual(['Root causeItemsShare', 'Wrong answer150%', 'Not tagged yet150%', 'Total2']);
    expect(api.causeStats).toHaveBeenCalledWith('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', 'UTC');
  });
});

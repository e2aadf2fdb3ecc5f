import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RiskPanel } from './RiskPanel';

vi.mock('../api/risk', () => ({ listAtRisk: vi.fn(), recordOutreach: vi.fn() }));
import * as api from '../api/risk';

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

describe('RiskPanel', () => {
  it('lists customers with their reasons as text and records an outreach with its outcome', async () => {
    vi.mocked(api.listAtRisk).mockResolvedValue({ days: 30, total: 1, items: [{
      customer: { id: 9, email: 'r@x.test', name: '<i>Rita</i>', organization: 'Acme' }, score: 5,
      last_signal_at: '2026-11-30T10:00:00Z', last_outreach: null,
      reasons: [{ reason: 'reopen', weight: 2, count: 1, ticket_ids: [42], last_at: '' },
        { reason: 'bad_rating', weight: 3, count: 1, ticket_ids: [42], last_at: '' }],
    }] });
    vi.mocked(api.recordOutreach).mockResolvedValue({ id: 1, customer_id: 9, note: 'x', outcome: 'saved', by: { id: 1, name: 'Sue' }, created_at: '' });
    render(<RiskPanel />);
    const form = await screen.findByRole('form', { name: 'Outreach to <i>Rita</i>' });
    const li = form.closest('li')!;
    expect(li.querySelector('i')).toBeNull();
    expect(li.textContent).toContain('Score 5: 1 bad rating, 1 reopen');
    expect(within(li).getByRole('link', { name: '#42' }).getAttribute('href')).toContain('/tickets/42');
    expect(li.textContent).toContain('No outreach yet.');
    fireEvent.input(within(form).getByLabelText('Outreach note'), { target: { value: 'Called, offered a refund' } });
    fireEvent.change(within(form).getByLabelText('Outcome'), { target: { value: 'saved' } });
    fireEvent.submit(form);
    await waitFor(() => expect(api.recordOutreach).toHaveBeenCalledWith(9, 'Called, offered a refund', 'saved'));
    await waitFor(() => expect(api.listAtRisk).toHaveBeenCalledTimes(2));
  });
});

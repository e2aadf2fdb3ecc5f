import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Ticket } from '@/lib/types';
import { CustomerPanel } from './CustomerPanel';
import { MailPanel } from './MailPanel';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const ticket = {
  id: 7, subject: 'Invoice', status: 'open', updated_at: '2026-11-30T10:00:00.000Z',
  customer: { id: 3, email: 'cara@customer.test', name: 'Cara', organization: '' },
} as unknown as Ticket;

/** Answers each API path from `routes`; anything else is a 404, as the server would say. */
function serve(routes: Record<string, unknown>) {
  const fetch = vi.fn(async (url: string) => {
    const body = routes[new URL(url, 'http://desk.test').pathname];
    return body === undefined
      ? new Response(JSON.stringify({ status: 404, code: 'not_found' }), { status: 404, headers: { 'Content-Type': 'application/problem+json' } })
      : new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

const noMail = { addresses: [], customer_bouncing: null, mails: [] };

describe('MailPanel', () => {
  it('lists who is copied and links each mail to its original', async () => {
    serve({
      '/api/v1/tickets/7/mail': {
        addresses: [
          { address: 'cara@customer.test', name: 'Cara', role: 'from', added_at: '2026-11-30T09:00:00.000Z' },
          { address: 'boss@customer.test', name: 'Bo <Boss>', role: 'cc', added_at: '2026-11-30T09:00:00.000Z' },
        ],
        customer_bouncing: null,
        mails: [{ id: 41, message_id: '<a@x>', received_at: '2026-11-30T09:00:00.000Z', state: 'filed', sender: 'cara@customer.test', subject: '<b>Invoice</b>' }],
      },
    });
    render(<MailPanel ticket={ticket} />);
    expect(await screen.findByRole('heading', { name: 'Mail' })).toBeTruthy();
    // Only the copied address: the sender is the customer, shown in the customer panel.
    expect(screen.getByText('Bo <Boss> <boss@customer.test>')).toBeTruthy();
    expect(screen.queryByText(/^cara@customer.test$/)).toBeNull();
    const original = screen.getByRole('link', { name: 'Original of “<b>Invoice</b>”' });
    expect(original.getAttribute('href')).toBe('/api/v1/mail/inbound/41/raw');
    expect(original.getAttribute('download')).toBe('mail-41.eml');
  });

  it('shows nothing for a ticket that never saw a mail', async () => {
    const fetch = serve({ '/api/v1/tickets/7/mail': noMail });
    const { container } = render(<MailPanel ticket={ticket} />);
    await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 0));
    expect(container.textContent).toBe('');
  });
});

describe('CustomerPanel', () => {
  const customer = { ...ticket.customer, surveys_opt_out: false, created_at: '2026-01-01T00:00:00.000Z', tickets: [] };
  const noAnswers = { answered: 0, average_csat: null, unresolved: 0, items: [] };

  it('says when mail to the customer bounces and that surveys stop', async () => {
    serve({
      '/api/v1/customers/3': { ...customer, bouncing: { since: '2026-11-29T08:00:00.000Z', reason: '5.1.1 user unknown' } },
      '/api/v1/customers/3/satisfaction': noAnswers,
    });
    render(<CustomerPanel ticket={ticket} />);
    const notice = await screen.findByText(/Mail to this address bounces/);
    expect(notice.textContent).toContain('5.1.1 user unknown');
    expect(notice.textContent).toContain('No surveys go to it');
  });

  it('says when the survey answers could not be loaded, instead of loading forever', async () => {
    serve({ '/api/v1/customers/3': { ...customer, bouncing: null } });
    render(<CustomerPanel ticket={ticket} />);
    expect(await screen.findByText('Could not load the survey answers.')).toBeTruthy();
  });

  it('says nothing of bounces when mail reaches the customer', async () => {
    serve({ '/api/v1/customers/3': { ...customer, bouncing: null }, '/api/v1/customers/3/satisfaction': noAnswers });
    render(<CustomerPanel ticket={ticket} />);
    expect(await screen.findByText('No survey answers yet.')).toBeTruthy();
    expect(screen.queryByText(/bounces/)).toBeNull();
  });
});

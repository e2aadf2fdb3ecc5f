import { describe, expect, it } from 'vitest';
import type { Notification } from './events';
import { notificationText } from './notification-text';

const base: Notification = { kind: 'assigned', ticket_id: 7, event_id: 1, at: '2026-12-01T10:00:00Z', subject: 'Printer' };

describe('notificationText', () => {
  it('says which SLA target is close or missed, in words', () => {
    expect(notificationText({ ...base, kind: 'sla_warning', reason: 'first_response' })).toBe('is close to its first response target');
    expect(notificationText({ ...base, kind: 'sla_breach', reason: 'next_reply' })).toBe('missed its next reply target');
  });
  it('tells an escalation apart from a person assigning', () => {
    expect(notificationText({ ...base, reason: '' })).toBe('was assigned to you');
    expect(notificationText({ ...base, reason: 'sla_breach:resolution' })).toBe('was assigned to you by an SLA escalation');
  });
  it('gives the reopen reason when there is one', () => {
    expect(notificationText({ ...base, kind: 'reopened', reason: 'customer_message' })).toBe('was reopened (customer_message)');
    expect(notificationText({ ...base, kind: 'reopened' })).toBe('was reopened');
  });
});

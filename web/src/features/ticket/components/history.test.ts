import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '@/lib/types';
import { describeEvent } from './History';

const event = (type: string, data: Record<string, unknown>): TicketEvent => ({
  id: 1,
  ticket_id: 7,
  type,
  at: '2026-12-01T10:00:00Z',
  actor: { kind: 'system', id: null },
  data,
});

describe('describeEvent', () => {
  it('names the SLA target of a warning and a breach', () => {
    expect(describeEvent(event('sla_warning', { target: 'first_response' }))).toBe('SLA: first response is due soon');
    expect(describeEvent(event('sla_breach', { target: 'resolution' }))).toBe('SLA: resolution target breached');
  });
  it('says when an SLA escalation made a change, and only then', () => {
    expect(describeEvent(event('priority', { from: 'normal', to: 'urgent', cause: 'sla_breach:next_reply' }))).toBe(
      'System changed the priority normal → urgent (SLA escalation: next reply breached)',
    );
    expect(describeEvent(event('priority', { from: 'normal', to: 'high', cause: 'survey' }))).toBe('System changed the priority normal → high');
  });
});

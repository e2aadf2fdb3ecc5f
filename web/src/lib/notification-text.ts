import type { Notification } from './events';

const TARGETS: Record<string, string> = { first_response: 'first response', next_reply: 'next reply', resolution: 'resolution' };

/** An SLA target's name in words ("first response"); an unknown one as it came. */
export const targetName = (name: unknown): string => TARGETS[String(name)] ?? String(name ?? '');

/** What happened to the ticket, in words ("missed its first response target"). */
export function notificationText(n: Notification): string {
  const target = targetName(n.reason);
  switch (n.kind) {
    case 'assigned':
      return n.reason?.startsWith('sla_') ? 'was assigned to you by an SLA escalation' : 'was assigned to you';
    case 'reopened':
      return `was reopened${n.reason ? ` (${n.reason})` : ''}`;
    case 'sla_warning':
      return `is close to its ${target} target`;
    case 'sla_breach':
      return `missed its ${target} target`;
    default:
      return n.kind;
  }
}

// Status and priority badges: colour plus text, never colour alone.
import { PRIORITY_LABEL, STATUS_LABEL } from '@/lib/format';
import type { Priority, Status } from '@/lib/types';

export function StatusBadge({ status }: { status: Status }) {
  return <span class={`badge badge--${status}`}>{STATUS_LABEL[status] ?? status}</span>;
}

export function PriorityBadge({ priority }: { priority: Priority }) {
  return <span class={`prio prio--${priority}`}>{PRIORITY_LABEL[priority] ?? priority}</span>;
}

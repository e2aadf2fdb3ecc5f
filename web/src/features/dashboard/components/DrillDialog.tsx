// The tickets behind one figure (GET /api/v1/kpis/tickets with the figure's filters, group and
// period), a page at a time, each linking to the ticket screen.
import { useEffect, useState } from 'preact/hooks';
import { Dialog } from '@/components/ui/Dialog';
import { ErrorNote } from '@/components/ui/ErrorNote';
import { userName } from '@/lib/directory';
import { fullTime } from '@/lib/format';
import { href, navigate } from '@/lib/router';
import { getDrill, type DrillQuery } from '../api/kpis';
import { formatCount, formatDuration } from '../state/format';
import type { MetricDef } from '../state/metrics';
import type { Clock, DrillItem } from '../state/types';

export interface DrillRequest {
  title: string;
  /** The period and filters, in words. */
  context: string;
  /** The zone times are shown in. */
  tz: string;
  def: MetricDef;
  query: Omit<DrillQuery, 'limit' | 'cursor'>;
  /** The figure's `n`, to say how many there are in all. */
  n: number;
}

const PAGE = 50;

export function DrillDialog({ request, clock, onClose }: { request: DrillRequest | null; clock: Clock; onClose(): void }) {
  const [items, setItems] = useState<DrillItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = async (after: string | null, keep: DrillItem[]) => {
    if (!request) return;
    setBusy(true);
    try {
      const page = await getDrill({ ...request.query, limit: PAGE, cursor: after ?? undefined });
      setItems([...keep, ...page.items]);
      setCursor(page.next_cursor);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    setItems([]);
    setCursor(null);
    setError(null);
    if (request) void load(null, []);
  }, [request]);

  const def = request?.def;
  return (
    <Dialog title={request?.title ?? ''} open={!!request} onClose={onClose} wide>
      {request && def && (
        <div class="drill">
          <p class="drill__context">{request.context}</p>
          <p class="drill__count" role="status">
            {busy && items.length === 0 ? 'Loading…' : `Showing ${formatCount(items.length)} of n = ${formatCount(request.n)}`}
          </p>
          <ErrorNote error={error} />
          <div class="table-wrap">
            <table class="table drill__table">
              <caption class="visually-hidden">{request.title}</caption>
              <thead>
                <tr>
                  <th scope="col">Ticket</th>
                  <th scope="col">{whenHeader(def)}</th>
                  <th scope="col">Agent</th>
                  <th scope="col">{valueHeader(def)}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((it, i) => (
                  <tr key={`${it.ticket_id}-${i}`} data-ticket={it.ticket_id}>
                    <td data-label="Ticket">
                      <a href={href(`/tickets/${it.ticket_id}`)} onClick={(e) => {
                        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                        e.preventDefault();
                        onClose();
                        navigate(`/tickets/${it.ticket_id}`);
                      }}>
                        #{it.ticket_id} <span class="drill__subject">{it.subject}</span>
                      </a>
                    </td>
                    <td data-label={whenHeader(def)}>{when(def, it) ? <time dateTime={when(def, it)!} title={fullTime(when(def, it)!)}>{shortTime(when(def, it)!, request.tz)}</time> : '—'}</td>
                    <td data-label="Agent">{it.agent_id === null ? '—' : userName(it.agent_id)}</td>
                    <td data-label={valueHeader(def)}>{itemValue(def, it, clock, request.tz)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {cursor && (
            <button type="button" class="btn" disabled={busy} onClick={() => load(cursor, items)}>
              {busy ? 'Loading…' : `Show ${PAGE} more`}
            </button>
          )}
        </div>
      )}
    </Dialog>
  );
}

function valueHeader(def: MetricDef): string {
  switch (def.id) {
    case 'volume': return 'Created at';
    case 'backlog': return 'Status, age at the end';
    case 'reopen_rate': return 'Reopened?';
    case 'one_touch_rate': return 'One touch?';
    case 'response_rate': return 'Answered?';
    case 'csat': return 'CSAT (1–5)';
    case 'nps': return 'NPS answer (0–10)';
    case 'ces': return 'CES (1–7)';
    default: return def.label;
  }
}

function whenHeader(def: MetricDef): string {
  switch (def.id) {
    case 'volume': return 'Created';
    case 'backlog': return 'In that status since';
    case 'response_rate': return 'Survey sent';
    case 'csat': case 'nps': case 'ces': return 'Answered';
    case 'first_response': case 'next_reply': return 'Replied';
    default: return 'Resolved';
  }
}

/** The moment an item counts at (for the backlog: since when the ticket waits in its status). */
function when(def: MetricDef, it: DrillItem): string | null {
  return def.id === 'backlog' ? it.since ?? null : it.at;
}

function shortTime(iso: string, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(Date.parse(iso));
}

/** An item's value as the figure counts it. */
export function itemValue(def: MetricDef, it: DrillItem, clock: Clock, tz: string): string {
  if (def.kind === 'duration') {
    const v = clock === 'business' ? it.business ?? null : (it.value as number);
    const other = clock === 'business' ? (it.value as number) : it.business ?? null;
    return `${formatDuration(v)} (${clock === 'business' ? 'calendar' : 'business'}: ${formatDuration(other)})`;
  }
  if (typeof it.value === 'boolean') return it.value ? 'Yes' : 'No';
  if (def.id === 'backlog') return `${it.status === 'pending' ? 'Pending' : 'Open'}, ${formatDuration(it.value)}`;
  if (def.id === 'volume') return it.created_at ? shortTime(it.created_at, tz) : '—';
  return String(it.value);
}

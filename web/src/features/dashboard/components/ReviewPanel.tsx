// The review queue: each resolution that did not stick, with the customer's words; the supervisor
// picks a root cause from the editable list, notes the action taken and marks it reviewed.
// Below it, the root-cause counts for the dashboard's period, as a table and over time.
import { useEffect, useState } from 'preact/hooks';
import { ErrorNote, errorText } from '@/components/ui/ErrorNote';
import { TimeAgo } from '@/components/ui/TimeAgo';
import { toast } from '@/components/ui/Toasts';
import { href, navigate } from '@/lib/router';
import { causeStats, listCauses, listReviews, updateReview, type CauseStats, type ReviewCause, type ReviewItem } from '../api/reviews';
import { causeRows, causeTrend, reviewWhat } from '../state/review';
import { CausesManager } from './CausesManager';
import { CauseTrend } from './CauseTrend';

export interface ReviewPanelProps {
  period: { from: string; to: string; tz: string; interval: 'day' | 'week' | 'month' } | null;
}

export function ReviewPanel({ period }: ReviewPanelProps) {
  const [state, setState] = useState<'open' | 'reviewed'>('open');
  const [items, setItems] = useState<ReviewItem[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [causes, setCauses] = useState<ReviewCause[]>([]);
  const [stats, setStats] = useState<CauseStats | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [seq, setSeq] = useState(0);

  useEffect(() => {
    let alive = true;
    Promise.all([listReviews(state), listCauses()]).then(
      ([r, c]) => {
        if (!alive) return;
        setItems(r.items);
        setNext(r.next_after);
        setCauses(c);
        setError(null);
      },
      (e) => alive && setError(e),
    );
    return () => {
      alive = false;
    };
  }, [state, seq]);
  const periodKey = period ? `${period.from}|${period.to}|${period.tz}|${period.interval}` : '';
  useEffect(() => {
    if (!period) return;
    let alive = true;
    causeStats(period.from, period.to, period.tz, period.interval).then((s) => alive && setStats(s), (e) => alive && setError(e));
    return () => {
      alive = false;
    };
  }, [periodKey, seq]);

  const save = async (id: number, patch: Parameters<typeof updateReview>[1], done: string) => {
    try {
      await updateReview(id, patch);
      toast({ text: done, tone: 'success' });
      setSeq((s) => s + 1);
    } catch (e) {
      toast({ text: errorText(e), tone: 'error' });
    }
  };
  const loadMore = async () => {
    if (next === null) return;
    setLoadingMore(true);
    try {
      const page = await listReviews(state, next);
      setItems((prev) => [...(prev ?? []), ...page.items.filter((it) => !prev?.some((p) => p.id === it.id))]);
      setNext(page.next_after);
    } catch (e) {
      toast({ text: errorText(e), tone: 'error' });
    } finally {
      setLoadingMore(false);
    }
  };
  const trend = stats ? causeTrend(stats) : null;

  return (
    <div class="review">
      <ErrorNote error={error} />
      <div class="dash__bar">
        <label class="inline"><span>Show</span>
          <select value={state} onChange={(e) => setState(e.currentTarget.value as 'open' | 'reviewed')}>
            <option value="open">To review</option>
            <option value="reviewed">Reviewed</option>
          </select>
        </label>
        <button type="button" class="btn btn--small" onClick={() => setSeq((s) => s + 1)}>Refresh</button>
      </div>
      {items === null ? !error && <p class="loading">Loading…</p> : items.length === 0 ? (
        <p class="muted">{state === 'open' ? 'Nothing to review.' : 'Nothing reviewed yet.'}</p>
      ) : (
        <ul class="review__list">
          {items.map((it) => <ReviewRow key={it.id} item={it} causes={causes} onSave={save} />)}
        </ul>
      )}
      {next !== null && items && items.length > 0 && (
        <button type="button" class="btn btn--small" disabled={loadingMore} onClick={() => void loadMore()}>
          {loadingMore ? 'Loading…' : 'Show older items'}
        </button>
      )}
      <CausesManager causes={causes} onChange={() => setSeq((s) => s + 1)} />
      <h3>Root causes in this period</h3>
      {stats && (
        <table class="review__counts">
          <caption class="visually-hidden">Review items per root cause, {stats.total} in all</caption>
          <thead><tr><th scope="col">Root cause</th><th scope="col">Items</th><th scope="col">Share</th></tr></thead>
          <tbody>
            {causeRows(stats).map((r) => (
              <tr key={r.name}><th scope="row">{r.name}</th><td class="num">{r.count}</td><td class="num">{r.share}</td></tr>
            ))}
          </tbody>
          <tfoot><tr><th scope="row">Total</th><td class="num">{stats.total}</td><td /></tr></tfoot>
        </table>
      )}
      {trend && period && (
        <>
          <h3>Root causes over time</h3>
          <CauseTrend starts={trend.starts} rows={trend.rows} interval={stats!.interval ?? period.interval} tz={period.tz} />
        </>
      )}
    </div>
  );
}

function ReviewRow({ item, causes, onSave }: {
  item: ReviewItem;
  causes: ReviewCause[];
  onSave: (id: number, patch: { cause_id?: number | null; action_taken?: string; state?: 'open' | 'reviewed' }, done: string) => void;
}) {
  const [cause, setCause] = useState(item.cause ? String(item.cause.id) : '');
  const [action, setAction] = useState(item.action_taken ?? '');
  const base = `review-${item.id}`;
  const patch = () => ({ cause_id: cause ? Number(cause) : null, action_taken: action });
  const go = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(`/tickets/${item.ticket.id}`);
  };
  return (
    <li class="review__item" aria-labelledby={`${base}-title`}>
      <p id={`${base}-title`} class="review__title">
        <a href={href(`/tickets/${item.ticket.id}`)} onClick={go}>#{item.ticket.id} {item.ticket.subject}</a>
      </p>
      <p class="review__meta">
        <strong>{reviewWhat(item)}</strong> · {item.customer.name || item.customer.email}
        {item.agent && <> · agent {item.agent.name}</>} · <TimeAgo iso={item.created_at} />
      </p>
      {item.comment ? <blockquote class="review__comment">{item.comment}</blockquote> : <p class="muted">No comment.</p>}
      <div class="review__form">
        <label><span>Root cause</span>
          <select id={`${base}-cause`} value={cause} onChange={(e) => setCause(e.currentTarget.value)}>
            <option value="">Not set</option>
            {causes.map((c) => <option key={c.id} value={String(c.id)}>{c.name}</option>)}
          </select>
        </label>
        <label><span>Action taken</span>
          <textarea rows={2} maxLength={5000} value={action} onInput={(e) => setAction(e.currentTarget.value)} />
        </label>
        <span class="review__buttons">
          <button type="button" class="btn btn--small" onClick={() => onSave(item.id, patch(), `Review #${item.id} saved.`)}>
            Save<span class="visually-hidden"> review of ticket {item.ticket.id}</span>
          </button>
          {item.state === 'open' ? (
            <button type="button" class="btn btn--small btn--primary"
              onClick={() => onSave(item.id, { ...patch(), state: 'reviewed' }, `Review of ticket #${item.ticket.id} marked reviewed.`)}>
              Mark reviewed<span class="visually-hidden"> (ticket {item.ticket.id})</span>
            </button>
          ) : (
            <button type="button" class="btn btn--small" onClick={() => onSave(item.id, { state: 'open' }, `Review #${item.id} reopened.`)}>
              Reopen review<span class="visually-hidden"> (ticket {item.ticket.id})</span>
            </button>
          )}
        </span>
      </div>
      {item.state === 'reviewed' && item.reviewed_by && (
        <p class="muted">Reviewed by {item.reviewed_by.name}{item.reviewed_at && <> · <TimeAgo iso={item.reviewed_at} /></>}</p>
      )}
    </li>
  );
}

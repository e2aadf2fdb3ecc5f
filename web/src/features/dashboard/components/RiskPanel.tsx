// Customers at risk: who, why (in words, with the tickets behind it) and a form to record an
// outreach and its outcome.
import { useEffect, useState } from 'preact/hooks';
import { ErrorNote, errorText } from '@/components/ui/ErrorNote';
import { TimeAgo } from '@/components/ui/TimeAgo';
import { toast } from '@/components/ui/Toasts';
import { href, navigate } from '@/lib/router';
import { listAtRisk, recordOutreach, type AtRisk, type AtRiskList, type Outcome } from '../api/risk';
import { OUTCOMES, outcomeLabel, reasonsText } from '../state/risk';

export function RiskPanel() {
  const [list, setList] = useState<AtRiskList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [seq, setSeq] = useState(0);
  useEffect(() => {
    let alive = true;
    listAtRisk().then((l) => alive && (setList(l), setError(null)), (e) => alive && setError(e));
    return () => {
      alive = false;
    };
  }, [seq]);
  return (
    <div class="risk">
      <ErrorNote error={error} />
      {list === null ? !error && <p class="loading">Loading…</p> : list.items.length === 0 ? (
        <p class="muted">No customer at risk in the last {list.days} days.</p>
      ) : (
        <>
          <p class="muted">{list.total} customer{list.total === 1 ? '' : 's'} with signals in the last {list.days} days, highest score first.</p>
          <ul class="review__list">
            {list.items.map((c) => <RiskRow key={c.customer.id} item={c} onDone={() => setSeq((s) => s + 1)} />)}
          </ul>
        </>
      )}
    </div>
  );
}

function RiskRow({ item, onDone }: { item: AtRisk; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [outcome, setOutcome] = useState<Outcome>('reached');
  const c = item.customer;
  const tickets = [...new Set(item.reasons.flatMap((r) => r.ticket_ids))].slice(0, 5);
  const go = (id: number) => (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate(`/tickets/${id}`);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!note.trim()) return;
    try {
      await recordOutreach(c.id, note.trim(), outcome);
      setNote('');
      toast({ text: `Outreach to ${c.name || c.email} recorded.`, tone: 'success' });
      onDone();
    } catch (err) {
      toast({ text: errorText(err), tone: 'error' });
    }
  };
  const id = `risk-${c.id}`;
  return (
    <li class="review__item" aria-labelledby={`${id}-name`}>
      <p id={`${id}-name`} class="review__title">{c.name || c.email}{c.organization && <span class="muted"> · {c.organization}</span>}</p>
      <p class="review__meta"><strong>Score {item.score}</strong>: {reasonsText(item.reasons)} · last signal <TimeAgo iso={item.last_signal_at} /></p>
      {tickets.length > 0 && (
        <p class="review__meta">Tickets: {tickets.map((t, i) => (
          <span key={t}>{i > 0 && ', '}<a href={href(`/tickets/${t}`)} onClick={go(t)}>#{t}</a></span>
        ))}</p>
      )}
      <p class="muted">{item.last_outreach
        ? <>Last outreach: {outcomeLabel(item.last_outreach.outcome)} by {item.last_outreach.by.name}, <TimeAgo iso={item.last_outreach.created_at} /> — {item.last_outreach.note}</>
        : 'No outreach yet.'}</p>
      <form class="review__form" onSubmit={submit} aria-label={`Outreach to ${c.name || c.email}`}>
        <label><span>Outreach note</span>
          <textarea rows={2} maxLength={5000} required value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
        <label><span>Outcome</span>
          <select value={outcome} onChange={(e) => setOutcome(e.currentTarget.value as Outcome)}>
            {OUTCOMES.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </label>
        <button type="submit" class="btn btn--small">Record outreach</button>
      </form>
    </li>
  );
}

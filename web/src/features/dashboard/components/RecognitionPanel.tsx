// Recognition: per-agent CSAT with its interval and n, first response median, one-touch rate,
// the fair rank group, and a "send kudos" action.
import { useEffect, useState } from 'preact/hooks';
import { ErrorNote, errorText } from '@/components/ui/ErrorNote';
import { toast } from '@/components/ui/Toasts';
import { getRecognition, sendKudos, type Recognition } from '../api/recognition';
import { formatDuration, formatInterval, formatPercent } from '../state/format';
import { rankText } from '../state/recognition';

export function RecognitionPanel({ period, clock }: { period: { from: string; to: string } | null; clock: 'business' | 'calendar' }) {
  const [data, setData] = useState<Recognition | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [kudosFor, setKudosFor] = useState('');
  const [message, setMessage] = useState('');
  const key = period ? `${period.from}|${period.to}` : '';
  useEffect(() => {
    if (!period) return;
    let alive = true;
    getRecognition(period.from, period.to).then((d) => alive && (setData(d), setError(null)), (e) => alive && setError(e));
    return () => {
      alive = false;
    };
  }, [key]);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!kudosFor || !message.trim()) return;
    try {
      await sendKudos(Number(kudosFor), message.trim());
      setMessage('');
      toast({ text: 'Kudos sent.', tone: 'success' });
    } catch (err) {
      toast({ text: errorText(err), tone: 'error' });
    }
  };
  if (!data) return <><ErrorNote error={error} />{!error && <p class="loading">Loading…</p>}</>;
  return (
    <div class="recognition">
      <ErrorNote error={error} />
      <div class="recognition__scroll" style={{ overflowX: "auto" }} tabIndex={0} role="region" aria-label="Recognition per agent (scrolls sideways)">
        <table class="review__counts">
          <caption class="visually-hidden">Recognition per agent</caption>
          <thead><tr>
            <th scope="col">Agent</th><th scope="col">Satisfaction % (95% interval, n)</th><th scope="col">First response median</th>
            <th scope="col">One-touch</th><th scope="col">Rank</th>
          </tr></thead>
          <tbody>
            {data.items.map((r) => (
              <tr key={r.agent.id}>
                <th scope="row">{r.agent.name}</th>
                <td>{formatPercent(r.csat.value)} ({formatInterval(r.csat.ci, 'percent')}, n = {r.csat.n})</td>
                <td>{formatDuration(r.first_response[clock].median)}</td>
                <td>{formatPercent(r.one_touch_rate.value)} (n = {r.one_touch_rate.n})</td>
                <td>{rankText(r, data.items, data.min_n_to_rank)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form class="review__form" onSubmit={submit} aria-label="Send kudos">
        <label><span>Kudos to</span>
          <select value={kudosFor} required onChange={(e) => setKudosFor(e.currentTarget.value)}>
            <option value="">Choose an agent</option>
            {data.items.map((r) => <option key={r.agent.id} value={String(r.agent.id)}>{r.agent.name}</option>)}
          </select>
        </label>
        <label><span>Message</span>
          <textarea rows={2} maxLength={2000} required value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn btn--small">Send kudos</button>
      </form>
    </div>
  );
}

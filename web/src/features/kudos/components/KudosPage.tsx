// "Kudos received": the thanks supervisors sent this agent, newest first, with the ticket they
// were for; new kudos appear at the top while the page is open (the live stream's `kudos`).
import { useEffect, useState } from 'preact/hooks';
import { ErrorNote } from '@/components/ui/ErrorNote';
import { TimeAgo } from '@/components/ui/TimeAgo';
import { onLive, type Kudos } from '@/lib/events';
import { href, navigate } from '@/lib/router';
import { myKudos } from '../api/kudos';
import { mergeKudos } from '../state/merge';
import './kudos.css';

export function KudosPage() {
  const [items, setItems] = useState<Kudos[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = async (before?: number) => {
    setLoading(true);
    try {
      const page = await myKudos(before);
      setItems((prev) => mergeKudos(before ? prev ?? [] : [], page.items));
      setNext(page.next_before);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load();
    return onLive({ kudos: (k) => setItems((prev) => mergeKudos([k], prev ?? [])) });
  }, []);

  return (
    <section class="kudos" aria-labelledby="kudos-title">
      <h1 id="kudos-title">Kudos received</h1>
      <ErrorNote error={error} />
      {items === null && !error && <p class="loading" role="status">Loading…</p>}
      {items?.length === 0 && (
        <p class="muted">No kudos yet. When a supervisor thanks you for your work, it shows here.</p>
      )}
      {items && items.length > 0 && (
        <ol class="kudos__list">
          {items.map((k) => (
            <li key={k.id} class="kudos__item">
              <p class="kudos__message">{k.message}</p>
              <p class="kudos__meta muted">
                From {k.from.name}, <TimeAgo iso={k.created_at} />
                {k.ticket_id !== null && (
                  <>
                    {' · '}
                    <a href={href(`/tickets/${k.ticket_id}`)} onClick={(e) => {
                      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                      e.preventDefault();
                      navigate(`/tickets/${k.ticket_id}`);
                    }}>
                      Ticket #{k.ticket_id}
                    </a>
                  </>
                )}
              </p>
            </li>
          ))}
        </ol>
      )}
      {next !== null && (
        <button type="button" class="btn" disabled={loading} onClick={() => void load(next)}>
          {loading ? 'Loading…' : 'Load older kudos'}
        </button>
      )}
    </section>
  );
}

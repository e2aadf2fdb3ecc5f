// Operational health: background jobs that failed for good and inbound mail held in quarantine,
// with the actions to take on them (both need an admin; the API refuses anyone else).
import { useEffect, useState } from 'preact/hooks';
import { ErrorNote, errorText } from '@/components/ui/ErrorNote';
import { TimeAgo } from '@/components/ui/TimeAgo';
import { toast } from '@/components/ui/Toasts';
import { href, navigate } from '@/lib/router';
import type { Job } from '@/lib/types';
import { dropMail, listDeadJobs, listQuarantine, releaseMail, retryJob, type QuarantinedMail } from '../api/health';

const SHOWN = 5;

export function HealthPanel({ admin }: { admin: boolean }) {
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [mail, setMail] = useState<{ items: QuarantinedMail[]; more: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [seq, setSeq] = useState(0);

  useEffect(() => {
    if (!admin) return;
    let alive = true;
    Promise.all([listDeadJobs(), listQuarantine()]).then(
      ([j, q]) => {
        if (!alive) return;
        setJobs(j);
        setMail({ items: q.items, more: q.next_after !== null && q.next_after !== undefined });
        setError(null);
      },
      (e) => alive && setError(e),
    );
    return () => {
      alive = false;
    };
  }, [admin, seq]);

  if (!admin) {
    return <p class="muted">Failed background jobs and quarantined mail are handled by admins (Administration → Failed jobs).</p>;
  }
  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      toast({ text: done, tone: 'success' });
      setSeq((s) => s + 1);
    } catch (e) {
      toast({ text: errorText(e), tone: 'error' });
    }
  };
  const goJobs = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    navigate('/admin/jobs');
  };

  return (
    <div class="health">
      <ErrorNote error={error} />
      <div class="health__part">
        <h3>Dead jobs: <span class="health__count" data-count={jobs?.length ?? ''}>{jobs === null ? '…' : jobs.length >= 200 ? '200 or more' : jobs.length}</span></h3>
        <p class="muted">Work that failed after every retry, such as a survey or notification mail that could not be sent.</p>
        {jobs && jobs.length > 0 && (
          <ul class="health__list">
            {jobs.slice(0, SHOWN).map((j) => (
              <li key={j.id}>
                <span><strong>#{j.id} {j.kind}</strong>{typeof j.payload.ticket_id === 'number' && <> · ticket #{j.payload.ticket_id}</>} · <TimeAgo iso={j.updated_at} /></span>
                <span class="health__error">{j.last_error ?? 'no error recorded'}</span>
                <button type="button" class="btn btn--small" onClick={() => act(() => retryJob(j.id), `Job #${j.id} queued again.`)}>
                  Retry<span class="visually-hidden"> job {j.id}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <a href={href('/admin/jobs')} onClick={goJobs}>All failed jobs</a>
      </div>
      <div class="health__part">
        <h3>Quarantined mail: <span class="health__count" data-count={mail?.items.length ?? ''}>{mail === null ? '…' : `${mail.items.length}${mail.more ? ' or more' : ''}`}</span></h3>
        <p class="muted">Inbound mail held back (suspected spam or unreadable): release it to file it as a ticket or reply, or drop it.</p>
        {mail && mail.items.length > 0 && (
          <ul class="health__list">
            {mail.items.slice(0, SHOWN).map((m) => (
              <li key={m.id}>
                <span><strong>{m.subject || '(no subject)'}</strong> · {m.sender || 'unknown sender'} · <TimeAgo iso={m.received_at} /></span>
                <span class="health__error">{m.reason ?? ''}</span>
                <span class="health__actions">
                  <button type="button" class="btn btn--small" onClick={() => act(() => releaseMail(m.id), `Mail #${m.id} released.`)}>
                    Release<span class="visually-hidden"> mail {m.id}</span>
                  </button>
                  <button type="button" class="btn btn--small btn--danger" onClick={() => act(() => dropMail(m.id), `Mail #${m.id} dropped.`)}>
                    Drop<span class="visually-hidden"> mail {m.id}</span>
                  </button>
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <button type="button" class="btn btn--small" onClick={() => setSeq((s) => s + 1)}>Refresh</button>
    </div>
  );
}

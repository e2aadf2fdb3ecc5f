// Failed background jobs (mail that could not be sent, ...) with retry, and the other states.
import { useState } from 'preact/hooks';
import { ErrorNote, errorText } from '@/components/ui/ErrorNote';
import { TimeAgo } from '@/components/ui/TimeAgo';
import { toast } from '@/components/ui/Toasts';
import { listJobs, retryJob } from '../api/admin';
import { useLoad } from '../state/useLoad';

const STATES = ['dead', 'queued', 'running', 'done', 'cancelled'];

export function JobsAdmin() {
  const [state, setState] = useState('dead');
  const jobs = useLoad(() => listJobs(state), [state]);
  return (
    <>
      <h1>Background jobs</h1>
      <p class="muted">Jobs that failed for good (after every retry) are <strong>dead</strong>: mail that could not be sent shows up here. Retry once the cause is fixed.</p>
      <div class="form-row">
        <label><span>State</span>
          <select value={state} onChange={(e) => setState(e.currentTarget.value)}>
            {STATES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <button type="button" class="btn btn--small" onClick={jobs.reload}>Refresh</button>
      </div>
      <ErrorNote error={jobs.error} />
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">Jobs in state {state}</caption>
          <thead><tr><th scope="col">Job</th><th scope="col">Kind</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Updated</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {(jobs.data ?? []).map((j) => (
              <tr key={j.id}>
                <td>#{j.id}{typeof j.payload.ticket_id === 'number' && <> (ticket #{j.payload.ticket_id})</>}</td>
                <td>{j.kind}</td>
                <td>{j.attempts}</td>
                <td>{j.last_error ?? '—'}</td>
                <td><TimeAgo iso={j.updated_at} /></td>
                <td>
                  {j.state === 'dead' && (
                    <button type="button" class="btn btn--small" onClick={async () => {
                      try {
                        await retryJob(j.id);
                        toast({ text: `Job #${j.id} queued again.`, tone: 'success' });
                        jobs.reload();
                      } catch (e) {
                        toast({ text: errorText(e), tone: 'error' });
                      }
                    }}>Retry <span class="visually-hidden">job {j.id}</span></button>
                  )}
                </td>
              </tr>
            ))}
            {jobs.data?.length === 0 && <tr><td colSpan={6} class="muted">No {state} jobs.</td></tr>}
          </tbody>
        </table>
      </div>
    </>
  );
}

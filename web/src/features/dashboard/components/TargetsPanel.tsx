// The published targets, per KPI and optionally per team, edited through the KPI targets API.
// A change reloads the figures, so each card says at once whether it is met.
import { useState } from 'preact/hooks';
import { ErrorNote, errorText } from '@/components/ui/ErrorNote';
import { toast } from '@/components/ui/Toasts';
import { ApiError } from '@/lib/api';
import { teamName, teams as teamStore } from '@/lib/directory';
import { useStore } from '@/lib/store';
import { deleteTarget, putTarget } from '../api/kpis';
import { formatTarget, targetFigures, targetLabel, targetMetric } from '../state/metrics';
import type { KpiTarget } from '../state/types';

const UNITS = [
  { value: '60', label: 'minutes' },
  { value: '3600', label: 'hours' },
  { value: '86400', label: 'days' },
];

export function TargetsPanel({ targets, error, onChanged }: { targets: KpiTarget[] | null; error: unknown; onChanged(): void }) {
  const teams = useStore(teamStore).filter((t) => t.active);
  const figures = targetFigures();
  const [figure, setFigure] = useState(figures[0].figure);
  const [team, setTeam] = useState('');
  const [value, setValue] = useState('');
  const [unit, setUnit] = useState('3600');
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const kind = figures.find((f) => f.figure === figure)?.kind ?? 'duration';

  const edit = (t: KpiTarget) => {
    setFigure(t.figure);
    setTeam(t.team_id === null ? '' : String(t.team_id));
    if (targetMetric(t.figure)?.kind === 'duration') {
      const u = t.value % 86_400 === 0 && t.value > 0 ? '86400' : t.value % 3600 === 0 && t.value > 0 ? '3600' : '60';
      setUnit(u);
      setValue(String(t.value / Number(u)));
    } else setValue(String(t.value));
    document.getElementById('target-value')?.focus();
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const n = Number(value.replace(',', '.'));
    if (value.trim() === '' || !Number.isFinite(n)) {
      setFieldErrors({ value: 'Enter a number.' });
      return;
    }
    setBusy(true);
    try {
      const seconds = kind === 'duration' ? Math.round(n * Number(unit)) : n;
      await putTarget({ figure, value: seconds, team_id: team ? Number(team) : null });
      setFieldErrors({});
      setValue('');
      toast({ text: `Target saved: ${targetLabel(figure)}${team ? ` for ${teamName(Number(team))}` : ''}.`, tone: 'success' });
      onChanged();
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fieldErrors()).length) setFieldErrors(err.fieldErrors());
      else toast({ text: errorText(err), tone: 'error' });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (t: KpiTarget) => {
    try {
      await deleteTarget(t.id);
      toast({ text: `Target removed: ${targetLabel(t.figure)}.`, tone: 'success' });
      onChanged();
    } catch (err) {
      toast({ text: errorText(err), tone: 'error' });
    }
  };

  const unitHint = kind === 'percent' ? '% (0–100)' : kind === 'nps' ? '(−100 to 100)' : kind === 'mean' ? '(1–7)' : '';
  return (
    <>
      <ErrorNote error={error} />
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">Targets in force</caption>
          <thead><tr><th scope="col">Figure</th><th scope="col">Applies to</th><th scope="col">Target</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {(targets ?? []).map((t) => {
              const def = targetMetric(t.figure);
              return (
                <tr key={t.id} data-target={t.figure}>
                  <td>{targetLabel(t.figure)}</td>
                  <td>{t.team_id === null ? 'Everyone' : teamName(t.team_id)}</td>
                  <td>{def ? formatTarget(def, t.value) : t.value}</td>
                  <td class="actions">
                    <button type="button" class="btn btn--small" onClick={() => edit(t)}>Edit<span class="visually-hidden"> {targetLabel(t.figure)}</span></button>
                    <button type="button" class="btn btn--small btn--danger" onClick={() => remove(t)}>Remove<span class="visually-hidden"> {targetLabel(t.figure)}</span></button>
                  </td>
                </tr>
              );
            })}
            {targets?.length === 0 && <tr><td colSpan={4} class="muted">No targets yet: set the first one below.</td></tr>}
          </tbody>
        </table>
      </div>
      <form class="form-row targets__form" onSubmit={save}>
        <label><span>Figure</span>
          <select value={figure} onChange={(e) => { setFigure(e.currentTarget.value); setFieldErrors({}); }}>
            {figures.map((f) => <option key={f.figure} value={f.figure}>{f.label}</option>)}
          </select>
        </label>
        <label><span>Applies to</span>
          <select value={team} onChange={(e) => setTeam(e.currentTarget.value)}>
            <option value="">Everyone</option>
            {teams.map((t) => <option key={t.id} value={String(t.id)}>{t.name}</option>)}
          </select>
        </label>
        <label><span>Target {unitHint}</span>
          <input id="target-value" inputMode="decimal" size={8} value={value} aria-invalid={!!fieldErrors.value}
            aria-describedby={fieldErrors.value ? 'target-value-error' : undefined}
            onInput={(e) => setValue(e.currentTarget.value)} />
        </label>
        {kind === 'duration' && (
          <label><span>Unit</span>
            <select value={unit} onChange={(e) => setUnit(e.currentTarget.value)}>
              {UNITS.map((u) => <option key={u.value} value={u.value}>{u.label}</option>)}
            </select>
          </label>
        )}
        <button type="submit" class="btn btn--primary" disabled={busy}>Save target</button>
      </form>
      {Object.entries(fieldErrors).map(([field, message]) => (
        <p key={field} id={field === 'value' ? 'target-value-error' : undefined} class="error-note" role="alert">{field}: {message}</p>
      ))}
      <p class="muted">Durations and the reopen rate are met at or below their target, the others at or above it. A team's own target applies to that team's figures; the one for everyone applies elsewhere.</p>
    </>
  );
}

// The figures per agent, team, channel, priority or organisation: a table sortable by any
// column (aria-sort says how), each cell opening the tickets behind it.
import { formatCount } from '../state/format';
import { formatValue, METRICS, sortRows, type MetricDef, type SortDir } from '../state/metrics';
import type { Clock, GroupKey, KpiGroup } from '../state/types';

export interface Sort {
  col: string; // 'group' or a metric id
  dir: SortDir;
}

/** A group key as the table names it (tickets without a value get their own row). */
export function groupName(key: GroupKey | null, by: string): string {
  if (key && key.name) return key.name;
  return { agent: 'Unassigned', team: 'No team', organization: 'No organisation', channel: 'No channel', priority: 'No priority' }[by] ?? '—';
}

/** A group key as the drill-down's `group` parameter. */
export function groupParam(key: GroupKey | null): string {
  if (!key) return 'none';
  if ('id' in key) return key.id === null || key.id === undefined ? 'none' : String(key.id);
  return key.name ?? 'none';
}

/** The rows as shown: sorted by the chosen column. */
export function sortedGroups(groups: KpiGroup[], by: string, sort: Sort, clock: Clock): KpiGroup[] {
  if (sort.col === 'group') return sortRows(groups, (g) => groupName(g.key, by), sort.dir);
  const def = METRICS.find((m) => m.id === sort.col)!;
  return sortRows(groups, (g) => def.read(g.figures, clock, 'median').value, sort.dir);
}

export interface BreakdownProps {
  groups: KpiGroup[];
  by: string;
  byLabel: string;
  clock: Clock;
  sort: Sort;
  onSort(sort: Sort): void;
  onDrill(def: MetricDef, group: KpiGroup): void;
}

export function Breakdown({ groups, by, byLabel, clock, sort, onSort, onDrill }: BreakdownProps) {
  const rows = sortedGroups(groups, by, sort, clock);
  const header = (col: string, text: string) => {
    const active = sort.col === col;
    const next: SortDir = active && sort.dir === 'descending' ? 'ascending' : active ? 'descending' : col === 'group' ? 'ascending' : 'descending';
    return (
      <th scope="col" aria-sort={active ? sort.dir : undefined} key={col}>
        <button type="button" class="sort" onClick={() => onSort({ col, dir: next })}>
          {text}
          <span aria-hidden="true" class="sort__arrow">{active ? (sort.dir === 'ascending' ? ' ▲' : ' ▼') : ' ↕'}</span>
        </button>
      </th>
    );
  };
  return (
    <div class="table-wrap breakdown">
      <table class="table">
        <caption class="visually-hidden">Figures by {byLabel.toLowerCase()}; durations are medians in {clock} time. Column headers sort the table.</caption>
        <thead>
          <tr>
            {header('group', byLabel)}
            {METRICS.map((m) => header(m.id, m.kind === 'duration' ? `${m.label.replace(/ time$/, '')} (median)` : m.label))}
          </tr>
        </thead>
        <tbody>
          {rows.map((g) => {
            const name = groupName(g.key, by);
            return (
              <tr key={groupParam(g.key)} data-group={groupParam(g.key)}>
                <th scope="row">{name}</th>
                {METRICS.map((m) => {
                  const r = m.read(g.figures, clock, 'median');
                  return (
                    <td key={m.id} data-metric={m.id} data-value={r.value ?? ''} data-n={r.n}>
                      <button type="button" class="cell__drill" onClick={() => onDrill(m, g)}>
                        {formatValue(m.kind, r.value)}
                        <span class="visually-hidden">: show the {r.n} {m.unit} of {name}</span>
                      </button>
                      {m.kind !== 'count' && (
                        <span class={r.lowConfidence ? 'cell__n cell__n--low' : 'cell__n'}>
                          n = {formatCount(r.n)}{r.lowConfidence && <> · low<span class="visually-hidden"> confidence</span></>}
                        </span>
                      )}
                      {r.met !== null && (
                        <span class={r.met ? 'cell__met cell__met--yes' : 'cell__met cell__met--no'}>
                          <span aria-hidden="true">{r.met ? '✓' : '✗'}</span> {r.met ? 'met' : 'missed'}
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {rows.length === 0 && <tr><td colSpan={METRICS.length + 1} class="muted">Nothing in this period.</td></tr>}
        </tbody>
      </table>
      <p class="muted dash__note">“low”: fewer than 30 in the sample, low confidence. ✓/✗: the team's or everyone's target met or missed.</p>
    </div>
  );
}

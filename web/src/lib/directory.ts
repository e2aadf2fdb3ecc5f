// Users and teams, loaded once after login and refreshed on demand; shown as names everywhere.
import { apiUrl, get } from './api';
import { createStore } from './store';
import type { Page, Team, User } from './types';

export const users = createStore<User[]>([]);
export const teams = createStore<Team[]>([]);

/** (Re)loads users and teams; failures leave the old lists (names fall back to "#id"). */
export async function loadDirectory(): Promise<void> {
  const [u, t] = await Promise.allSettled([get<Page<User>>(apiUrl('users')), get<Page<Team>>(apiUrl('teams'))]);
  if (u.status === 'fulfilled') users.set(u.value.items);
  if (t.status === 'fulfilled') teams.set(t.value.items);
}

export function userName(id: number | null | undefined): string {
  if (id === null || id === undefined) return 'Unassigned';
  return users.get().find((u) => u.id === id)?.name ?? `User #${id}`;
}

export function teamName(id: number | null | undefined): string {
  if (id === null || id === undefined) return 'No team';
  return teams.get().find((t) => t.id === id)?.name ?? `Team #${id}`;
}

// Admin endpoints: users, teams, API tokens, canned responses, jobs.
import { apiUrl, get, send } from '@/lib/api';
import type { ApiToken, CannedResponse, Job, Page, Role, Team, User } from '@/lib/types';

export const listUsers = async () => (await get<Page<User>>(apiUrl('users'))).items;
export const createUser = (u: { email: string; name: string; role: Role; password: string; team_id: number | null }) =>
  send<User>('POST', apiUrl('users'), u);
export const updateUser = (id: number, patch: Partial<{ name: string; role: Role; team_id: number | null; active: boolean; password: string }>) =>
  send<User>('PATCH', apiUrl(`users/${id}`), patch);
export const deactivateUser = (id: number) => send<User>('DELETE', apiUrl(`users/${id}`));

export const listTeams = async () => (await get<Page<Team>>(apiUrl('teams'))).items;
export const createTeam = (name: string) => send<Team>('POST', apiUrl('teams'), { name });
export const renameTeam = (id: number, name: string) => send<Team>('PATCH', apiUrl(`teams/${id}`), { name });
export const deactivateTeam = (id: number) => send<Team>('DELETE', apiUrl(`teams/${id}`));

export const listTokens = async () => (await get<Page<ApiToken>>(apiUrl('tokens'))).items;
export const createToken = (name: string, role: Role) => send<ApiToken>('POST', apiUrl('tokens'), { name, role });
export const revokeToken = (id: number) => send<void>('DELETE', apiUrl(`tokens/${id}`));

export const listJobs = async (state: string) => (await get<Page<Job>>(apiUrl('jobs', { state }))).items;
export const retryJob = (id: number) => send<Job>('POST', apiUrl(`jobs/${id}/retry`));

export const listCanned = async () => (await get<Page<CannedResponse>>(apiUrl('canned-responses'))).items;
export type CannedInput = { title: string; body: string; status: string | null; priority: string | null; add_tags: string[] };
export const createCanned = (c: CannedInput) => send<CannedResponse>('POST', apiUrl('canned-responses'), c);
export const updateCanned = (id: number, c: Partial<CannedInput>) => send<CannedResponse>('PATCH', apiUrl(`canned-responses/${id}`), c);
export const deleteCanned = (id: number) => send<void>('DELETE', apiUrl(`canned-responses/${id}`));

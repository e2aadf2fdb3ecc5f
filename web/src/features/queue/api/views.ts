// Saved views and view counts (docs/API.md, "The agents' workspace"). A server without the
// saved-views endpoint keeps them in this browser instead.
import { ApiError, apiUrl, get, send } from '@/lib/api';
import type { SavedView } from '../state/views';

export interface ServerCount {
  key: string;
  label: string;
  count: number;
  query?: string;
}

/** The side bar's counts from the server, or null when it has no such endpoint. */
export async function getViewCounts(): Promise<ServerCount[] | null> {
  try {
    return (await get<{ views: ServerCount[] }>(apiUrl('views/counts'))).views;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}

let local = false; // the server has no saved views: keep them in localStorage
const localKey = (userId: number) => `hd.views.${userId}`;

function readLocal(userId: number): SavedView[] {
  try {
    const v = JSON.parse(localStorage.getItem(localKey(userId)) || '[]');
    return Array.isArray(v) ? v.filter((x) => x && typeof x.name === 'string' && typeof x.query === 'string') : [];
  } catch {
    return [];
  }
}

export async function listSavedViews(userId: number): Promise<SavedView[]> {
  if (!local) {
    try {
      return (await get<{ items: SavedView[] }>(apiUrl('saved-views'))).items;
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 405)) throw e;
      local = true;
    }
  }
  return readLocal(userId);
}

export async function createSavedView(userId: number, name: string, query: string): Promise<void> {
  if (!local) {
    try {
      await send('POST', apiUrl('saved-views'), { name, query });
      return;
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 405)) throw e;
      local = true;
    }
  }
  const views = readLocal(userId);
  views.push({ id: `local-${Date.now()}`, name, query });
  localStorage.setItem(localKey(userId), JSON.stringify(views));
}

export async function deleteSavedView(userId: number, id: number | string): Promise<void> {
  if (!local && typeof id === 'number') {
    await send('DELETE', apiUrl(`saved-views/${id}`));
    return;
  }
  localStorage.setItem(localKey(userId), JSON.stringify(readLocal(userId).filter((v) => v.id !== id)));
}

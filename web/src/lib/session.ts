// Who is logged in. Set by the login screen and by the start-up "who am I"; cleared on logout
// and by the API client's one 401 handler.
import { createStore } from './store';
import type { User } from './types';

/** undefined: not known yet (start-up); null: logged out. */
export const currentUser = createStore<User | null | undefined>(undefined);

/** The logged-in user; throws when called before login (a programming error). */
export function me(): User {
  const u = currentUser.get();
  if (!u) throw new Error('no user logged in');
  return u;
}

/** True when the user's role is at least `role`. */
export function hasRole(user: User | null | undefined, role: 'agent' | 'supervisor' | 'admin'): boolean {
  const rank = { agent: 0, supervisor: 1, admin: 2 } as const;
  return !!user && rank[user.role] >= rank[role];
}

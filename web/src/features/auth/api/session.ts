// The session endpoints: log in (cookie + CSRF token), log out, who am I.
import { apiUrl, request, setCsrfToken } from '@/lib/api';
import type { User } from '@/lib/types';

export async function login(email: string, password: string): Promise<User> {
  const r = await request<{ user: User; csrf_token: string }>(apiUrl('session'), {
    method: 'POST',
    body: { email, password },
    quiet401: true,
  });
  setCsrfToken(r.data.csrf_token);
  return r.data.user;
}

export async function logout(): Promise<void> {
  try {
    await request<void>(apiUrl('session'), { method: 'DELETE', quiet401: true });
  } finally {
    setCsrfToken(null);
  }
}

/** The logged-in user, or null without a valid session. */
export async function whoAmI(): Promise<User | null> {
  try {
    return (await request<User>(apiUrl('me'), { quiet401: true })).data;
  } catch (e) {
    if ((e as { status?: number }).status === 401) return null;
    throw e;
  }
}

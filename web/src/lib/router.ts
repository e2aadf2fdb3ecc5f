// Path routing under the app's base (/app/ by default): the server answers every path below it
// with index.html (SPA fallback) and this module picks the screen.
import { createStore } from './store';

/** The app's base path without the trailing slash, e.g. "/app". */
export const BASE = (import.meta.env.BASE_URL || '/').replace(/\/$/, '');

export interface Location {
  path: string; // below BASE, starting with "/"
  query: URLSearchParams;
}

function read(): Location {
  let path = window.location.pathname;
  if (BASE && path.startsWith(BASE)) path = path.slice(BASE.length);
  if (!path.startsWith('/')) path = '/' + path;
  return { path, query: new URLSearchParams(window.location.search) };
}

/** The current location; changes on navigate() and on the browser's back/forward. */
export const location = createStore<Location>(read());

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => location.set(read()));
}

/** The full URL of an app path (for links). */
export function href(path: string): string {
  return BASE + (path.startsWith('/') ? path : '/' + path);
}

/** Goes to an app path ("/tickets/12?x=1"); `replace` keeps the history length. */
export function navigate(path: string, { replace = false } = {}): void {
  const url = href(path);
  if (url === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  location.set(read());
}

/**
 * Matches `path` against a pattern like "/tickets/:id"; returns the parameters or null.
 * Segments are compared literally; ":name" captures one decoded segment.
 */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

// The one API client: JSON in and out, the session's CSRF token on writes, every
// application/problem+json answer turned into one ApiError, and 401 handled in one place.

/** A refused or failed request, decoded from the server's problem+json (RFC 9457). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(detail || code || `HTTP ${status}`);
    this.name = 'ApiError';
  }

  /** Field errors (`errors: [{field, message}]`) keyed by field name. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    const errors = this.body.errors;
    if (Array.isArray(errors)) {
      for (const e of errors) if (e && typeof e.field === 'string') out[e.field] = String(e.message ?? '');
    }
    return out;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Don't call the 401 handler (the login and "who am I" requests handle 401 themselves). */
  quiet401?: boolean;
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  headers: Headers;
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;
const CSRF_KEY = 'hd.csrf';

/**
 * Remembers the session's CSRF token. Kept in localStorage so that a reload and other tabs of
 * the same session have it (the server can't tell it again: it keeps only its hash).
 */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
  try {
    if (token) localStorage.setItem(CSRF_KEY, token);
    else localStorage.removeItem(CSRF_KEY);
  } catch {
    /* storage unavailable: the token lives in memory only */
  }
}

function currentCsrf(): string | null {
  if (csrfToken) return csrfToken;
  try {
    csrfToken = localStorage.getItem(CSRF_KEY);
  } catch {
    csrfToken = null;
  }
  return csrfToken;
}

/** The one place that reacts to an expired or missing session (the app shows the login). */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

/** Builds `/api/v1/<path>?query` dropping empty values; arrays repeat the parameter. */
export function apiUrl(path: string, query: Record<string, unknown> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => params.append(k, String(x)));
    else params.append(k, String(v));
  }
  const qs = params.toString();
  return `/api/v1/${path.replace(/^\//, '')}${qs ? '?' + qs : ''}`;
}

/** Sends one request; resolves with the decoded body or rejects with an ApiError. */
export async function request<T>(url: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const token = currentCsrf();
    if (token) headers['X-CSRF-Token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'The server could not be reached. Check the connection and try again.');
  }
  const text = res.status === 204 ? '' : await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!res.ok) {
    const p = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const err = new ApiError(
      res.status,
      typeof p.code === 'string' ? p.code : `http_${res.status}`,
      typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : `The server answered ${res.status}.`,
      p,
    );
    // No session, or a session whose CSRF token this browser lost: log in again (one place).
    const relogin = res.status === 401 || (res.status === 403 && err.code === 'csrf_missing');
    if (relogin && !opts.quiet401 && onUnauthenticated) onUnauthenticated();
    throw err;
  }
  return { data: body as T, status: res.status, headers: res.headers };
}

/** GET returning the body only. */
export async function get<T>(url: string, signal?: AbortSignal): Promise<T> {
  return (await request<T>(url, { signal })).data;
}

/** A write returning the body only. */
export async function send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  return (await request<T>(url, { method, body, headers })).data;
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiUrl, request, setCsrfToken, setUnauthenticatedHandler } from './api';

function answer(status: number, body: unknown, type = 'application/problem+json') {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthenticatedHandler(null);
  setCsrfToken(null);
});

describe('apiUrl', () => {
  it('drops empty values and repeats arrays', () => {
    expect(apiUrl('tickets', { status: ['open', 'pending'], q: '', assignee: 'me', cursor: undefined, limit: 50 }))
      .toBe('/api/v1/tickets?status=open&status=pending&assignee=me&limit=50');
  });
});

describe('request', () => {
  it('turns problem+json into one ApiError with the field errors', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => answer(422, {
      status: 422, code: 'invalid_request', detail: 'Field email is missing.', errors: [{ field: 'email', message: 'is required' }],
    })));
    const err = await request('/api/v1/users', { method: 'POST', body: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.code).toBe('invalid_request');
    expect(err.message).toBe('Field email is missing.');
    expect(err.fieldErrors()).toEqual({ email: 'is required' });
  });

  it('explains a server that cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    const err = await request('/api/v1/me').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(0);
    expect(err.detail).toMatch(/could not be reached/);
  });

  it('sends the CSRF token on writes only', async () => {
    const fetchMock = vi.fn(async () => answer(200, { ok: true }, 'application/json'));
    vi.stubGlobal('fetch', fetchMock);
    setCsrfToken('tok123');
    await request('/api/v1/tickets');
    await request('/api/v1/tickets/1', { method: 'PATCH', body: { priority: 'high' } });
    const calls = fetchMock.mock.calls as unknown as [string, RequestInit][];
    expect((calls[0][1].headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined();
    expect((calls[1][1].headers as Record<string, string>)['X-CSRF-Token']).toBe('tok123');
    expect((calls[1][1].headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('calls the one 401 handler, unless the caller handles 401 itself', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => answer(401, { status: 401, code: 'unauthenticated', detail: 'Log in.' })));
    const handler = vi.fn();
    setUnauthenticatedHandler(handler);
    await expect(request('/api/v1/tickets')).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(handler).toHaveBeenCalledTimes(1);
    await expect(request('/api/v1/me', { quiet401: true })).rejects.toBeInstanceOf(ApiError);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('asks for a new login when the CSRF token was lost', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => answer(403, { status: 403, code: 'csrf_missing', detail: 'Send the csrf_token.' })));
    const handler = vi.fn();
    setUnauthenticatedHandler(handler);
    await expect(request('/api/v1/tickets/1/status', { method: 'POST', body: {} })).rejects.toMatchObject({ status: 403 });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('keeps the CSRF token for a reload and other tabs', () => {
    setCsrfToken('abc');
    expect(localStorage.getItem('hd.csrf')).toBe('abc');
    setCsrfToken(null);
    expect(localStorage.getItem('hd.csrf')).toBeNull();
  });

  it('decodes a 204 as no body', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })));
    const r = await request('/api/v1/session', { method: 'DELETE' });
    expect(r.status).toBe(204);
    expect(r.data).toBeUndefined();
  });
});

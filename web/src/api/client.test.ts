import { describe, expect, it, vi } from 'vitest';
import { ApiError, createClient } from './client';
import { createMemorySessionStore, type Session } from './session';

const user = { userId: 'u1', email: 'a@b.c', name: 'A', roles: ['attendee' as const] };

function session(n: number, expiresAt: number): Session {
  return { accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresAt, user };
}

function json(status: number, body: unknown, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
}

/// A fake admit that rotates refresh tokens like the real one: each works once, reuse is 401.
function fakeServer(opts: { accessOk?: (token: string) => boolean } = {}) {
  let issued = 1;
  const live = new Set(['refresh-1']);
  const used = new Set<string>();
  const refreshCalls: string[] = [];
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    await new Promise((r) => setTimeout(r, 5));
    if (url === '/api/auth/refresh') {
      const { refreshToken } = JSON.parse(String(init!.body)) as { refreshToken: string };
      refreshCalls.push(refreshToken);
      if (!live.has(refreshToken) || used.has(refreshToken)) {
        live.clear();
        return json(
          401,
          { type: 'urn:admit:problem:unauthenticated', title: 'x', status: 401, detail: 'reused' },
          'application/problem+json',
        );
      }
      used.add(refreshToken);
      issued += 1;
      live.add(`refresh-${issued}`);
      return json(200, {
        user,
        accessToken: `access-${issued}`,
        refreshToken: `refresh-${issued}`,
        tokenType: 'Bearer',
        expiresIn: 900,
      });
    }
    const auth = new Headers(init?.headers).get('authorization') ?? '';
    const token = auth.replace('Bearer ', '');
    const ok = opts.accessOk ? opts.accessOk(token) : token !== 'access-1';
    if (!ok)
      return json(
        401,
        { type: 'urn:admit:problem:unauthenticated', title: 'x', status: 401, detail: 'expired' },
        'application/problem+json',
      );
    return json(200, { url, token });
  });
  return { fetch, refreshCalls };
}

describe('token refresh', () => {
  it('shares one refresh among concurrent requests when the access token expired', async () => {
    const now = 1_000_000;
    const store = createMemorySessionStore(session(1, now - 1));
    const server = fakeServer();
    const client = createClient({ store, fetch: server.fetch, now: () => now, locks: null });

    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => client.request<{ token: string }>(`/api/thing/${i}`)));

    expect(server.refreshCalls).toEqual(['refresh-1']);
    expect(results.every((r) => r.token === 'access-2')).toBe(true);
    expect(store.load()?.refreshToken).toBe('refresh-2');
  });

  it('refreshes once when several requests get 401 for a token the clock thought valid', async () => {
    const now = 1_000_000;
    const store = createMemorySessionStore(session(1, now + 600_000));
    const server = fakeServer();
    const client = createClient({ store, fetch: server.fetch, now: () => now, locks: null });

    const results = await Promise.all([1, 2, 3, 4].map((i) => client.request<{ token: string }>(`/api/x/${i}`)));

    expect(server.refreshCalls).toEqual(['refresh-1']);
    expect(results.map((r) => r.token)).toEqual(['access-2', 'access-2', 'access-2', 'access-2']);
  });

  it('uses the rotated token for the next refresh, never the used one', async () => {
    let now = 1_000_000;
    const store = createMemorySessionStore(session(1, now - 1));
    const server = fakeServer();
    const client = createClient({ store, fetch: server.fetch, now: () => now, locks: null });

    await client.request('/api/a');
    now += 901_000;
    await client.request('/api/b');

    expect(server.refreshCalls).toEqual(['refresh-1', 'refresh-2']);
    expect(store.load()?.accessToken).toBe('access-3');
  });

  it('ends the session when the refresh token is refused, and the request fails with 401', async () => {
    const now = 1_000_000;
    const store = createMemorySessionStore({ ...session(1, now - 1), refreshToken: 'stolen-and-used' });
    const server = fakeServer();
    const client = createClient({ store, fetch: server.fetch, now: () => now, locks: null });

    const error = await client.request('/api/me').catch((e: unknown) => e);

    expect(store.load()).toBeNull();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
  });

  it('runs refreshes under the cross-tab lock', async () => {
    const now = 1_000_000;
    const store = createMemorySessionStore(session(1, now - 1));
    const server = fakeServer();
    const names: string[] = [];
    const locks = { request: <T>(name: string, cb: () => Promise<T>) => (names.push(name), cb()) };
    const client = createClient({ store, fetch: server.fetch, now: () => now, locks });

    await Promise.all([client.request('/api/a'), client.request('/api/b')]);

    expect(names).toEqual(['admit-auth-refresh']);
  });

  it('takes tokens another tab refreshed instead of refreshing again', async () => {
    const now = 1_000_000;
    const store = createMemorySessionStore(session(1, now - 1));
    const server = fakeServer();
    // Another tab wins the lock first and stores a fresh pair.
    const locks = {
      request: async <T>(_name: string, cb: () => Promise<T>) => {
        store.save(session(7, now + 900_000));
        return cb();
      },
    };
    const client = createClient({ store, fetch: server.fetch, now: () => now, locks });

    const result = await client.request<{ token: string }>('/api/a');

    expect(server.refreshCalls).toEqual([]);
    expect(result.token).toBe('access-7');
  });
});

describe('errors', () => {
  it('carries the problem document and its field errors', async () => {
    const store = createMemorySessionStore(session(2, Date.now() + 900_000));
    const fetch = vi.fn(async () =>
      json(
        400,
        {
          type: 'urn:admit:problem:validation-error',
          title: 'The request is not valid',
          status: 400,
          detail: 'The event details are not acceptable.',
          errors: [
            { field: 'capacity', message: 'must be between 1 and 1000000' },
            { field: 'name', message: 'must not be blank' },
          ],
        },
        'application/problem+json',
      ),
    );
    const client = createClient({ store, fetch, locks: null });

    const error = (await client.request('/api/events', { method: 'POST', body: {} }).catch((e: unknown) => e)) as ApiError;

    expect(error.status).toBe(400);
    expect(error.kind).toBe('validation-error');
    expect(error.message).toBe('The event details are not acceptable.');
    expect(error.fieldErrors).toEqual({ capacity: 'must be between 1 and 1000000', name: 'must not be blank' });
  });

  it('reports an unreachable server as a network error', async () => {
    const store = createMemorySessionStore(null);
    const client = createClient({ store, fetch: async () => Promise.reject(new TypeError('Failed to fetch')), locks: null });
    const error = (await client.request('/api/events').catch((e: unknown) => e)) as ApiError;
    expect(error.isNetwork).toBe(true);
  });

  it('sends no token when logged out and JSON bodies with a content type', async () => {
    const store = createMemorySessionStore(null);
    const fetch = vi.fn(async (_u: string, _i?: RequestInit) => json(200, {}));
    const client = createClient({ store, fetch, locks: null });
    await client.request('/api/events', { method: 'POST', body: { a: 1 }, query: { q: 'jazz', cursor: null } });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/events?q=jazz');
    const headers = new Headers(init!.headers);
    expect(headers.get('authorization')).toBeNull();
    expect(headers.get('content-type')).toBe('application/json');
  });
});

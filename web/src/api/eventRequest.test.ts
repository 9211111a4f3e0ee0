import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from './index';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('api.event', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
  });

  it('sends the token when signed in, so an organizer gets their draft', async () => {
    localStorage.setItem(
      'admit.session',
      JSON.stringify({ accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3600_000, user: { userId: 'u1' } }),
    );
    const fetch = vi.fn().mockResolvedValue(json(200, { eventId: 'e1', status: 'draft' }));
    vi.stubGlobal('fetch', fetch);
    await expect(api.event('e1')).resolves.toMatchObject({ status: 'draft' });
    expect(fetch.mock.calls[0]![1].headers.authorization).toBe('Bearer a');
  });

  it('still loads a public event when the session ended on the way', async () => {
    localStorage.setItem(
      'admit.session',
      JSON.stringify({ accessToken: 'old', refreshToken: 'used', expiresAt: Date.now() - 1000, user: { userId: 'u1' } }),
    );
    const fetch = vi.fn(async (path: string, init?: RequestInit) => {
      if (path === '/api/auth/refresh') return json(401, { type: 'urn:admit:problem:unauthenticated', status: 401 });
      expect((init?.headers as Record<string, string>).authorization).toBeUndefined();
      return json(200, { eventId: 'e1', status: 'published' });
    });
    vi.stubGlobal('fetch', fetch);
    await expect(api.event('e1')).resolves.toMatchObject({ status: 'published' });
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from './index';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const headersOf = (fetch: ReturnType<typeof vi.fn>, i = 0) => fetch.mock.calls[i]![1].headers as Record<string, string>;

describe('requests about a guest’s order', () => {
  let fetch: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    // Someone is signed in in this browser: an order token must still go alone.
    localStorage.setItem(
      'admit.session',
      JSON.stringify({ accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 3600_000, user: { userId: 'u1' } }),
    );
    fetch = vi.fn(async () => json(200, {}));
    vi.stubGlobal('fetch', fetch);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    localStorage.clear();
  });

  it('send the order token as X-Order-Token and no bearer token', async () => {
    await api.registration('r1', 'tok');
    await api.cancelRegistration('r1', undefined, 'tok');
    await api.resendRegistration('r1', 'tok');
    await api.ticketDownload('t1', 'tok');
    await api.createPaymentIntent('r1', 'key-1', 'tok');
    await api.confirmSandboxPayment('pi_1', '4242424242424242', 'tok');
    for (let i = 0; i < 6; i++) {
      expect(headersOf(fetch, i)['X-Order-Token']).toBe('tok');
      expect(headersOf(fetch, i).authorization).toBeUndefined();
    }
    expect(headersOf(fetch, 4)['Idempotency-Key']).toBe('key-1');
  });

  it('without a token use the session as before', async () => {
    await api.registration('r1');
    expect(headersOf(fetch).authorization).toBe('Bearer a');
    expect(headersOf(fetch)['X-Order-Token']).toBeUndefined();
  });

  it('place a guest order (with a buyer) without the session’s token, and a signed-in one with it', async () => {
    const items = [{ ticketTypeId: 't', quantity: 1 }];
    await api.placeOrder({ eventId: 'e1', items, buyer: { name: 'G', email: 'g@example.org' } }, 'k1');
    expect(headersOf(fetch).authorization).toBeUndefined();
    expect(JSON.parse(fetch.mock.calls[0]![1].body)).toMatchObject({ buyer: { name: 'G', email: 'g@example.org' } });
    await api.placeOrder({ eventId: 'e1', items }, 'k2');
    expect(headersOf(fetch, 1).authorization).toBe('Bearer a');
  });
});

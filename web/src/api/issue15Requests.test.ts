import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compRequests } from '../features/comps/api';
import { promoRequests } from '../features/promo/requests';
import { waitlistRequests } from '../features/waitlist/requests';
import { api } from './index';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('issue 15’s requests', () => {
  let fetch: ReturnType<typeof vi.fn>;
  const call = (i = 0) => {
    const [url, init] = fetch.mock.calls[i] as [string, RequestInit];
    return {
      url,
      method: init.method,
      headers: init.headers as Record<string, string>,
      body: init.body ? JSON.parse(init.body as string) : undefined,
    };
  };
  beforeEach(() => {
    // Someone is signed in: a link's token must still go alone.
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

  it('send an offer’s token as X-Offer-Token without the bearer token, and the owner’s session without one', async () => {
    await waitlistRequests.offer('w1', 'off');
    await waitlistRequests.remove('e1', 'w1', 'off');
    for (const i of [0, 1]) {
      expect(call(i).headers['X-Offer-Token']).toBe('off');
      expect(call(i).headers.authorization).toBeUndefined();
    }
    expect(call(0).url).toBe('/api/waitlist/offers/w1');
    expect(call(1)).toMatchObject({ url: '/api/events/e1/waitlist/w1', method: 'DELETE' });
    await waitlistRequests.offer('w1');
    expect(call(2).headers.authorization).toBe('Bearer a');
  });

  it('join as a guest without the session, confirm without it, and claim a guest’s offer without it', async () => {
    await waitlistRequests.join('e1', { quantity: 2, name: 'G', email: 'g@example.org' });
    await waitlistRequests.join('e1', { quantity: 1 });
    await waitlistRequests.confirm('c-1');
    await waitlistRequests.claim({ eventId: 'e1', waitlistOfferToken: 'off' }, 'k1', { guest: true });
    await waitlistRequests.claim({ eventId: 'e1', waitlistOfferToken: 'off' }, 'k2', { guest: false });
    expect(call(0)).toMatchObject({
      url: '/api/events/e1/waitlist',
      method: 'POST',
      body: { quantity: 2, email: 'g@example.org' },
    });
    expect(call(0).headers.authorization).toBeUndefined();
    expect(call(1).headers.authorization).toBe('Bearer a');
    expect(call(2)).toMatchObject({ url: '/api/waitlist/confirm', body: { token: 'c-1' } });
    expect(call(2).headers.authorization).toBeUndefined();
    expect(call(3)).toMatchObject({ url: '/api/registrations', body: { eventId: 'e1', waitlistOfferToken: 'off' } });
    expect(call(3).headers.authorization).toBeUndefined();
    expect(call(3).headers['Idempotency-Key']).toBe('k1');
    expect(call(4).headers.authorization).toBe('Bearer a');
  });

  it('pause and resume, list a page, and read my entries', async () => {
    await waitlistRequests.pause('e1');
    await waitlistRequests.resume('e1');
    await waitlistRequests.eventList('e1', 'cur');
    await waitlistRequests.mine();
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([
      '/api/events/e1/waitlist/pause',
      '/api/events/e1/waitlist/resume',
      '/api/events/e1/waitlist?limit=100&cursor=cur',
      '/api/me/waitlist',
    ]);
  });

  it('look a code up on the event, and manage codes', async () => {
    await promoRequests.eventWithCode('e1', 'early bird');
    await promoRequests.create('e1', { code: 'X', ticketTypeIds: [], unlocksTicketTypeIds: [] });
    await promoRequests.update('e1', 'p1', { code: 'X', ticketTypeIds: [], unlocksTicketTypeIds: [] });
    await promoRequests.remove('e1', 'p1');
    expect(call(0).url).toBe('/api/events/e1?code=early+bird');
    expect(call(1)).toMatchObject({ url: '/api/events/e1/promo-codes', method: 'POST' });
    expect(call(2)).toMatchObject({ url: '/api/events/e1/promo-codes/p1', method: 'PUT' });
    expect(call(3)).toMatchObject({ url: '/api/events/e1/promo-codes/p1', method: 'DELETE' });
  });

  it('order with a code, cancel some tickets (with a guest’s token too), and issue comps', async () => {
    await api.register('e1', [{ ticketTypeId: 't', quantity: 1 }], 'k', 'EARLY');
    await api.cancelTickets('r1', ['t1', 't2']);
    await api.cancelTickets('r1', ['t1'], 'tok');
    await compRequests.issue('e1', { attendees: [{ name: 'A', email: 'a@example.org' }] });
    expect(call(0).body).toEqual({ eventId: 'e1', items: [{ ticketTypeId: 't', quantity: 1 }], promoCode: 'EARLY' });
    expect(call(1)).toMatchObject({ url: '/api/registrations/r1/cancel', body: { ticketIds: ['t1', 't2'] } });
    expect(call(1).headers.authorization).toBe('Bearer a');
    expect(call(2).headers['X-Order-Token']).toBe('tok');
    expect(call(2).headers.authorization).toBeUndefined();
    expect(call(3)).toMatchObject({ url: '/api/events/e1/comps', method: 'POST' });
  });
});

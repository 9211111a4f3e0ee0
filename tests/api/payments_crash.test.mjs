// A crash between a payment's success and its confirmation loses nothing: after kill -9 the
// provider's next delivery of each event confirms it, exactly once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, signup, createEvent, futureDate, mapPool, importStripe } from './harness.mjs';

const SECRET = 'whsec_test_secret';

function succeededEvent(id, intentId) {
  return JSON.stringify({
    id, object: 'event', type: 'payment_intent.succeeded',
    data: { object: { id: intentId, object: 'payment_intent', status: 'succeeded' } },
  });
}

describe('payments survive kill -9', () => {
  it('every payment ends confirmed exactly once after a crash mid-delivery and redelivery', async () => {
    const Stripe = importStripe();
    const env = { ADMIT_STRIPE_WEBHOOK_SECRET: SECRET, ADMIT_ARGON2_MEMORY_KIB: '1024' };
    let server = await startServer({ env });
    const dataDir = server.dataDir;
    try {
      const organizer = await signup(server.baseUrl, 'organizer');
      const event = await createEvent(server.baseUrl, organizer.accessToken, {
        date: futureDate(30), capacity: 500, price: 12.5, currency: 'EUR', maxPerAttendee: 5,
      });
      const buyers = await mapPool([...Array(40).keys()], 8, async (i) => {
        const buyer = await signup(server.baseUrl, 'attendee');
        const reg = await api(server.baseUrl, 'POST', '/api/registrations', {
          token: buyer.accessToken, body: { eventId: event.eventId, quantity: 1 + (i % 3) },
        });
        assert.equal(reg.status, 201, reg.text);
        const intent = await api(server.baseUrl, 'POST', '/api/payments/create-intent', {
          token: buyer.accessToken, body: { registrationId: reg.json.registrationId },
        });
        assert.equal(intent.status, 200, intent.text);
        return { buyer, registration: reg.json, intentId: intent.json.paymentIntentId, eventId: `evt_crash_${i}` };
      });

      // Deliver every success at once and kill the server while they are being applied.
      const deliver = (base, b) => {
        const payload = succeededEvent(b.eventId, b.intentId);
        const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
        return api(base, 'POST', '/api/payments/webhook', {
          rawBody: payload, headers: { 'Stripe-Signature': header },
        }).catch(() => ({ status: 0 }));
      };
      const first = Promise.all(buyers.map((b) => deliver(server.baseUrl, b)));
      await new Promise((r) => setTimeout(r, 5));
      server.proc.kill('SIGKILL');
      const answers = await first;
      const acknowledged = buyers.filter((_, i) => answers[i].status === 200);
      if (process.env.ADMIT_TEST_VERBOSE) console.log(`acknowledged before the kill: ${acknowledged.length} of ${buyers.length}`);
      await server.stop({ keepDataDir: true });

      server = await startServer({ env: { ...env, ADMIT_DATA_DIR: dataDir } });
      // Acknowledged confirmations survived the crash.
      for (const b of acknowledged) {
        const login = await api(server.baseUrl, 'POST', '/api/auth/login', {
          body: { email: b.buyer.email, password: b.buyer.password },
        });
        const reg = await api(server.baseUrl, 'GET', `/api/registrations/${b.registration.registrationId}`, {
          token: login.json.accessToken,
        });
        assert.equal(reg.json.status, 'confirmed', `acknowledged payment lost: ${reg.text}`);
      }
      // The provider delivers again (it retries until it gets a 2xx): every one is settled once.
      const again = await Promise.all(buyers.map((b) => deliver(server.baseUrl, b)));
      for (const [i, r] of again.entries()) {
        assert.equal(r.status, 200, `redelivery ${i}: ${r.text}`);
        const expected = acknowledged.includes(buyers[i]) ? 'duplicate' : ['confirmed', 'duplicate'];
        assert.ok([].concat(expected).includes(r.json.result), `redelivery ${i}: ${r.text}`);
      }
      const seats = buyers.reduce((n, b) => n + b.registration.quantity, 0);
      const organizerLogin = await api(server.baseUrl, 'POST', '/api/auth/login', {
        body: { email: organizer.email, password: organizer.password },
      });
      const stats = await api(server.baseUrl, 'GET', `/api/events/${event.eventId}/analytics`, {
        token: organizerLogin.json.accessToken,
      });
      assert.equal(stats.json.confirmed, seats);
      assert.equal(stats.json.pending, 0);
      assert.equal(stats.json.registeredCount, seats);
      assert.equal(stats.json.revenue, seats * 12.5);
      // Tickets were issued once per seat, never twice.
      for (const b of buyers) {
        const login = await api(server.baseUrl, 'POST', '/api/auth/login', {
          body: { email: b.buyer.email, password: b.buyer.password },
        });
        const reg = await api(server.baseUrl, 'GET', `/api/registrations/${b.registration.registrationId}`, {
          token: login.json.accessToken,
        });
        assert.equal(reg.json.tickets.length, b.registration.quantity, reg.text);
      }
    } finally {
      await server.stop();
    }
  });
});

// The waiting list on two nodes sharing one PostgreSQL database: cancellations on both nodes,
// new orders, claims (each sent twice, to both nodes) and offers expiring under both nodes'
// sweepers all race. Throughout and at the end: confirmed + held + offered never exceed the
// event's capacity and agree with its counter, offers go strictly in joining order, and an
// offer is claimed once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, api, signup, createEvent, mapPool, sleep } from './cluster.mjs';
import { psql } from '../api/harness.mjs';

let c;
let org;

before(async () => {
  // Mail goes nowhere (a refused port): messages stay queued with their links' tokens, which the
  // test reads from the outbox as the person would from the message.
  c = await startCluster({
    nodes: 2, env: { ADMIT_WAITLIST_OFFER_SECONDS: '2', ADMIT_SMTP_URL: 'smtp://127.0.0.1:9', ADMIT_MAIL_RETRY_BASE_MS: '600000' },
  });
  org = await signup(c.balancer, 'organizer');
});

after(async () => {
  if (c) await c.stop();
});

const sql = async (text) => (await psql(c.database, text)).trim();

describe('the waiting list on two nodes', () => {
  it('never offers more than is free, strictly in order, each offer claimed once', async () => {
    const [n1, n2] = c.nodeUrls;
    const capacity = 8;
    const e = await createEvent(c.balancer, org.accessToken, { capacity, price: 0, maxPerAttendee: 1 });
    const holders = await mapPool(Array.from({ length: capacity }), 8, async (_, i) => {
      const a = await signup(c.balancer, 'attendee');
      const r = await api(i % 2 ? n1 : n2, 'POST', '/api/registrations',
        { token: a.accessToken, body: { eventId: e.eventId, quantity: 1 } });
      assert.equal(r.status, 201, r.text);
      return { token: a.accessToken, id: r.json.registrationId };
    });
    const waiters = [];
    for (let i = 0; i < 20; i++) {
      const w = await signup(c.balancer, 'attendee');
      const r = await api(i % 2 ? n1 : n2, 'POST', `/api/events/${e.eventId}/waitlist`,
        { token: w.accessToken, body: { quantity: 1 } });
      assert.equal(r.status, 201, r.text);
      waiters.push({ token: w.accessToken, entry: r.json.waitlistEntryId });
    }
    const buyers = await mapPool(Array.from({ length: 6 }), 6, () => signup(c.balancer, 'attendee'));

    const check = async () => {
      const [counter, rows] = (await sql(
        `SELECT registered_count, (SELECT COALESCE(SUM(quantity), 0) FROM registrations WHERE event_id = '${e.eventId}' ` +
        `AND status IN ('pending_payment', 'confirmed', 'offered')) FROM events WHERE id = '${e.eventId}';`)).split('|').map(Number);
      assert.ok(rows <= capacity, `seats held ${rows} within capacity ${capacity}`);
      assert.equal(counter, rows, 'the counter agrees with the rows');
      // No entry got an offer while an earlier, confirmed one was still waiting.
      const ahead = Number(await sql(
        `SELECT COUNT(*) FROM waitlist_entries w WHERE event_id = '${e.eventId}' AND status = 'waiting' AND seq < ` +
        `(SELECT COALESCE(MAX(seq), 0) FROM waitlist_entries WHERE event_id = '${e.eventId}' AND status IN ('offered', 'claimed', 'expired'));`));
      assert.equal(ahead, 0, 'offers strictly in order');
    };

    const tokenOf = async (entry) => {
      // The offer's link rides in its outbox row until it is sent (never, here).
      const s = await sql(`SELECT secret FROM mail_outbox WHERE id = 'waitlist_offer.${entry}';`);
      return s || undefined;
    };
    const claims = [];
    let stop = false;
    await Promise.all([
      mapPool(holders, 8, (h, i) => api(i % 2 ? n2 : n1, 'POST', `/api/registrations/${h.id}/cancel`, { token: h.token })),
      mapPool(buyers, 6, (b, i) => api(i % 2 ? n1 : n2, 'POST', '/api/registrations',
        { token: b.accessToken, body: { eventId: e.eventId, quantity: 1 } })),
      (async () => {
        const tried = new Set();
        for (let round = 0; round < 40 && !stop; round++) {
          for (const [i, w] of waiters.entries()) {
            if (i % 3 === 2 || tried.has(w.entry)) continue;  // every third offer is left to expire
            const token = await tokenOf(w.entry);
            if (!token) continue;
            tried.add(w.entry);
            for (const node of [n1, n2]) {
              claims.push(api(node, 'POST', '/api/registrations',
                { token: w.token, body: { eventId: e.eventId, waitlistOfferToken: token } }));
            }
          }
          await check();
          await sleep(250);
        }
      })(),
    ]);
    stop = true;
    const results = await Promise.all(claims);
    const wins = new Map();
    for (const r of results) {
      if (r.status === 201) wins.set(r.json.registrationId, (wins.get(r.json.registrationId) ?? 0) + 1);
      else assert.equal(r.status, 409, r.text);
    }
    assert.ok(wins.size > 0, 'some offers were claimed');
    for (const [, n] of wins) assert.equal(n, 1, 'an offer is claimed once');
    await check();
    const expired = Number(await sql(
      `SELECT COUNT(*) FROM waitlist_entries WHERE event_id = '${e.eventId}' AND status = 'expired';`));
    assert.ok(expired > 0, 'unclaimed offers expired and moved on');
    const audits = Number(await sql(
      `SELECT COUNT(*) - COUNT(DISTINCT subject_id) FROM audit_log WHERE action = 'waitlist.offer_expired' AND event_id = '${e.eventId}';`));
    assert.equal(audits, 0, 'each offer expired once, whichever node swept');
  });
});

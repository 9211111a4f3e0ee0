// Several `admit serve` nodes on one PostgreSQL database behind HAProxy (scripts/cluster.sh):
// flash sales spread over every node never oversell, a ticket scanned on two nodes at the same
// instant is admitted once, a webhook delivered to two nodes confirms once, tokens issued by one
// node work on the others, door staff removed on one node are refused on every node within a
// second, and a node killed with SIGKILL mid-sale loses nothing it acknowledged
// while the others keep selling.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  startCluster, api, signup, createEvent, eventRegistrations, seatsByStatus, mapPool, statusSummary,
  problemMismatch, sleep, WEBHOOK_SECRET,
} from './cluster.mjs';
import { psql, stripeEvent } from '../api/harness.mjs';

const Stripe = (() => {
  const require = createRequire(new URL('../node/package.json', import.meta.url));
  const mod = require('stripe');
  return mod.default ?? mod;
})();

const NODES = 3;
let c;          // the cluster
let lb;         // the balancer's URL
let org;        // an organizer
let crowd;      // attendees

before(async () => {
  c = await startCluster({ nodes: NODES });
  lb = c.balancer;
  org = await signup(lb, 'organizer');
  crowd = await mapPool(Array.from({ length: 90 }), 12, () => signup(lb, 'attendee'));
});

after(async () => {
  if (c) await c.stop();
});

async function getEvent(base, id) {
  const r = await api(base, 'GET', `/api/events/${id}`);
  assert.equal(r.status, 200, `GET event: ${r.status} ${r.text}`);
  return r.json;
}

async function analytics(base, id) {
  const r = await api(base, 'GET', `/api/events/${id}/analytics`, { token: org.accessToken });
  assert.equal(r.status, 200, `analytics: ${r.status} ${r.text}`);
  return r.json;
}

const register = (base, who, eventId, quantity = 1, headers = {}) =>
  api(base, 'POST', '/api/registrations', { token: who.accessToken, body: { eventId, quantity }, headers });

/** The exact bytes and Stripe-Signature header of one delivery (signed by Stripe's SDK). */
function signedDelivery(event) {
  const payload = JSON.stringify(event, null, 2);
  return { payload, header: Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) };
}

const postWebhook = (base, { payload, header }) =>
  api(base, 'POST', '/api/payments/webhook', { rawBody: payload, headers: { 'Stripe-Signature': header } });

describe('the balancer spreads requests over every node', () => {
  it('HAProxy marks every node up and answers /readyz through each', async () => {
    const seen = new Set();
    for (let i = 0; i < 3 * NODES; i++) {
      const r = await api(lb, 'GET', '/readyz');
      assert.equal(r.status, 200, r.text);
      seen.add(r.node);
    }
    assert.deepEqual([...seen].sort(), Array.from({ length: NODES }, (_, i) => `node${i + 1}`));
  });
});

describe('flash sale through the balancer, spread over all nodes', () => {
  it('free event: 300 concurrent requests for 100 seats → exactly 100 seats, the rest 409 sold-out', async () => {
    const e = await createEvent(lb, org.accessToken, { capacity: 100, maxPerAttendee: 4 });
    const rs = await mapPool(Array.from({ length: 300 }), 60, (_, i) => register(lb, crowd[i % crowd.length], e.eventId, 1));
    const ok = rs.filter((r) => r.status === 201);
    const soldOut = rs.filter((r) => r.status === 409 && r.json?.type === 'urn:admit:problem:sold-out');
    assert.equal(ok.length, 100, statusSummary(rs));
    assert.equal(soldOut.length, 200, statusSummary(rs));
    const byNode = {};
    for (const r of ok) byNode[r.node] = (byNode[r.node] || 0) + 1;
    assert.equal(Object.keys(byNode).length, NODES, `201s came from every node: ${JSON.stringify(byNode)}`);
    for (const r of ok) {
      assert.equal(r.json.status, 'confirmed');
      assert.equal(r.json.tickets?.length ?? 1, 1);
    }
    // Every node sees the same count: nothing is cached per node.
    for (const base of c.nodeUrls) assert.equal((await getEvent(base, e.eventId)).registeredCount, 100, base);
    const regs = await eventRegistrations(lb, org.accessToken, e.eventId);
    assert.deepEqual(regs.map((g) => g.registrationId).sort(), ok.map((r) => r.json.registrationId).sort(),
      'the organizer list is exactly the acknowledged registrations');
    assert.deepEqual(seatsByStatus(regs), { confirmed: 100 });
  });

  it('mixed orders of three types on every node never exceed a small type nor the event, all or nothing', async () => {
    const e = await createEvent(lb, org.accessToken, {
      price: undefined, capacity: 60, maxPerAttendee: 10,
      ticketTypes: [{ name: 'Regular', price: 0 }, { name: 'VIP', price: 0, capacity: 7 }, { name: 'Student', price: 0, capacity: 20 }],
    });
    const id = Object.fromEntries(e.ticketTypes.map((t) => [t.name, t.ticketTypeId]));
    const mixes = [
      [{ ticketTypeId: id.VIP, quantity: 1 }, { ticketTypeId: id.Regular, quantity: 1 }],
      [{ ticketTypeId: id.Student, quantity: 2 }],
      [{ ticketTypeId: id.Regular, quantity: 1 }, { ticketTypeId: id.Student, quantity: 1 }, { ticketTypeId: id.VIP, quantity: 1 }],
    ];
    const rs = await mapPool(Array.from({ length: 270 }), 60, (_, i) => api(lb, 'POST', '/api/registrations', {
      token: crowd[i % crowd.length].accessToken, body: { eventId: e.eventId, items: mixes[i % 3] },
    }));
    const ok = rs.filter((r) => r.status === 201);
    assert.ok(rs.every((r) => r.status === 201 || r.status === 409), statusSummary(rs));
    // Every node took part in the race (its answers are 201s or sold-out 409s: 60 seats go in
    // the first few batches, so which nodes' orders win them is up to timing).
    assert.equal(new Set(rs.map((r) => r.node)).size, NODES, 'every node answered orders');
    const seats = (name) => ok.flatMap((r) => r.json.items).filter((i) => i.ticketTypeId === id[name])
      .reduce((n, i) => n + i.quantity, 0);
    assert.equal(seats('VIP'), 7, statusSummary(rs));
    assert.ok(seats('Student') >= 19 && seats('Student') <= 20, `students: ${seats('Student')}`);
    for (const r of ok) {
      assert.equal(r.json.tickets.length, r.json.quantity, 'every placed order has all its tickets');
      assert.equal(r.json.items.reduce((n, i) => n + i.quantity, 0), r.json.quantity);
    }
    for (const base of c.nodeUrls) {
      const seen = await getEvent(base, e.eventId);
      const sold = Object.fromEntries(seen.ticketTypes.map((t) => [t.name, t.sold]));
      assert.deepEqual(sold, { Regular: seats('Regular'), VIP: seats('VIP'), Student: seats('Student') }, base);
      assert.equal(seen.registeredCount, seats('Regular') + seats('VIP') + seats('Student'), base);
      assert.ok(seen.registeredCount <= 60);
    }
    const regs = await eventRegistrations(lb, org.accessToken, e.eventId);
    assert.deepEqual(regs.map((g) => g.registrationId).sort(), ok.map((r) => r.json.registrationId).sort(),
      'the organizer list is exactly the acknowledged orders');
  });

  it('paid event: holds and payments on different nodes → confirmed + held == capacity exactly', async () => {
    const capacity = 60;
    const e = await createEvent(lb, org.accessToken, { capacity, price: 12.5, currency: 'EUR', maxPerAttendee: 3 });
    // One order per attendee (one unpaid order per account and event at a time): 80 orders of
    // one or two seats, 120 seats asked for 60.
    const rs = await mapPool(Array.from({ length: 80 }), 50, (_, i) => register(lb, crowd[i], e.eventId, 1 + (i % 2)));
    const ok = rs.filter((r) => r.status === 201);
    const other = rs.filter((r) => r.status !== 201 && !(r.status === 409 && ['urn:admit:problem:sold-out', 'urn:admit:problem:attendee-limit'].includes(r.json?.type)));
    assert.equal(other.length, 0, `${statusSummary(rs)}\n${other.slice(0, 10).map((r) => `${r.status} ${r.text.slice(0, 200)}`).join('\n')}`);
    let held = ok.reduce((n, r) => n + r.json.quantity, 0);
    assert.ok(held <= capacity, `held ${held} seats of ${capacity}: oversold (${statusSummary(rs)})`);
    // Pairs may have left one seat: single seats until sold out, each on the next node.
    for (let i = 0; held < capacity && i < 5; i++) {
      const r = await register(c.nodeUrls[i % NODES], crowd[80 + i], e.eventId, 1);
      assert.equal(r.status, 201, `seat ${held + 1} of ${capacity}: ${r.status} ${r.text}`);
      ok.push(r);
      held += 1;
    }
    assert.equal(held, capacity, `sold out: ${statusSummary(rs)}`);
    for (const base of c.nodeUrls) {
      const more = await register(base, crowd[85], e.eventId, 1);
      assert.equal(problemMismatch(more, 409, 'urn:admit:problem:sold-out'), '', `${base} after the sell-out: ${more.text}`);
    }
    for (const r of ok) assert.equal(r.json.status, 'pending_payment', r.text);

    // Pay for every other hold, each step on whichever node the balancer picks.
    const owners = new Map(crowd.map((u) => [u.user.userId, u]));
    const toPay = ok.filter((_, i) => i % 2 === 0).map((r) => r.json);
    const paid = await mapPool(toPay, 10, async (reg) => {
      const who = owners.get(reg.userId);
      const intent = await api(lb, 'POST', '/api/payments/create-intent', { token: who.accessToken, body: { registrationId: reg.registrationId } });
      assert.equal(intent.status, 200, `create-intent: ${intent.status} ${intent.text}`);
      const pay = await api(lb, 'POST', '/api/payments/sandbox/confirm',
        { token: who.accessToken, body: { paymentIntentId: intent.json.paymentIntentId, cardNumber: '4242424242424242' } });
      assert.ok(pay.status === 200, `sandbox confirm: ${pay.status} ${pay.text}`);
      return reg;
    });
    const paidSeats = paid.reduce((n, g) => n + g.quantity, 0);
    // The sandbox's webhook is applied asynchronously on some node; wait for it.
    let a;
    for (let i = 0; i < 100; i++) {
      a = await analytics(lb, e.eventId);
      if (a.confirmed === paidSeats) break;
      await sleep(100);
    }
    assert.equal(a.confirmed, paidSeats, JSON.stringify(a));
    assert.equal(a.confirmed + a.pending, held, `confirmed + held: ${JSON.stringify(a)}`);
    for (const base of c.nodeUrls) assert.equal((await getEvent(base, e.eventId)).registeredCount, capacity, base);
  });

  it('one attendee racing on three nodes stays within maxPerAttendee', async () => {
    const e = await createEvent(lb, org.accessToken, { capacity: 100, maxPerAttendee: 5 });
    const who = crowd[0];
    const rs = await Promise.all(Array.from({ length: 45 }, (_, i) => register(c.nodeUrls[i % NODES], who, e.eventId, 1)));
    assert.equal(rs.filter((r) => r.status === 201).length, 5, statusSummary(rs));
    assert.equal(rs.filter((r) => r.status === 409 && r.json?.type === 'urn:admit:problem:attendee-limit').length, 40, statusSummary(rs));
    assert.equal((await getEvent(lb, e.eventId)).registeredCount, 5);
  });

  it('the same Idempotency-Key sent to every node at once creates one registration', async () => {
    const e = await createEvent(lb, org.accessToken, { capacity: 50, maxPerAttendee: 10 });
    const who = crowd[1];
    const key = `cluster-${Date.now()}`;
    const rs = await Promise.all(c.nodeUrls.flatMap((base) => [0, 1].map(() => register(base, who, e.eventId, 2, { 'Idempotency-Key': key }))));
    // Replays answer the first response; a request that lost the race may also be told to retry (409).
    const created = rs.filter((r) => r.status === 201 || r.status === 200);
    assert.ok(created.length >= 1, statusSummary(rs));
    assert.equal(new Set(created.map((r) => r.json.registrationId)).size, 1, `one registration: ${rs.map((r) => r.text.slice(0, 120)).join('\n')}`);
    for (const r of rs.filter((x) => !created.includes(x))) {
      assert.equal(problemMismatch(r, 409), '', `a losing request is a 409 problem: ${r.text}`);
    }
    assert.equal((await getEvent(lb, e.eventId)).registeredCount, 2);
  });
});

describe('tickets scanned at the same instant on two nodes', () => {
  it('each of 30 tickets sent to two (and then three) nodes at once → exactly one valid', async () => {
    const e = await createEvent(lb, org.accessToken, { capacity: 100, maxPerAttendee: 10 });
    const regs = await mapPool(Array.from({ length: 30 }), 10, async (_, i) => {
      const r = await register(lb, crowd[i], e.eventId, 1);
      assert.equal(r.status, 201, r.text);
      return r.json;
    });
    const tickets = regs.map((g) => g.tickets[0]);
    const validate = (base, t) => api(base, 'POST', '/api/tickets/validate', { token: org.accessToken, body: { qrCode: t.qrCode, eventId: e.eventId } });
    const results = await Promise.all(tickets.map(async (t, i) => {
      const nodes = i % 2 === 0 ? [c.nodeUrls[0], c.nodeUrls[1]] : c.nodeUrls;
      const rs = await Promise.all(nodes.map((base) => validate(base, t)));
      for (const r of rs) assert.equal(r.status, 200, r.text);
      return rs.map((r) => r.json.result);
    }));
    for (const [i, rs] of results.entries()) {
      assert.equal(rs.filter((x) => x === 'valid').length, 1, `ticket ${i}: ${rs}`);
      assert.equal(rs.filter((x) => x === 'already_used').length, rs.length - 1, `ticket ${i}: ${rs}`);
    }
    assert.equal((await analytics(lb, e.eventId)).checkedIn, 30);
    // A later scan anywhere says already_used with the first time.
    for (const base of c.nodeUrls) assert.equal((await validate(base, tickets[0])).json.result, 'already_used');
  });

  it('door staff invited on one node scan on every node; removed on one node, every node refuses them within a second', async () => {
    const e = await createEvent(lb, org.accessToken, { capacity: 100, maxPerAttendee: 10 });
    const door = await signup(lb, 'attendee');
    // Accepting door-staff duty needs a verified address: as if the link had been followed.
    await psql(c.database, `UPDATE users SET email_verified_at = created_at WHERE email = '${door.email.toLowerCase()}';`);
    const [n1, n2, n3] = c.nodeUrls;
    const invited = await api(n1, 'POST', `/api/events/${e.eventId}/staff`, { token: org.accessToken, body: { email: door.email } });
    assert.equal(invited.status, 201, invited.text);
    const id = invited.json.invitationId;
    assert.equal((await api(n2, 'POST', `/api/staff-invitations/${id}/accept`, { token: door.accessToken })).status, 200);
    const tickets = [];
    for (const who of [crowd[40], crowd[41], crowd[42]]) {
      const reg = await register(lb, who, e.eventId, 10);
      assert.equal(reg.status, 201, reg.text);
      tickets.push(...reg.json.tickets);
    }
    const scan = (base, t) => api(base, 'POST', '/api/tickets/validate', { token: door.accessToken, body: { qrCode: t.qrCode, eventId: e.eventId } });
    // Accepted on node 2: every node lets them scan at once (and now remembers it for a second).
    for (const [i, base] of [n1, n2, n3].entries()) assert.equal((await scan(base, tickets[i])).json?.result, 'valid');

    const removed = await api(n1, 'DELETE', `/api/events/${e.eventId}/staff/${id}`, { token: org.accessToken });
    assert.equal(removed.status, 204, removed.text);
    const at = Date.now();
    assert.equal((await scan(n1, tickets[3])).status, 403, 'the removing node refuses at once');
    // Other nodes may still honour a right they saw within the last second; after that, never.
    let next = 4;
    for (const base of [n2, n3]) {
      let refusedAfter = null;
      while (refusedAfter === null) {
        const r = await scan(base, tickets[next]);
        if (r.status === 403) refusedAfter = Date.now() - at;
        else {
          assert.equal(r.json?.result, 'valid', r.text);
          next += 1;
          assert.ok(Date.now() - at < 1500 && next < tickets.length - 1, `still scanning ${Date.now() - at} ms after the removal`);
          await sleep(50);
        }
      }
      assert.ok(refusedAfter <= 1500, `refused after ${refusedAfter} ms`);
    }
    await sleep(1100);
    for (const base of [n1, n2, n3]) assert.equal((await scan(base, tickets[tickets.length - 1])).status, 403);
  });
});

describe('webhooks delivered to several nodes', () => {
  async function holdAndIntent(who, eventId, quantity) {
    const reg = await register(lb, who, eventId, quantity);
    assert.equal(reg.status, 201, reg.text);
    const intent = await api(lb, 'POST', '/api/payments/create-intent', { token: who.accessToken, body: { registrationId: reg.json.registrationId } });
    assert.equal(intent.status, 200, intent.text);
    return { reg: reg.json, intent: intent.json };
  }

  async function getReg(who, id) {
    const r = await api(lb, 'GET', `/api/registrations/${id}`, { token: who.accessToken });
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  it('the same signed event delivered to every node at once → one confirmation, tickets once', async () => {
    const e = await createEvent(lb, org.accessToken, { capacity: 40, price: 20, currency: 'USD', maxPerAttendee: 5 });
    for (let round = 0; round < 5; round++) {
      const who = crowd[10 + round];
      const { reg, intent } = await holdAndIntent(who, e.eventId, 2);
      const delivery = signedDelivery(stripeEvent('payment_intent.succeeded', { ...intent, registrationId: reg.registrationId }));
      const rs = await Promise.all(c.nodeUrls.flatMap((base) => [postWebhook(base, delivery), postWebhook(base, delivery)]));
      for (const r of rs) {
        assert.equal(r.status, 200, `webhook: ${r.status} ${r.text}`);
        assert.equal(r.json.received, true);
      }
      const outcomes = rs.map((r) => r.json.result);
      assert.equal(outcomes.filter((x) => x === 'confirmed').length, 1, `round ${round}: ${outcomes}`);
      assert.equal(outcomes.filter((x) => x === 'duplicate').length, rs.length - 1, `round ${round}: ${outcomes}`);
      const g = await getReg(who, reg.registrationId);
      assert.equal(g.status, 'confirmed');
      assert.equal(g.tickets.length, 2, `tickets issued once: ${JSON.stringify(g.tickets)}`);
      assert.equal(new Set(g.tickets.map((t) => t.ticketId)).size, 2);
    }
    const a = await analytics(lb, e.eventId);
    assert.equal(a.confirmed, 10);
    assert.equal(a.revenue, 200, `revenue counted once per payment: ${JSON.stringify(a)}`);
  });

  it('create-intent and card payments for one registration raced on every node → one intent, confirmed once', async () => {
    const e = await createEvent(lb, org.accessToken, { capacity: 30, price: 9, currency: 'USD', maxPerAttendee: 5 });
    for (let round = 0; round < 3; round++) {
      const who = crowd[30 + round];
      const reg = await register(lb, who, e.eventId, 2);
      assert.equal(reg.status, 201, reg.text);
      const id = reg.json.registrationId;
      const cis = await Promise.all(Array.from({ length: 3 * NODES }, (_, i) =>
        api(c.nodeUrls[i % NODES], 'POST', '/api/payments/create-intent', { token: who.accessToken, body: { registrationId: id } })));
      for (const r of cis) assert.equal(r.status, 200, `create-intent: ${r.status} ${r.text}`);
      const intents = new Set(cis.map((r) => r.json.paymentIntentId));
      assert.equal(intents.size, 1, `round ${round}: one intent per registration, got ${[...intents]}`);
      const [pi] = intents;
      const pays = await Promise.all(Array.from({ length: 2 * NODES }, (_, i) =>
        api(c.nodeUrls[i % NODES], 'POST', '/api/payments/sandbox/confirm', { token: who.accessToken, body: { paymentIntentId: pi, cardNumber: '4242424242424242' } })));
      for (const r of pays) assert.ok(r.status === 200 || r.status === 409, `sandbox confirm: ${r.status} ${r.text}`);
      let g;
      for (let i = 0; i < 50; i++) {
        g = await getReg(who, id);
        if (g.status === 'confirmed') break;
        await sleep(100);
      }
      assert.equal(g.status, 'confirmed', JSON.stringify(g));
      assert.equal(g.tickets.length, 2, `tickets issued once: ${g.tickets.length}`);
    }
    const a = await analytics(lb, e.eventId);
    assert.equal(a.confirmed, 6);
    assert.equal(a.revenue, 54, `each payment counted once: ${JSON.stringify(a)}`);
  });

  it('two different events for one payment on two nodes → one confirmed, one already_done', async () => {
    const e = await createEvent(lb, org.accessToken, { capacity: 20, price: 5, currency: 'USD', maxPerAttendee: 5 });
    for (let round = 0; round < 4; round++) {
      const who = crowd[20 + round];
      const { reg, intent } = await holdAndIntent(who, e.eventId, 1);
      const rs = await Promise.all([
        postWebhook(c.nodeUrls[0], signedDelivery(stripeEvent('payment_intent.succeeded', { ...intent, registrationId: reg.registrationId }))),
        postWebhook(c.nodeUrls[1], signedDelivery(stripeEvent('payment_intent.succeeded', { ...intent, registrationId: reg.registrationId }))),
      ]);
      assert.deepEqual(rs.map((r) => r.json?.result).sort(), ['already_done', 'confirmed'], rs.map((r) => `${r.status} ${r.text}`).join('\n'));
      assert.equal((await getReg(who, reg.registrationId)).tickets.length, 1);
    }
    assert.equal((await analytics(lb, e.eventId)).revenue, 20);
  });
});

describe('tokens work on every node', () => {
  it('an access token issued by one node is accepted by the others; the JWKS is the same everywhere', async () => {
    const u = await signup(c.nodeUrls[0], 'attendee');
    for (const base of c.nodeUrls) {
      const me = await api(base, 'GET', '/api/me', { token: u.accessToken });
      assert.equal(me.status, 200, `${base}: ${me.status} ${me.text}`);
      assert.equal(me.json.email, u.email);
    }
    const jwks = await Promise.all(c.nodeUrls.map((base) => api(base, 'GET', '/.well-known/jwks.json')));
    const kids = jwks.map((r) => JSON.stringify(r.json.keys.map((k) => k.kid).sort()));
    assert.equal(new Set(kids).size, 1, `the same keys on every node: ${kids.join(' | ')}`);
    // The issuer is the balancer's URL on every node.
    const payload = JSON.parse(Buffer.from(u.accessToken.split('.')[1], 'base64url').toString());
    assert.equal(payload.iss.replace(/\/$/, ''), lb);
  });

  it('a refresh token rotated on one node is spent on the others (reuse detected across nodes)', async () => {
    const u = await signup(c.nodeUrls[1], 'attendee');
    const r1 = await api(c.nodeUrls[2], 'POST', '/api/auth/refresh', { body: { refreshToken: u.refreshToken } });
    assert.equal(r1.status, 200, r1.text);
    const again = await api(c.nodeUrls[0], 'POST', '/api/auth/refresh', { body: { refreshToken: u.refreshToken } });
    assert.equal(problemMismatch(again, 401), '', `reused refresh token on another node: ${again.status} ${again.text}`);
    const login = await api(c.nodeUrls[0], 'POST', '/api/auth/login', { body: { email: u.email, password: u.password } });
    assert.equal(login.status, 200, login.text);
    const me = await api(c.nodeUrls[1], 'GET', '/api/me', { token: login.json.accessToken });
    assert.equal(me.status, 200, me.text);
  });
});

describe('kill -9 of one node mid-sale', () => {
  it('loses no acknowledged registration; an order the kill cut, retried with its Idempotency-Key, sells once; the others keep selling; the node comes back', async (t) => {
    const e = await createEvent(lb, org.accessToken, { capacity: 100000, maxPerAttendee: 10000 });
    const victim = 2;
    // Each client sells in a loop, every order under its own Idempotency-Key. An order the kill
    // cuts (a 502 from HAProxy, or a connection HAProxy closes so that the client retries as after
    // a keep-alive race) is retried with the same key, as the 502 problem document says, until it
    // is answered: the reply tells whether the cut request had been applied, and a retry never
    // sells a second seat.
    const acked = [];         // {reg, user, at, node, key}
    const cut = [];           // one line per request the kill cut
    const bad = [];
    let killedAt = 0;
    const since = () => (killedAt ? `${Date.now() - killedAt} ms after the kill` : 'before the kill');
    const t0 = Date.now();
    const until = t0 + 4500;
    let orders = 0;
    const loops = crowd.slice(0, 40).map(async (u, client) => {
      for (let n = 0; Date.now() < until; n++) {
        const key = `kill-${t0}-${client}-${n}`;
        orders++;
        for (let attempt = 1; ; attempt++) {
          let r;
          try {
            r = await register(lb, u, e.eventId, 1, { 'Idempotency-Key': key });
          } catch (err) {
            cut.push(`client ${client}: ${err.cause?.code ?? err.message} ${since()}`);
          }
          if (r && (r.status === 201 || r.status === 200)) {
            acked.push({ reg: r.json, user: u, at: Date.now(), node: r.node, key });
            break;
          }
          if (r && r.status === 502 && problemMismatch(r, 502) === '') cut.push(`client ${client}: 502 ${since()}`);
          else if (r && !(r.status === 409 && problemMismatch(r, 409) === '')) {
            bad.push(`${r.status} ${r.node} ${r.text.slice(0, 200)}`);
            break;
          }
          if (attempt === 50) {
            bad.push(`client ${client}: order ${key} still unanswered after ${attempt} attempts`);
            break;
          }
          await sleep(Math.min(200, 10 * attempt));
        }
      }
    });
    await sleep(1200);
    killedAt = Date.now();
    await c.killNode(victim);
    await Promise.all(loops);

    assert.equal(bad.length, 0, `only 201s, replays, and 502s or closed connections the kill caused; ${bad.length} others:\n${bad.slice(0, 10).join('\n')}`);
    assert.equal(acked.length, orders, 'every order was answered in the end');
    assert.equal(new Set(acked.map((a) => a.reg.registrationId)).size, orders,
      'one registration per Idempotency-Key: a retried order never sold a second seat');
    assert.ok(cut.every((line) => !line.includes('before the kill')), `nothing was cut before the kill:\n${cut.join('\n')}`);
    const before = acked.filter((a) => a.at < killedAt);
    const after = acked.filter((a) => a.at > killedAt + 1500);
    assert.ok(before.some((a) => a.node === `node${victim}`), 'the victim sold before the kill');
    assert.ok(after.length > 50, `the others kept selling after the kill: ${after.length} registrations`);
    assert.ok(after.every((a) => a.node !== `node${victim}`), 'nothing answered by the dead node');
    const afterNodes = new Set(after.map((a) => a.node));
    t.diagnostic(`${acked.length} orders (${before.length} answered before the kill, ${after.length} from 1.5 s after it), ${cut.length} requests cut and retried: ${cut.slice(0, 5).join('; ')}`);
    assert.equal(afterNodes.size, NODES - 1, `every surviving node sold: ${[...afterNodes]}`);

    // Every acknowledged registration is there, confirmed, with its ticket; and nothing else is.
    const regs = await eventRegistrations(lb, org.accessToken, e.eventId);
    const listed = new Map(regs.map((g) => [g.registrationId, g]));
    const missing = acked.filter((a) => !listed.has(a.reg.registrationId) || listed.get(a.reg.registrationId).status !== 'confirmed');
    assert.deepEqual(missing.map((a) => a.reg.registrationId), [], `acknowledged registrations lost (${missing.length} of ${acked.length})`);
    assert.equal(regs.length, acked.length, `listed ${regs.length}, one per order (${acked.length})`);
    const count = (await getEvent(lb, e.eventId)).registeredCount;
    assert.equal(count, regs.length, 'registeredCount equals the registrations that exist');
    for (const a of acked.filter((_, i) => i % 25 === 0)) {
      const g = await api(lb, 'GET', `/api/registrations/${a.reg.registrationId}`, { token: a.user.accessToken });
      assert.equal(g.status, 200, g.text);
      assert.equal(g.json.tickets.length, 1);
    }

    // The node restarts on the same database and serves the same data.
    const url = await c.startNode(victim);
    assert.equal((await api(url, 'GET', '/readyz')).status, 200);
    assert.equal((await getEvent(url, e.eventId)).registeredCount, count);
    const me = await api(url, 'GET', '/api/me', { token: crowd[0].accessToken });
    assert.equal(me.status, 200, `tokens issued before the restart still work: ${me.text}`);
    // HAProxy puts it back into rotation.
    let seen = false;
    for (let i = 0; i < 40 && !seen; i++) {
      seen = (await api(lb, 'GET', '/readyz')).node === `node${victim}`;
      if (!seen) await sleep(100);
    }
    assert.ok(seen, 'the restarted node is back behind the balancer');
  });
});

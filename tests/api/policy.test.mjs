// The cancellation policy and the limits on holds (issue 11): a used ticket cannot be refunded by
// its holder nor its seat sold again; the holder cancels until the event's cancellationDeadline;
// the organizer refunds with a reason; one unpaid order per account and event, a hold's length
// of cooldown after a hold lapsed unpaid, a cap of unpaid orders per client address (trusted
// proxies exempt), each event's own hold length, holds in the analytics, and an order's amount
// within the payment provider's maximum.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, api, signup, createEvent, assertProblem, assertFieldError, registerFor, registerOk, futureDate,
  sleep, getEvent as getEventAt, getRegistration,
} from './harness.mjs';

const HOLD_SECONDS = 2; // the short hold of the `fast` server
const CLIENT_CAP = 3;   // ADMIT_MAX_UNPAID_HOLDS_PER_CLIENT of the `proxied` server

let srv;      // default hold (900 s), default caps
let fast;     // ADMIT_HOLD_SECONDS=2
let proxied;  // behind a trusted proxy (127.0.0.1), CLIENT_CAP unpaid orders per client address

async function boot(env = {}) {
  const server = await startServer({ env: { ADMIT_ARGON2_MEMORY_KIB: '1024', ...env } });
  const base = server.baseUrl;
  const [org, att, att2] = await Promise.all([signup(base, 'organizer'), signup(base), signup(base)]);
  return { server, base, org, att, att2 };
}

before(async () => {
  [srv, fast, proxied] = await Promise.all([
    boot(),
    boot({ ADMIT_HOLD_SECONDS: String(HOLD_SECONDS) }),
    boot({ ADMIT_TRUSTED_PROXIES: '127.0.0.1', ADMIT_MAX_UNPAID_HOLDS_PER_CLIENT: String(CLIENT_CAP) }),
  ]);
});

after(async () => {
  await Promise.all([srv?.server.stop(), fast?.server.stop(), proxied?.server.stop()]);
});

const paidEvent = (s, over = {}) =>
  createEvent(s.base, s.org.accessToken, { price: 20, currency: 'EUR', capacity: 10, maxPerAttendee: 4, ...over });

const getEvent = (s, id) => getEventAt(s.base, id);

const getReg = (s, id, token) => getRegistration(s.base, id, token);

async function analytics(s, eventId) {
  const r = await api(s.base, 'GET', `/api/events/${eventId}/analytics`, { token: s.org.accessToken });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const cancel = (s, id, token, body) => api(s.base, 'POST', `/api/registrations/${id}/cancel`, { token, body });
const scan = (s, qrCode) => api(s.base, 'POST', '/api/tickets/validate', { token: s.org.accessToken, body: { qrCode } });

/** Registers and pays `quantity` seats with the sandbox's good test card; returns the confirmed registration. */
async function buy(s, who, eventId, quantity = 1) {
  const reg = await registerOk(s.base, who.accessToken, eventId, quantity);
  const intent = await api(s.base, 'POST', '/api/payments/create-intent',
    { token: who.accessToken, body: { registrationId: reg.registrationId } });
  assert.equal(intent.status, 200, intent.text);
  const paid = await api(s.base, 'POST', '/api/payments/sandbox/confirm',
    { token: who.accessToken, body: { paymentIntentId: intent.json.paymentIntentId, cardNumber: '4242424242424242' } });
  assert.equal(paid.status, 200, paid.text);
  const confirmed = await getReg(s, reg.registrationId, who.accessToken);
  assert.equal(confirmed.status, 'confirmed', JSON.stringify(confirmed));
  return confirmed;
}

/** Polls until the registration reaches `status`; fails after `ms`. */
async function waitStatus(s, id, token, status, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const reg = await getReg(s, id, token);
    if (reg.status === status) return reg;
    assert.ok(Date.now() < deadline, `registration ${id} still ${reg.status}, not ${status}, after ${ms} ms`);
    await sleep(100);
  }
}

describe('a used ticket is never refunded by its holder nor its seat sold again', () => {
  it('the holder cannot cancel once a ticket was admitted; the organizer refunds with a reason; the seat stays taken', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 1, maxPerAttendee: 1 });
    const reg = await buy(s, s.att, e.eventId);
    const admitted = await scan(s, reg.tickets[0].qrCode);
    assert.equal(admitted.json?.result, 'valid', admitted.text);

    const refused = await cancel(s, reg.registrationId, s.att.accessToken);
    assertProblem(refused, 409, 'holder cancels after check-in');
    assert.equal(refused.json.type, 'urn:admit:problem:cancellation-closed');
    assert.equal((await getReg(s, reg.registrationId, s.att.accessToken)).status, 'confirmed', 'nothing changed');

    assertFieldError(await cancel(s, reg.registrationId, s.org.accessToken), 'reason', 'organizer without a reason');
    assertFieldError(await cancel(s, reg.registrationId, s.org.accessToken, { reason: 'x'.repeat(1001) }), 'reason');
    assertFieldError(await cancel(s, reg.registrationId, s.org.accessToken, { why: 'typo' }), 'why', 'unknown field');
    const refunded = await cancel(s, reg.registrationId, s.org.accessToken, { reason: 'Guest left, refund approved' });
    assert.equal(refunded.status, 200, refunded.text);
    assert.ok(['refund_pending', 'refunded'].includes(refunded.json.status), refunded.text);

    // The used seat is not back on sale: the one-seat event stays full.
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 1);
    const resale = await registerFor(s.base, s.att2.accessToken, e.eventId, 1);
    assertProblem(resale, 409, 'the used seat sold again');
    assert.equal(resale.json.type, 'urn:admit:problem:sold-out');
    const an = await analytics(s, e.eventId);
    assert.ok(an.checkedIn <= an.registeredCount, `check-ins ${an.checkedIn} exceed seats ${an.registeredCount}`);
    // The ticket is void now.
    assert.equal((await scan(s, reg.tickets[0].qrCode)).json?.result, 'cancelled');
  });

  it('an organizer refund of a partly used order puts back only the unused seats', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 3, maxPerAttendee: 3 });
    const reg = await buy(s, s.att, e.eventId, 3);
    assert.equal((await scan(s, reg.tickets[1].qrCode)).json?.result, 'valid');
    const r = await cancel(s, reg.registrationId, s.org.accessToken, { reason: 'Two of three could not come' });
    assert.equal(r.status, 200, r.text);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 1, 'two seats back on sale, the used one not');
    await buy(s, s.att2, e.eventId, 2);
    assertProblem(await registerFor(s.base, s.org.accessToken, e.eventId, 1), 409, 'full again');
  });
});

describe('cancellationDeadline', () => {
  it('after the deadline the holder gets 409 cancellation-closed; an unpaid hold can still be let go; null follows the start', async () => {
    const s = srv;
    const deadline = futureDate(-1); // once: a second call may fall in the next second
    const e = await paidEvent(s, { cancellationDeadline: deadline });
    assert.equal(e.cancellationDeadline, deadline);
    const reg = await buy(s, s.att, e.eventId);
    const closed = await cancel(s, reg.registrationId, s.att.accessToken);
    assertProblem(closed, 409, 'after the deadline');
    assert.equal(closed.json.type, 'urn:admit:problem:cancellation-closed');
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 1);

    const hold = await registerOk(s.base, s.att2.accessToken, e.eventId, 1);
    const letGo = await cancel(s, hold.registrationId, s.att2.accessToken);
    assert.equal(letGo.status, 200, `an unpaid hold: ${letGo.text}`);

    // Back to the default (the event's start, 30 days away): the holder may cancel again.
    const put = await api(s.base, 'PUT', `/api/events/${e.eventId}`,
      { token: s.org.accessToken, body: { cancellationDeadline: null } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.cancellationDeadline, null);
    const open = await cancel(s, reg.registrationId, s.att.accessToken);
    assert.equal(open.status, 200, open.text);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 0);
  });

  it('a deadline after the event\'s date, a hold length out of range and an unpayable largest order are 400s naming the field', async () => {
    const s = srv;
    const token = s.org.accessToken;
    const date = futureDate(30);
    assertFieldError(await api(s.base, 'POST', '/api/events',
      { token, body: { name: 'x', date, location: 'y', capacity: 10, price: 1, cancellationDeadline: futureDate(31) } }),
    'cancellationDeadline');
    assertFieldError(await api(s.base, 'POST', '/api/events',
      { token, body: { name: 'x', date, location: 'y', capacity: 10, price: 1, cancellationDeadline: 'soon' } }),
    'cancellationDeadline');
    for (const holdSeconds of [59, 86401, 'long']) {
      assertFieldError(await api(s.base, 'POST', '/api/events',
        { token, body: { name: 'x', date, location: 'y', capacity: 10, price: 1, holdSeconds } }), 'holdSeconds');
    }
    // Stripe takes at most 99,999,999 minor units in one payment: 10 seats × 100,000.00 is too much.
    assertFieldError(await api(s.base, 'POST', '/api/events',
      { token, body: { name: 'x', date, location: 'y', capacity: 10, maxPerAttendee: 10, price: 100000 } }), 'price');
    const ok = await createEvent(s.base, token, { capacity: 10, maxPerAttendee: 10, price: 99999.99 });
    assertFieldError(await api(s.base, 'PUT', `/api/events/${ok.eventId}`,
      { token, body: { price: 100000 } }), 'price', 'the same rule on update');
  });
});

describe('holds cannot be squatted', () => {
  it('one unpaid order per account and event: a second is 409 unpaid-order-open until the first is paid', async () => {
    const s = srv;
    const e = await paidEvent(s);
    const first = await registerOk(s.base, s.att.accessToken, e.eventId, 1);
    const second = await registerFor(s.base, s.att.accessToken, e.eventId, 1);
    assertProblem(second, 409, 'a second unpaid order');
    assert.equal(second.json.type, 'urn:admit:problem:unpaid-order-open');
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 1, 'nothing held by the refusal');
    const intent = await api(s.base, 'POST', '/api/payments/create-intent',
      { token: s.att.accessToken, body: { registrationId: first.registrationId } });
    await api(s.base, 'POST', '/api/payments/sandbox/confirm',
      { token: s.att.accessToken, body: { paymentIntentId: intent.json.paymentIntentId, cardNumber: '4242424242424242' } });
    await registerOk(s.base, s.att.accessToken, e.eventId, 1);
  });

  it('after a hold lapses unpaid, its account cannot hold seats of that event for a hold\'s length', async () => {
    const s = fast;
    const e = await paidEvent(s);
    const lapsed = await registerOk(s.base, s.att.accessToken, e.eventId, 2);
    await waitStatus(s, lapsed.registrationId, s.att.accessToken, 'expired', HOLD_SECONDS * 1000 + 2500);
    assert.deepEqual((await analytics(s, e.eventId)).holds, { placed: 1, paid: 0, expired: 1 });
    const blocked = await registerFor(s.base, s.att.accessToken, e.eventId, 1);
    assertProblem(blocked, 409, 'within the cooldown');
    assert.equal(blocked.json.type, 'urn:admit:problem:hold-cooldown');
    // Others may hold meanwhile; the account may again once a hold's length has passed.
    await registerOk(s.base, s.att2.accessToken, e.eventId, 1);
    const until = Date.parse(lapsed.holdExpiresAt) + HOLD_SECONDS * 1000;
    await sleep(Math.max(0, until - Date.now() + 1000));
    await registerOk(s.base, s.att.accessToken, e.eventId, 1);
    assert.equal((await analytics(s, e.eventId)).holds.placed, 3);
  });

  it('an event\'s holdSeconds overrides the instance\'s hold length', async () => {
    const s = srv;
    const e = await paidEvent(s, { holdSeconds: 120 });
    assert.equal(e.holdSeconds, 120);
    const reg = await registerOk(s.base, s.att2.accessToken, e.eventId, 1);
    assert.equal(Date.parse(reg.holdExpiresAt) - Date.parse(reg.registeredAt), 120_000);
    const other = await paidEvent(s);
    assert.equal(other.holdSeconds, null);
    const dflt = await registerOk(s.base, s.att2.accessToken, other.eventId, 1);
    assert.equal(Date.parse(dflt.holdExpiresAt) - Date.parse(dflt.registeredAt), 900_000);
  });

  it('one client address holds at most ADMIT_MAX_UNPAID_HOLDS_PER_CLIENT unpaid orders of an event; the proxy itself is exempt', async () => {
    const s = proxied;
    const e = await paidEvent(s, { capacity: 50, maxPerAttendee: 10 });
    const people = await Promise.all(Array.from({ length: CLIENT_CAP + 2 }, () => signup(s.base)));
    const from = (address) => ({ headers: { 'X-Forwarded-For': address } });
    for (const who of people.slice(0, CLIENT_CAP)) await registerOk(s.base, who.accessToken, e.eventId, 10, from('198.51.100.23'));
    const squat = await registerFor(s.base, people[CLIENT_CAP].accessToken, e.eventId, 10, from('198.51.100.23'));
    assertProblem(squat, 429, 'one address past its cap');
    assert.equal(squat.json.type, 'urn:admit:problem:too-many-unpaid-orders');
    assert.equal((await getEvent(s, e.eventId)).registeredCount, CLIENT_CAP * 10, 'the refused order holds nothing');
    // Another address is its own count; the trusted proxy itself (no forwarded address) is exempt.
    await registerOk(s.base, people[CLIENT_CAP].accessToken, e.eventId, 1, from('198.51.100.24'));
    await registerOk(s.base, people[CLIENT_CAP + 1].accessToken, e.eventId, 1);
    const an = await analytics(s, e.eventId);
    assert.deepEqual(an.holds, { placed: CLIENT_CAP + 2, paid: 0, expired: 0 });
  });
});

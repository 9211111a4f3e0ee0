// Payments with the sandbox provider: paid registrations hold seats, payment intents, the Stripe
// test cards, webhooks signed by Stripe's own `stripe` SDK (verification, tolerance, tampering),
// idempotent and order-independent webhook handling, hold expiry, late payments, refunds, and
// the no-oversell invariant under concurrency.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  startServer, api, signup, createEvent, assertProblem, assertFieldError, RFC3339, uniqueWord,
  registerFor, registerOk, collectPages, parseCsv, mapPool, importStripe,
  sleep, stripeEvent, getEvent as getEventAt, getRegistration,
} from './harness.mjs';

const Stripe = importStripe();
const SECRET = 'whsec_test_secret';
const HOLD_SECONDS = 2; // the short hold of the `fast` server
// Stripe's published artefacts (../shared/stripe next to the repository); only the test vector reads it.
const SHARED_STRIPE = fileURLToPath(new URL('../../../shared/stripe/', import.meta.url));
const CARD_OK = '4242424242424242';
const CARD_DECLINED = '4000000000000002';
const CARD_NO_FUNDS = '4000000000009995';

let srv;   // default hold (900 s)
let fast;  // ADMIT_HOLD_SECONDS=2

async function boot(env = {}) {
  const server = await startServer({
    env: {
      ADMIT_ARGON2_MEMORY_KIB: '1024',
      ADMIT_PAYMENT_PROVIDER: 'sandbox',
      ADMIT_STRIPE_WEBHOOK_SECRET: SECRET,
      ...env,
    },
  });
  const base = server.baseUrl;
  const [org, org2, att, att2] = await Promise.all([
    signup(base, 'organizer'), signup(base, 'organizer'), signup(base, 'attendee'), signup(base, 'attendee'),
  ]);
  return { server, base, org, org2, att, att2 };
}

before(async () => {
  [srv, fast] = await Promise.all([boot(), boot({ ADMIT_HOLD_SECONDS: String(HOLD_SECONDS) })]);
});

after(async () => {
  await Promise.all([srv?.server.stop(), fast?.server.stop()]);
});

// ---- helpers ----

const paidEvent = (s, over = {}) =>
  createEvent(s.base, s.org.accessToken, { price: 19.99, currency: 'USD', capacity: 50, maxPerAttendee: 10, ...over });

const getEvent = (s, id) => getEventAt(s.base, id);

const getReg = (s, id, token) => getRegistration(s.base, id, token);

const createIntent = (s, token, registrationId, headers = {}) =>
  api(s.base, 'POST', '/api/payments/create-intent', { token, body: { registrationId }, headers });

const sandboxPay = (s, token, paymentIntentId, cardNumber = CARD_OK) =>
  api(s.base, 'POST', '/api/payments/sandbox/confirm', { token, body: { paymentIntentId, cardNumber } });

const cancelReg = (s, id, token) => api(s.base, 'POST', `/api/registrations/${id}/cancel`, { token });

/** Registers `quantity` seats of a paid event for `who` and creates the payment intent; returns {reg, intent}. */
async function holdWithIntent(s, who, eventId, quantity = 1) {
  const reg = await registerOk(s.base, who.accessToken, eventId, quantity);
  assert.equal(reg.status, 'pending_payment', JSON.stringify(reg));
  const r = await createIntent(s, who.accessToken, reg.registrationId);
  assert.equal(r.status, 200, `create-intent: ${r.status} ${r.text}`);
  return { reg, intent: r.json };
}

/**
 * POSTs a webhook. The payload is `event` pretty-printed as Stripe sends it (or `payload` as is),
 * signed with Stripe's SDK (`secret`, `timestamp`), unless `header` is given (null: no header).
 */
function deliver(s, event, { payload, secret = SECRET, timestamp, header, headers = {} } = {}) {
  const body = payload ?? JSON.stringify(event, null, 2);
  const h = { ...headers };
  const sig = header !== undefined ? header
    : Stripe.webhooks.generateTestHeaderString({ payload: body, secret, ...(timestamp !== undefined ? { timestamp } : {}) });
  if (sig !== null) h['Stripe-Signature'] = sig;
  return api(s.base, 'POST', '/api/payments/webhook', { rawBody: body, headers: h });
}

function assertReceived(r, result, registrationId) {
  assert.equal(r.status, 200, `webhook: ${r.status} ${r.text}`);
  assert.equal(r.json?.received, true, r.text);
  if (result !== undefined) assert.equal(r.json.result, result, r.text);
  if (registrationId !== undefined) assert.equal(r.json.registrationId, registrationId, r.text);
}

function assertInvalidSignature(r, msg) {
  assertProblem(r, 400, msg);
  assert.equal(r.json.type, 'urn:admit:problem:invalid-signature', `${msg}: ${r.text}`);
}

/** Polls `fn` every 100 ms until `pred(value)` holds or `ms` pass; returns the last value. */
async function waitFor(fn, pred, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (pred(v) || Date.now() > deadline) return v;
    await sleep(100);
  }
}

async function waitStatus(s, id, token, status, ms) {
  const reg = await waitFor(() => getReg(s, id, token), (r) => r.status === status, ms);
  assert.equal(reg.status, status, `registration ${id} should become ${status} within ${ms} ms: ${JSON.stringify(reg)}`);
  return reg;
}

/** Every registration of the event (organizer's view). */
async function eventRows(s, eventId) {
  return (await collectPages(s.base, `/api/events/${eventId}/registrations`, s.org.accessToken, { limit: 100 })).items;
}

/**
 * registeredCount equals the seats of the registrations that hold seats (pending_payment, confirmed)
 * and never exceeds capacity. Call it when nothing is in flight. Returns {event, rows}.
 */
async function assertSeatsConsistent(s, eventId, msg = '') {
  const event = await getEvent(s, eventId);
  const rows = await eventRows(s, eventId);
  const held = rows.filter((r) => r.status === 'pending_payment' || r.status === 'confirmed')
    .reduce((n, r) => n + r.quantity, 0);
  assert.equal(event.registeredCount, held,
    `${msg} registeredCount ${event.registeredCount} should equal the seats held by pending and confirmed registrations (${held}): ` +
    JSON.stringify(rows.map((r) => [r.status, r.quantity])));
  assert.ok(event.registeredCount <= event.capacity, `${msg} registeredCount ${event.registeredCount} > capacity ${event.capacity}`);
  return { event, rows };
}

async function analytics(s, eventId) {
  const r = await api(s.base, 'GET', `/api/events/${eventId}/analytics`, { token: s.org.accessToken });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

function assertTicketsOnce(reg, quantity, msg = '') {
  assert.equal(reg.tickets.length, quantity, `${msg} one ticket per seat, issued once: ${JSON.stringify(reg.tickets.map((t) => t.ticketId))}`);
  assert.equal(new Set(reg.tickets.map((t) => t.ticketId)).size, quantity, `${msg} distinct ticket ids`);
  for (const t of reg.tickets) assert.equal(t.status, 'valid', `${msg} ticket ${t.ticketId} is valid`);
}

// ---- the happy path ----

describe('paid registration → create-intent → sandbox card → confirmed', () => {
  it('holds the seats, creates one intent, confirms with 4242…, issues tickets; analytics, list and CSV show the payment', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const r0 = await registerFor(s.base, s.att.accessToken, e.eventId, 2);
    assert.equal(r0.status, 201, r0.text);
    const reg = r0.json;
    assert.equal(reg.status, 'pending_payment');
    assert.equal(reg.amount, 39.98);
    assert.deepEqual(reg.tickets, []);
    assert.match(reg.holdExpiresAt, RFC3339);
    assert.equal(Date.parse(reg.holdExpiresAt) - Date.parse(reg.registeredAt), 900_000, 'hold = registeredAt + 900 s');
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 2, 'held seats count');

    const ci = await createIntent(s, s.att.accessToken, reg.registrationId);
    assert.equal(ci.status, 200, ci.text);
    const intent = ci.json;
    assert.match(intent.paymentIntentId, /^pi_sandbox_[A-Za-z0-9_-]+$/);
    assert.equal(typeof intent.clientSecret, 'string');
    assert.ok(intent.clientSecret.startsWith(`${intent.paymentIntentId}_secret_`), `clientSecret: ${intent.clientSecret}`);
    assert.equal(intent.amount, 39.98);
    assert.equal(intent.currency, 'USD');
    assert.equal(intent.provider, 'sandbox');
    assert.equal(typeof intent.status, 'string');
    assert.equal(intent.registrationId, reg.registrationId);

    const again = await createIntent(s, s.att.accessToken, reg.registrationId);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.paymentIntentId, intent.paymentIntentId, 'asking again gives the same intent');
    assert.equal(again.json.clientSecret, intent.clientSecret);

    const paid = await sandboxPay(s, s.att.accessToken, intent.paymentIntentId, '4242 4242 4242 4242');
    assert.equal(paid.status, 200, paid.text);
    assert.equal(paid.json.registrationId, reg.registrationId);
    assert.equal(paid.json.status, 'confirmed');
    assert.equal(paid.json.paymentId, intent.paymentIntentId);
    assert.equal(paid.json.holdExpiresAt, null);
    assertTicketsOnce(paid.json, 2, 'after payment');

    const g = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g.status, 'confirmed');
    assert.deepEqual(g.tickets.map((t) => t.ticketId), paid.json.tickets.map((t) => t.ticketId));
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 2, 'confirmed seats stay counted, not twice');

    // The tickets are real: the organizer admits one at the door.
    const v = await api(s.base, 'POST', '/api/tickets/validate', { token: s.org.accessToken, body: { qrCode: g.tickets[0].qrCode } });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.result, 'valid', v.text);

    const a = await analytics(s, e.eventId);
    assert.equal(a.confirmed, 2);
    assert.equal(a.pending, 0);
    assert.equal(a.revenue, 39.98);
    assert.equal(a.currency, 'USD');

    const rows = await eventRows(s, e.eventId);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].paymentId, intent.paymentIntentId);
    assert.equal(rows[0].status, 'confirmed');
    const csv = await api(s.base, 'GET', `/api/events/${e.eventId}/registrations?format=csv`, { token: s.org.accessToken });
    assert.equal(csv.status, 200, csv.text);
    const table = parseCsv(csv.text);
    const col = table[0].indexOf('paymentId');
    assert.ok(col >= 0, `CSV header: ${table[0]}`);
    assert.equal(table[1][col], intent.paymentIntentId, 'CSV paymentId column');

    // Paid: no new intent, and paying again neither confirms twice nor issues more tickets.
    const late = await createIntent(s, s.att.accessToken, reg.registrationId);
    assertProblem(late, 409, 'create-intent for a confirmed registration');
    const twice = await sandboxPay(s, s.att.accessToken, intent.paymentIntentId);
    assert.ok(twice.status === 200 || twice.status === 409, `${twice.status} ${twice.text}`);
    const g2 = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g2.status, 'confirmed');
    assert.deepEqual(g2.tickets.map((t) => t.ticketId), g.tickets.map((t) => t.ticketId), 'no new tickets');
    assert.equal((await analytics(s, e.eventId)).revenue, 39.98, 'revenue counted once');
  });

  it('10 concurrent create-intent calls for one registration give one intent; 10 concurrent 4242 payments confirm once', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const reg = await registerOk(s.base, s.att.accessToken, e.eventId, 3);
    const cis = await Promise.all(Array.from({ length: 10 }, () => createIntent(s, s.att.accessToken, reg.registrationId)));
    for (const r of cis) assert.equal(r.status, 200, r.text);
    const ids = new Set(cis.map((r) => r.json.paymentIntentId));
    assert.equal(ids.size, 1, `one intent per registration, got ${[...ids]}`);
    const [pi] = ids;
    const pays = await Promise.all(Array.from({ length: 10 }, () => sandboxPay(s, s.att.accessToken, pi)));
    for (const r of pays) assert.ok(r.status === 200 || r.status === 409, `${r.status} ${r.text}`);
    assert.ok(pays.some((r) => r.status === 200 && r.json.status === 'confirmed'), pays.map((r) => r.status).join(','));
    const g = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g.status, 'confirmed');
    assertTicketsOnce(g, 3, 'concurrent payments');
    assert.equal((await analytics(s, e.eventId)).revenue, 59.97);
    await assertSeatsConsistent(s, e.eventId);
  });
});

// ---- the test cards ----

describe('POST /api/payments/sandbox/confirm: Stripe test cards', () => {
  it('declined, insufficient funds and unknown cards → 402 with a clear message; the hold stays; 4242 then succeeds', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 2);
    const cases = [
      [CARD_DECLINED, 'Your card was declined.', 'generic_decline'],
      ['4000-0000-0000-0002', 'Your card was declined.', 'generic_decline'],
      [CARD_NO_FUNDS, 'Your card has insufficient funds.', 'insufficient_funds'],
      ['4000 0000 0000 9995', 'Your card has insufficient funds.', 'insufficient_funds'],
    ];
    for (const [card, detail, code] of cases) {
      const r = await sandboxPay(s, s.att.accessToken, intent.paymentIntentId, card);
      assertProblem(r, 402, `card ${card}`);
      assert.equal(r.json.type, 'urn:admit:problem:payment-declined', r.text);
      assert.equal(r.json.detail, detail, r.text);
      assert.ok(Array.isArray(r.json.errors), r.text);
      assert.deepEqual(r.json.errors.map((x) => x.field), ['cardNumber'], r.text);
      assert.equal(r.json.errors[0].message, code, r.text);
    }
    // Any other well-formed number is declined too, with a clear message.
    for (const card of ['4111111111111111', '5555555555554444', '4000000000000069']) {
      const r = await sandboxPay(s, s.att.accessToken, intent.paymentIntentId, card);
      assertProblem(r, 402, `other card ${card}`);
      assert.equal(r.json.type, 'urn:admit:problem:payment-declined', r.text);
      assert.match(r.json.detail, /declined/i, r.text);
    }
    const g = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g.status, 'pending_payment', 'a decline leaves the hold');
    assert.deepEqual(g.tickets, []);
    assert.equal(g.holdExpiresAt, reg.holdExpiresAt, 'a decline does not change the hold');
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 2, 'the seats stay held');
    assert.equal((await analytics(s, e.eventId)).revenue, 0);

    // The buyer retries with a good card.
    const ok = await sandboxPay(s, s.att.accessToken, intent.paymentIntentId, CARD_OK);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.status, 'confirmed');
    assertTicketsOnce(ok.json, 2, 'after retry');
  });

  it('400 naming cardNumber for non-digits, missing or non-string numbers; 404 unknown intent; 401 anonymous; nothing changes', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 1);
    const pi = intent.paymentIntentId;
    for (const card of ['abcd', '4242-4242-4242-424x', '', '42']) {
      assertFieldError(await sandboxPay(s, s.att.accessToken, pi, card), 'cardNumber', `card ${JSON.stringify(card)}`);
    }
    const path = '/api/payments/sandbox/confirm';
    assertFieldError(await api(s.base, 'POST', path, { token: s.att.accessToken, body: { paymentIntentId: pi } }), 'cardNumber', 'missing');
    assertFieldError(await api(s.base, 'POST', path, { token: s.att.accessToken, body: { paymentIntentId: pi, cardNumber: 4242424242424242 } }),
      'cardNumber', 'a number');
    assertFieldError(await api(s.base, 'POST', path, { token: s.att.accessToken, body: { cardNumber: CARD_OK } }), 'paymentIntentId', 'no intent');
    assertProblem(await api(s.base, 'POST', path, { token: s.att.accessToken, rawBody: '{"paymentIntentId":' }), 400, 'malformed');
    assertProblem(await sandboxPay(s, s.att.accessToken, 'pi_sandbox_doesnotexist', CARD_OK), 404, 'unknown intent');
    assertProblem(await sandboxPay(s, undefined, pi, CARD_OK), 401, 'anonymous');
    const g = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g.status, 'pending_payment');
    assert.deepEqual(g.tickets, []);
  });
});

// ---- create-intent ----

describe('POST /api/payments/create-intent', () => {
  it('400 for a missing, non-string or extra field; 401 anonymous; 404 unknown; 409 free, cancelled', async () => {
    const s = srv;
    const path = '/api/payments/create-intent';
    const e = await paidEvent(s);
    const reg = await registerOk(s.base, s.att.accessToken, e.eventId, 1);
    assertFieldError(await api(s.base, 'POST', path, { token: s.att.accessToken, body: {} }), 'registrationId', 'missing');
    assertFieldError(await api(s.base, 'POST', path, { token: s.att.accessToken, body: { registrationId: 7 } }), 'registrationId', 'number');
    assertFieldError(await api(s.base, 'POST', path, { token: s.att.accessToken, body: { registrationId: reg.registrationId, amount: 0.01 } }),
      'amount', 'a client-chosen amount');
    assertProblem(await api(s.base, 'POST', path, { token: s.att.accessToken, rawBody: '[' }), 400, 'malformed');
    assertProblem(await createIntent(s, undefined, reg.registrationId), 401, 'anonymous');
    assertProblem(await createIntent(s, 'not.a.jwt', reg.registrationId), 401, 'bad token');
    assertProblem(await createIntent(s, s.att.accessToken, 'AAAAAAAAAAAAAAAAAAAAAA'), 404, 'unknown');

    const free = await createEvent(s.base, s.org.accessToken, { price: 0 });
    const fr = await registerOk(s.base, s.att.accessToken, free.eventId, 1);
    assertProblem(await createIntent(s, s.att.accessToken, fr.registrationId), 409, 'free (confirmed) registration');

    // Another event: one unpaid order per attendee and event at a time.
    const gone = await registerOk(s.base, s.att.accessToken, (await paidEvent(s)).eventId, 1);
    assert.equal((await cancelReg(s, gone.registrationId, s.att.accessToken)).status, 200);
    assertProblem(await createIntent(s, s.att.accessToken, gone.registrationId), 409, 'cancelled registration');
  });

  it('Idempotency-Key: the same key and body give the same intent; a key over 255 characters is a 400', async () => {
    const s = srv;
    const e = await paidEvent(s);
    const reg = await registerOk(s.base, s.att.accessToken, e.eventId, 1);
    const key = uniqueWord('idem');
    const a = await createIntent(s, s.att.accessToken, reg.registrationId, { 'Idempotency-Key': key });
    assert.equal(a.status, 200, a.text);
    const b = await createIntent(s, s.att.accessToken, reg.registrationId, { 'Idempotency-Key': key });
    assert.equal(b.status, 200, b.text);
    assert.equal(b.json.paymentIntentId, a.json.paymentIntentId);
    assert.equal(b.json.clientSecret, a.json.clientSecret);
    const long = await createIntent(s, s.att.accessToken, reg.registrationId, { 'Idempotency-Key': 'k'.repeat(256) });
    assertProblem(long, 400, 'key too long');
  });

  it('Idempotency-Key: the same key with a different registration → 409 idempotency-mismatch', async () => {
    const s = srv;
    const e = await paidEvent(s);
    const first = await registerOk(s.base, s.att.accessToken, e.eventId, 1);
    // Another event: one unpaid order per attendee and event at a time.
    const second = await registerOk(s.base, s.att.accessToken, (await paidEvent(s)).eventId, 1);
    const key = uniqueWord('idem');
    const a = await createIntent(s, s.att.accessToken, first.registrationId, { 'Idempotency-Key': key });
    assert.equal(a.status, 200, a.text);
    const b = await createIntent(s, s.att.accessToken, second.registrationId, { 'Idempotency-Key': key });
    assertProblem(b, 409, 'same key, other registrationId (API.md: a different body → 409)');
    assert.equal(b.json.type, 'urn:admit:problem:idempotency-mismatch', b.text);
    assert.equal((await getReg(s, second.registrationId, s.att.accessToken)).paymentId, null, 'no intent for the second registration');
  });
});

// ---- ownership ----

describe('nobody pays for, or reads the intent of, another attendee\'s registration', () => {
  it('another attendee or organizer gets 404 from create-intent and sandbox/confirm; nothing changes; the owner still pays', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 2);
    for (const [who, token] of [['other attendee', s.att2.accessToken], ['other organizer', s.org2.accessToken]]) {
      const ci = await createIntent(s, token, reg.registrationId);
      assertProblem(ci, 404, `create-intent by ${who}`);
      assert.ok(!ci.text.includes(intent.paymentIntentId) && !ci.text.includes(intent.clientSecret), `no intent leaks to ${who}`);
      const pay = await sandboxPay(s, token, intent.paymentIntentId, CARD_OK);
      assertProblem(pay, 404, `sandbox/confirm by ${who}`);
      assert.ok(!pay.text.includes(reg.registrationId), `no registration leaks to ${who}`);
    }
    // The event's organizer is not the buyer either: no intent for them.
    const byOrganizer = await createIntent(s, s.org.accessToken, reg.registrationId);
    assert.ok(byOrganizer.status === 403 || byOrganizer.status === 404, `${byOrganizer.status} ${byOrganizer.text}`);
    assert.ok(!byOrganizer.text.includes(intent.clientSecret), 'the organizer does not get the client secret');

    const g = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g.status, 'pending_payment');
    assert.deepEqual(g.tickets, []);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 2);
    const mine = await collectPages(s.base, '/api/registrations', s.att2.accessToken, { limit: 100 });
    assert.ok(!mine.items.some((r) => r.registrationId === reg.registrationId), 'not in the other attendee\'s list');

    const ok = await sandboxPay(s, s.att.accessToken, intent.paymentIntentId, CARD_OK);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.status, 'confirmed');
    assert.equal(ok.json.userId, s.att.user.userId);
  });
});

// ---- webhook signatures ----

/** Reads the test vector from ../shared/stripe/README.md; skips the test where that folder is absent. */
async function stripeTestVector(t) {
  if (!existsSync(SHARED_STRIPE)) {
    t.skip(`${SHARED_STRIPE} is absent: Stripe's published artefacts (and its webhook test vector) are not available here`);
    return null;
  }
  const readme = await readFile(`${SHARED_STRIPE}README.md`, 'utf8');
  const m = /Test vector:\s*secret\s*`([^`]+)`,\s*t=(\d+),\s*body\s*`([^`]+)`\s*→\s*v1=`([0-9a-f]{64})`/.exec(readme);
  assert.ok(m, `the webhook test vector was not found in ${SHARED_STRIPE}README.md`);
  return { secret: m[1], timestamp: Number(m[2]), payload: m[3], v1: m[4] };
}

describe('POST /api/payments/webhook: signatures (Stripe-Signature, HMAC-SHA256, 300 s tolerance)', () => {
  it('the test vector of ../shared/stripe: Stripe\'s SDK yields its v1 (as does a plain HMAC over "t.body")', async (t) => {
    const v = await stripeTestVector(t);
    if (!v) return;
    const header = Stripe.webhooks.generateTestHeaderString({ payload: v.payload, secret: v.secret, timestamp: v.timestamp });
    assert.equal(header, `t=${v.timestamp},v1=${v.v1}`);
    const hmac = createHmac('sha256', v.secret).update(`${v.timestamp}.${v.payload}`).digest('hex');
    assert.equal(hmac, v.v1, 'HMAC-SHA256 keyed with the whole secret over "<t>.<raw body>"');
  });

  it('the test vector\'s own header (t=1700000000) is rejected as stale; the same body signed now is accepted', async (t) => {
    const v = await stripeTestVector(t);
    if (!v) return;
    const s = srv;
    assert.equal(v.secret, SECRET, 'the servers of this file are started with the test vector\'s secret');
    assert.ok(Date.now() / 1000 - v.timestamp > 300, 'the vector is older than the tolerance');
    const stale = await deliver(s, null, { payload: v.payload, header: `t=${v.timestamp},v1=${v.v1}` });
    assertInvalidSignature(stale, 'the test vector\'s header is more than 300 s old');
    // The same bytes, signed with the same secret at the current time, pass the check (no such intent).
    const fresh = await deliver(s, null, { payload: v.payload, secret: v.secret });
    assertReceived(fresh);
    assert.ok(['unknown', 'ignored'].includes(fresh.json.result), fresh.text);
  });

  it('unsigned, wrong-secret, malformed-header and tampered deliveries → 400 invalid-signature; nothing changes', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 2);
    const ev = stripeEvent('payment_intent.succeeded', intent);
    const body = JSON.stringify(ev, null, 2);
    const good = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET });
    const ts = /t=(\d+)/.exec(good)[1];
    const v1 = /v1=([0-9a-f]+)/.exec(good)[1];

    assertInvalidSignature(await deliver(s, ev, { header: null }), 'no Stripe-Signature');
    assertInvalidSignature(await deliver(s, ev, { header: '' }), 'empty Stripe-Signature');
    assertInvalidSignature(await deliver(s, ev, { secret: 'whsec_someone_else' }), 'signed with another secret');
    assertInvalidSignature(await deliver(s, ev, { secret: '' }), 'signed with an empty secret');
    assertInvalidSignature(await deliver(s, ev, { header: `v1=${v1}` }), 'no timestamp');
    assertInvalidSignature(await deliver(s, ev, { header: `t=${ts}` }), 'no v1');
    assertInvalidSignature(await deliver(s, ev, { header: `t=${ts},v0=${v1}` }), 'only a v0 (test-mode legacy) signature');
    assertInvalidSignature(await deliver(s, ev, { header: `t=${Number(ts) + 1},v1=${v1}` }), 'another timestamp than signed');
    assertInvalidSignature(await deliver(s, ev, { header: `t=${ts},v1=${v1.slice(0, 63)}` }), 'truncated v1');
    assertInvalidSignature(await deliver(s, ev, { header: `t=${ts},v1=${'0'.repeat(64)}` }), 'zero v1');
    // Tampered: a valid header for other bytes.
    assertInvalidSignature(await deliver(s, ev, { payload: body.replace(ev.id, `${ev.id}x`), header: good }), 'tampered event id');
    assertInvalidSignature(await deliver(s, ev, { payload: `${body}\n`, header: good }), 'one byte appended');
    assertInvalidSignature(await deliver(s, ev, { payload: JSON.stringify(ev), header: good }), 're-serialized (whitespace changed)');
    const failed = stripeEvent('payment_intent.payment_failed', intent);
    const failedBody = JSON.stringify(failed);
    const failedHeader = Stripe.webhooks.generateTestHeaderString({ payload: failedBody, secret: SECRET });
    assertInvalidSignature(await deliver(s, null, {
      payload: failedBody.replace('payment_intent.payment_failed', 'payment_intent.succeeded'), header: failedHeader,
    }), 'payment_failed turned into succeeded');

    const g = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g.status, 'pending_payment', 'nothing changed');
    assert.deepEqual(g.tickets, []);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 2);

    // The genuine delivery still works afterwards (the event id was not burnt by the rejects).
    assertReceived(await deliver(s, ev, { payload: body, header: good }), 'confirmed', reg.registrationId);
  });

  it('stale: a valid signature older than 300 s → 400 and nothing changes; 250 s old is still accepted', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 1);
    const ev = stripeEvent('payment_intent.succeeded', intent);
    const now = Math.floor(Date.now() / 1000);
    assertInvalidSignature(await deliver(s, ev, { timestamp: now - 310 }), '310 s old');
    assertInvalidSignature(await deliver(s, ev, { timestamp: now - 3600 }), 'an hour old');
    const g = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g.status, 'pending_payment');
    assert.deepEqual(g.tickets, []);
    assertReceived(await deliver(s, ev, { timestamp: now - 250 }), 'confirmed', reg.registrationId);
  });

  it('accepts Stripe\'s real delivery forms: pretty-printed JSON with charset, several v1 signatures (secret rotation)', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const one = await holdWithIntent(s, s.att, e.eventId, 1);
    const r1 = await deliver(s, stripeEvent('payment_intent.succeeded', one.intent),
      { headers: { 'Content-Type': 'application/json; charset=utf-8', 'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' } });
    assertReceived(r1, 'confirmed', one.reg.registrationId);

    const two = await holdWithIntent(s, s.att, e.eventId, 1);
    const body = JSON.stringify(stripeEvent('payment_intent.succeeded', two.intent), null, 2);
    const good = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET });
    const ts = /t=(\d+)/.exec(good)[1];
    const v1 = /v1=([0-9a-f]+)/.exec(good)[1];
    const old = /v1=([0-9a-f]+)/.exec(Stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_old', timestamp: Number(ts) }))[1];
    const r2 = await deliver(s, null, { payload: body, header: `t=${ts},v1=${old},v0=${'0'.repeat(64)},v1=${v1}` });
    assertReceived(r2, 'confirmed', two.reg.registrationId);
  });

  it('a validly signed body that is not a JSON object → 400 malformed-json', async () => {
    const s = srv;
    for (const payload of ['{"id":"evt_1",', '[]', '"evt"']) {
      const r = await deliver(s, null, { payload });
      assertProblem(r, 400, `payload ${payload}`);
      assert.equal(r.json.type, 'urn:admit:problem:malformed-json', r.text);
    }
  });

  it('other event types → ignored; an unknown intent → unknown; nothing changes', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 1);
    for (const type of ['charge.succeeded', 'payment_intent.created', 'customer.created']) {
      assertReceived(await deliver(s, stripeEvent(type, intent)), 'ignored');
    }
    assertReceived(await deliver(s, stripeEvent('payment_intent.succeeded', { ...intent, paymentIntentId: 'pi_sandbox_unknown0000' })), 'unknown');
    assertReceived(await deliver(s, stripeEvent('payment_intent.succeeded', { ...intent, paymentIntentId: 'pi_3L0mY2Stripe000000' })), 'unknown');
    const g = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g.status, 'pending_payment');
    assert.deepEqual(g.tickets, []);
  });
});

// ---- webhook idempotency and ordering ----

describe('POST /api/payments/webhook: duplicated, concurrent and reordered events change nothing twice', () => {
  it('the same event delivered twice (signed by Stripe\'s SDK) → confirmed, then duplicate; tickets issued once', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 3);
    const ev = stripeEvent('payment_intent.succeeded', intent);
    assertReceived(await deliver(s, ev), 'confirmed', reg.registrationId);
    const first = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(first.status, 'confirmed');
    assert.equal(first.paymentId, intent.paymentIntentId);
    assertTicketsOnce(first, 3, 'first delivery');
    // Stripe retries with a fresh signature (new timestamp) and the same event id.
    await sleep(1100);
    assertReceived(await deliver(s, ev), 'duplicate', reg.registrationId);
    const second = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(second.status, 'confirmed');
    assert.deepEqual(second.tickets.map((t) => t.ticketId), first.tickets.map((t) => t.ticketId), 'the same tickets, no new ones');
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 3);
    const a = await analytics(s, e.eventId);
    assert.equal(a.confirmed, 3);
    assert.equal(a.revenue, 59.97, 'revenue counted once');
  });

  it('20 concurrent deliveries of one event → exactly one confirmed, 19 duplicate; tickets once', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 2);
    const ev = stripeEvent('payment_intent.succeeded', intent);
    const rs = await Promise.all(Array.from({ length: 20 }, () => deliver(s, ev)));
    for (const r of rs) assertReceived(r);
    const results = rs.map((r) => r.json.result);
    assert.equal(results.filter((x) => x === 'confirmed').length, 1, results.join(','));
    assert.equal(results.filter((x) => x === 'duplicate').length, 19, results.join(','));
    const g = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g.status, 'confirmed');
    assertTicketsOnce(g, 2, '20 deliveries');
    await assertSeatsConsistent(s, e.eventId);
  });

  it('two different events for the same success, concurrently → one confirmed, one already_done; tickets once', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    for (let round = 0; round < 3; round++) {
      const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 2);
      const rs = await Promise.all([
        deliver(s, stripeEvent('payment_intent.succeeded', intent)),
        deliver(s, stripeEvent('payment_intent.succeeded', intent)),
      ]);
      for (const r of rs) assertReceived(r, undefined, reg.registrationId);
      assert.deepEqual(rs.map((r) => r.json.result).sort(), ['already_done', 'confirmed'], rs.map((r) => r.text).join('\n'));
      const g = await getReg(s, reg.registrationId, s.att.accessToken);
      assert.equal(g.status, 'confirmed');
      assertTicketsOnce(g, 2, `round ${round}`);
    }
    await assertSeatsConsistent(s, e.eventId);
    assert.equal((await analytics(s, e.eventId)).revenue, 119.94);
  });

  it('reordered: payment_failed after succeeded changes nothing', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 2);
    assertReceived(await deliver(s, stripeEvent('payment_intent.succeeded', intent)), 'confirmed', reg.registrationId);
    const before = await getReg(s, reg.registrationId, s.att.accessToken);
    const r = await deliver(s, stripeEvent('payment_intent.payment_failed', intent));
    assertReceived(r);
    assert.notEqual(r.json.result, 'confirmed', r.text);
    const g = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g.status, 'confirmed');
    assert.equal(g.paymentId, intent.paymentIntentId);
    assert.deepEqual(g.tickets, before.tickets, 'tickets untouched and valid');
    assertTicketsOnce(g, 2);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 2);
  });

  it('reordered: succeeded after payment_failed confirms; the failure alone leaves the hold', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 2);
    const f = await deliver(s, stripeEvent('payment_intent.payment_failed', intent));
    assertReceived(f);
    assert.notEqual(f.json.result, 'confirmed', f.text);
    const held = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(held.status, 'pending_payment', 'a failure leaves the hold');
    assert.equal(held.holdExpiresAt, reg.holdExpiresAt);
    assert.deepEqual(held.tickets, []);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 2, 'seats still held');
    assertReceived(await deliver(s, stripeEvent('payment_intent.succeeded', intent)), 'confirmed', reg.registrationId);
    const g = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g.status, 'confirmed');
    assertTicketsOnce(g, 2);
  });
});

// ---- hold expiry and late payments (ADMIT_HOLD_SECONDS=2) ----

describe('hold expiry and late payments (ADMIT_HOLD_SECONDS=2)', () => {
  it('an unpaid hold expires within ~3.5 s and frees exactly its seats, once', async () => {
    const s = fast;
    const e = await paidEvent(s, { capacity: 10 });
    // B paid (3 seats), C holds 2 and pays, A holds 4 and never pays.
    const b = await holdWithIntent(s, s.att2, e.eventId, 3);
    assert.equal((await sandboxPay(s, s.att2.accessToken, b.intent.paymentIntentId)).status, 200);
    const a = await holdWithIntent(s, s.att, e.eventId, 4);
    assert.equal(Date.parse(a.reg.holdExpiresAt) - Date.parse(a.reg.registeredAt), HOLD_SECONDS * 1000, 'hold = registeredAt + 2 s');
    const c = await registerOk(s.base, s.org2.accessToken, e.eventId, 2);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 9);
    const ci = await createIntent(s, s.org2.accessToken, c.registrationId);
    assert.equal((await sandboxPay(s, s.org2.accessToken, ci.json.paymentIntentId)).status, 200);

    // Due 2 s after it was placed (whole seconds); the sweep runs every second; 1 s to spare.
    // Measured from the hold's own expiry, not from before the setup above, which a busy
    // machine slows.
    const due = Date.parse(a.reg.holdExpiresAt);
    const expired = await waitStatus(s, a.reg.registrationId, s.att.accessToken, 'expired', due + 2000 - Date.now());
    assert.deepEqual(expired.tickets, []);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 5, 'exactly the 4 held seats were released');
    await sleep(1500); // several more sweeps
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 5, 'released once, not again');
    assert.equal((await getReg(s, b.reg.registrationId, s.att2.accessToken)).status, 'confirmed');
    assert.equal((await getReg(s, c.registrationId, s.org2.accessToken)).status, 'confirmed');
    assertProblem(await createIntent(s, s.att.accessToken, a.reg.registrationId), 409, 'create-intent on an expired hold');
    const an = await analytics(s, e.eventId);
    assert.equal(an.pending, 0);
    assert.equal(an.confirmed, 5);
    await assertSeatsConsistent(s, e.eventId);
    // The freed seats can be taken again (by another attendee: A's own hold lapsed, so A waits a
    // hold's length; the policy suite tests that).
    await registerOk(s.base, s.org.accessToken, e.eventId, 5);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 10);
  });

  it('a success arriving after the hold expired confirms when the seats are still free; counts stay consistent', async () => {
    const s = fast;
    const e = await paidEvent(s, { capacity: 5, maxPerAttendee: 5 });
    const other = await holdWithIntent(s, s.att2, e.eventId, 1);
    assert.equal((await sandboxPay(s, s.att2.accessToken, other.intent.paymentIntentId)).json?.status, 'confirmed');
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 3);
    await waitStatus(s, reg.registrationId, s.att.accessToken, 'expired', 3500);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 1);
    assertReceived(await deliver(s, stripeEvent('payment_intent.succeeded', intent)), 'confirmed', reg.registrationId);
    const g = await getReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(g.status, 'confirmed');
    assert.equal(g.paymentId, intent.paymentIntentId);
    assertTicketsOnce(g, 3, 'late confirmation');
    await sleep(1200); // a sweep later: still confirmed, seats counted once
    assert.equal((await getReg(s, reg.registrationId, s.att.accessToken)).status, 'confirmed');
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 4);
    assert.equal((await getReg(s, other.reg.registrationId, s.att2.accessToken)).status, 'confirmed');
    await assertSeatsConsistent(s, e.eventId);
    assert.equal((await analytics(s, e.eventId)).revenue, 79.96);
  });

  it('a success arriving after the hold expired and the seats were sold → refunded; registeredCount == capacity', async () => {
    const s = fast;
    const e = await paidEvent(s, { capacity: 2, maxPerAttendee: 2, price: 10, currency: 'EUR' });
    const a = await holdWithIntent(s, s.att, e.eventId, 2);
    await waitStatus(s, a.reg.registrationId, s.att.accessToken, 'expired', 3500);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 0);
    // B takes both seats and pays.
    const b = await holdWithIntent(s, s.att2, e.eventId, 2);
    const paid = await sandboxPay(s, s.att2.accessToken, b.intent.paymentIntentId);
    assert.equal(paid.status, 200, paid.text);
    assert.equal(paid.json.status, 'confirmed');
    // Then A's success arrives.
    const r = await deliver(s, stripeEvent('payment_intent.succeeded', a.intent));
    assertReceived(r, undefined, a.reg.registrationId);
    assert.ok(['refunding', 'already_done'].includes(r.json.result), r.text);
    const ev = await getEvent(s, e.eventId);
    assert.equal(ev.registeredCount, 2, 'never oversold');
    assert.equal(ev.registeredCount, ev.capacity);
    const refunded = await waitStatus(s, a.reg.registrationId, s.att.accessToken, 'refunded', 3000);
    assert.ok(refunded.tickets.every((t) => t.status !== 'valid'), `no valid tickets for A: ${JSON.stringify(refunded.tickets)}`);
    // A retry of the same success changes nothing.
    assertReceived(await deliver(s, stripeEvent('payment_intent.succeeded', a.intent)), undefined, a.reg.registrationId);
    assert.equal((await getReg(s, a.reg.registrationId, s.att.accessToken)).status, 'refunded');
    const bb = await getReg(s, b.reg.registrationId, s.att2.accessToken);
    assert.equal(bb.status, 'confirmed');
    assertTicketsOnce(bb, 2, 'B keeps the seats');
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 2);
    const an = await analytics(s, e.eventId);
    assert.equal(an.confirmed, 2);
    assert.equal(an.revenue, 20, 'only B\'s payment is revenue');
    await assertSeatsConsistent(s, e.eventId);
  });

  it('a success arriving after the hold expired never takes the attendee past maxPerAttendee: refunded', async () => {
    const s = fast;
    const e = await paidEvent(s, { capacity: 5, maxPerAttendee: 1, price: 7, currency: 'EUR' });
    const first = await holdWithIntent(s, s.att, e.eventId, 1);
    await waitStatus(s, first.reg.registrationId, s.att.accessToken, 'expired', HOLD_SECONDS * 1000 + 2500);
    // A hold's length later the attendee orders again and pays; then the first success arrives.
    const again = Date.parse(first.reg.holdExpiresAt) + HOLD_SECONDS * 1000;
    await sleep(Math.max(0, again - Date.now() + 1000));
    const second = await holdWithIntent(s, s.att, e.eventId, 1);
    assert.equal((await sandboxPay(s, s.att.accessToken, second.intent.paymentIntentId)).json?.status, 'confirmed');
    const r = await deliver(s, stripeEvent('payment_intent.succeeded', first.intent));
    assertReceived(r, undefined, first.reg.registrationId);
    assert.ok(['refunding', 'refunded'].includes(r.json.result), r.text);
    const refunded = await waitStatus(s, first.reg.registrationId, s.att.accessToken, 'refunded', 3000);
    assert.ok(refunded.tickets.every((t) => t.status !== 'valid'), JSON.stringify(refunded.tickets));
    const mine = (await eventRows(s, e.eventId)).filter((row) => row.status === 'confirmed');
    assert.equal(mine.reduce((n, row) => n + row.quantity, 0), 1, 'one confirmed seat, as maxPerAttendee says');
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 1);
    await assertSeatsConsistent(s, e.eventId);
  });

  it('late successes racing new buyers for the freed seats never oversell; every seat ends paid exactly once', async () => {
    const s = fast;
    const capacity = 6;
    const e = await paidEvent(s, { capacity, maxPerAttendee: 1, price: 5 });
    const people = await Promise.all(Array.from({ length: 2 * capacity }, () => signup(s.base, 'attendee')));
    const late = people.slice(0, capacity);
    const buyers = people.slice(capacity);
    const holds = await Promise.all(late.map((p) => holdWithIntent(s, p, e.eventId, 1)));
    assertProblem(await registerFor(s.base, buyers[0].accessToken, e.eventId, 1), 409, 'held out');
    const ev0 = await waitFor(() => getEvent(s, e.eventId), (x) => x.registeredCount === 0, 3500);
    assert.equal(ev0.registeredCount, 0, 'all holds expired');

    const samples = [];
    const sample = async () => samples.push((await getEvent(s, e.eventId)).registeredCount);
    const buys = buyers.map(async (p) => {
      const r = await registerFor(s.base, p.accessToken, e.eventId, 1);
      await sample();
      if (r.status !== 201) {
        assert.equal(r.status, 409, r.text);
        return null;
      }
      const ci = await createIntent(s, p.accessToken, r.json.registrationId);
      assert.equal(ci.status, 200, ci.text);
      const pay = await sandboxPay(s, p.accessToken, ci.json.paymentIntentId);
      assert.equal(pay.status, 200, pay.text);
      await sample();
      return r.json.registrationId;
    });
    const successes = holds.map(async (h) => {
      const r = await deliver(s, stripeEvent('payment_intent.succeeded', h.intent));
      assertReceived(r, undefined, h.reg.registrationId);
      await sample();
      return r.json.result;
    });
    const [bought, results] = await Promise.all([Promise.all(buys), Promise.all(successes)]);
    for (const r of results) assert.ok(['confirmed', 'refunding'].includes(r), results.join(','));
    assert.ok(samples.every((c) => c <= capacity), `registeredCount exceeded capacity: ${samples}`);

    const finalLate = await Promise.all(holds.map((h, i) =>
      waitFor(() => getReg(s, h.reg.registrationId, late[i].accessToken), (g) => g.status !== 'refund_pending', 3000)));
    for (const g of finalLate) assert.ok(['confirmed', 'refunded'].includes(g.status), `late payer ends confirmed or refunded: ${g.status}`);
    const { event, rows } = await assertSeatsConsistent(s, e.eventId, 'after the race');
    assert.equal(event.registeredCount, capacity, 'every seat is taken');
    const confirmed = rows.filter((r) => r.status === 'confirmed');
    assert.equal(confirmed.length, capacity, JSON.stringify(rows.map((r) => r.status)));
    assert.equal(rows.filter((r) => r.status === 'refund_pending').length, 0);
    assert.equal(confirmed.length, finalLate.filter((g) => g.status === 'confirmed').length + bought.filter(Boolean).length);
    assert.equal((await analytics(s, e.eventId)).revenue, 5 * capacity);
  });
});

// ---- refunds ----

describe('refunds', () => {
  it('cancelling a confirmed paid registration → refund_pending, then refunded; seats released, tickets void', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const keep = await holdWithIntent(s, s.att2, e.eventId, 1);
    assert.equal((await sandboxPay(s, s.att2.accessToken, keep.intent.paymentIntentId)).status, 200);
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 3);
    const paid = await sandboxPay(s, s.att.accessToken, intent.paymentIntentId);
    assert.equal(paid.json.status, 'confirmed', paid.text);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 4);

    const c = await cancelReg(s, reg.registrationId, s.att.accessToken);
    assert.equal(c.status, 200, c.text);
    assert.ok(['refund_pending', 'refunded'].includes(c.json.status), c.text);
    for (const t of c.json.tickets) assert.equal(t.status, 'cancelled');
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 1, 'seats released at once');
    const done = await waitStatus(s, reg.registrationId, s.att.accessToken, 'refunded', 3000);
    assert.equal(done.paymentId, intent.paymentIntentId);
    for (const t of done.tickets) assert.equal(t.status, 'cancelled');
    const v = await api(s.base, 'POST', '/api/tickets/validate', { token: s.org.accessToken, body: { qrCode: paid.json.tickets[0].qrCode } });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.result, 'cancelled', 'a refunded ticket does not admit');
    assertProblem(await cancelReg(s, reg.registrationId, s.att.accessToken), 409, 'cancel again');
    // A late (re)delivery of the old success does not revive it.
    assertReceived(await deliver(s, stripeEvent('payment_intent.succeeded', intent)), undefined, reg.registrationId);
    assert.equal((await getReg(s, reg.registrationId, s.att.accessToken)).status, 'refunded');
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 1);
    const an = await analytics(s, e.eventId);
    assert.equal(an.confirmed, 1);
    assert.equal(an.revenue, 19.99, 'the refunded payment is not revenue');
    assert.equal(an.refunded, 59.97, 'the refund is counted as refunded');
    assert.equal(an.refundPending, 0);
    await assertSeatsConsistent(s, e.eventId);
  });

  it('the event\'s organizer may cancel a paid registration: refunded too', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const { reg, intent } = await holdWithIntent(s, s.att, e.eventId, 2);
    assert.equal((await sandboxPay(s, s.att.accessToken, intent.paymentIntentId)).status, 200);
    const c = await cancelReg(s, reg.registrationId, s.org.accessToken);
    assert.equal(c.status, 200, c.text);
    await waitStatus(s, reg.registrationId, s.att.accessToken, 'refunded', 3000);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 0);
  });

  it('cancelling a paid event refunds every paid registration; unpaid ones are cancelled; a payment arriving later is refunded', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 20 });
    const payers = [];
    for (const who of [s.att, s.att2, s.org2]) {
      const h = await holdWithIntent(s, who, e.eventId, 2);
      const p = await sandboxPay(s, who.accessToken, h.intent.paymentIntentId);
      assert.equal(p.json?.status, 'confirmed', p.text);
      payers.push({ who, ...h, tickets: p.json.tickets });
    }
    const unpaid = await holdWithIntent(s, s.att, e.eventId, 1);
    const noIntent = await registerOk(s.base, s.att2.accessToken, e.eventId, 1);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 8);

    const d = await api(s.base, 'DELETE', `/api/events/${e.eventId}`, { token: s.org.accessToken });
    assert.equal(d.status, 200, d.text);
    for (const p of payers) {
      const g = await waitStatus(s, p.reg.registrationId, p.who.accessToken, 'refunded', 3000);
      for (const t of g.tickets) assert.equal(t.status, 'cancelled');
    }
    assert.equal((await getReg(s, unpaid.reg.registrationId, s.att.accessToken)).status, 'cancelled');
    assert.equal((await getReg(s, noIntent.registrationId, s.att2.accessToken)).status, 'cancelled');
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 0);
    const v = await api(s.base, 'POST', '/api/tickets/validate', { token: s.org.accessToken, body: { qrCode: payers[0].tickets[0].qrCode } });
    assert.equal(v.json?.result, 'cancelled', v.text);

    // The unpaid buyer's payment still goes through at the provider: it must be refunded, not confirmed.
    const late = await sandboxPay(s, s.att.accessToken, unpaid.intent.paymentIntentId);
    assert.ok([200, 402, 409].includes(late.status), `${late.status} ${late.text}`);
    if (late.status === 200) assert.notEqual(late.json.status, 'confirmed', late.text);
    const g = await waitFor(() => getReg(s, unpaid.reg.registrationId, s.att.accessToken),
      (x) => x.status === 'refunded' || x.status === 'cancelled', 3000);
    assert.ok(['refunded', 'cancelled'].includes(g.status), `after the event was cancelled: ${g.status}`);
    assert.ok(g.tickets.every((t) => t.status !== 'valid'), JSON.stringify(g.tickets));
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 0);
    const an = await analytics(s, e.eventId);
    assert.equal(an.confirmed, 0);
    assert.equal(an.revenue, 0);
    assert.equal(an.refunded, g.status === 'refunded' ? 139.93 : 119.94, JSON.stringify(an));
  });

  it('a payment for a registration cancelled while pending never revives it (refunded or refused, no seats, no tickets)', async () => {
    const s = srv;
    const e = await paidEvent(s, { capacity: 10 });
    const byOrg = await holdWithIntent(s, s.att, e.eventId, 2);
    const byOwner = await holdWithIntent(s, s.att2, e.eventId, 1);
    assert.equal((await cancelReg(s, byOrg.reg.registrationId, s.org.accessToken)).status, 200);
    assert.equal((await cancelReg(s, byOwner.reg.registrationId, s.att2.accessToken)).status, 200);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 0);
    // The organizer's cancellation is followed by the buyer paying in the sandbox; the owner's by
    // Stripe reporting a success that was already under way.
    const r1 = await sandboxPay(s, s.att.accessToken, byOrg.intent.paymentIntentId);
    const r2 = await deliver(s, stripeEvent('payment_intent.succeeded', byOwner.intent));
    assertReceived(r2, undefined, byOwner.reg.registrationId);
    const finals = [];
    for (const [h, who] of [[byOrg, s.att], [byOwner, s.att2]]) {
      finals.push(await waitFor(() => getReg(s, h.reg.registrationId, who.accessToken),
        (x) => x.status === 'refunded' || x.status === 'cancelled', 3000));
    }
    const seen = `sandbox/confirm after the organizer cancelled → ${r1.status} ${r1.json?.status ?? r1.text.slice(0, 200)}, ` +
      `then ${finals[0].status}; succeeded webhook after the owner cancelled → ${r2.json.result}, then ${finals[1].status}`;
    for (const g of finals) {
      assert.ok(['refunded', 'cancelled'].includes(g.status), `a cancelled registration was revived: ${seen}`);
      assert.ok(g.tickets.every((t) => t.status !== 'valid'), `${seen}: ${JSON.stringify(g.tickets)}`);
    }
    assert.notEqual(r2.json.result, 'confirmed', seen);
    assert.equal((await getEvent(s, e.eventId)).registeredCount, 0);
  });
});

// ---- no oversell ----

describe('holds never let confirmed + held exceed capacity', () => {
  it('capacity 20, 60 attendees register and pay concurrently → registeredCount ≤ 20 throughout, 20 confirmed', async () => {
    const s = srv;
    const capacity = 20;
    const e = await paidEvent(s, { capacity, maxPerAttendee: 1, price: 12.5, currency: 'EUR' });
    const people = await mapPool(Array.from({ length: 60 }), 16, () => signup(s.base, 'attendee'));
    const samples = [];
    let running = true;
    const sampler = (async () => {
      while (running) samples.push((await getEvent(s, e.eventId)).registeredCount);
    })();
    const outcomes = await Promise.all(people.map(async (p) => {
      const r = await registerFor(s.base, p.accessToken, e.eventId, 1);
      samples.push((await getEvent(s, e.eventId)).registeredCount);
      if (r.status !== 201) {
        assertProblem(r, 409, 'sold out');
        assert.equal(r.json.type, 'urn:admit:problem:sold-out', r.text);
        return 'sold-out';
      }
      const ci = await createIntent(s, p.accessToken, r.json.registrationId);
      assert.equal(ci.status, 200, ci.text);
      samples.push((await getEvent(s, e.eventId)).registeredCount);
      const pay = await sandboxPay(s, p.accessToken, ci.json.paymentIntentId);
      assert.equal(pay.status, 200, pay.text);
      assert.equal(pay.json.status, 'confirmed');
      assertTicketsOnce(pay.json, 1);
      samples.push((await getEvent(s, e.eventId)).registeredCount);
      return 'confirmed';
    }));
    running = false;
    await sampler;
    assert.ok(samples.length >= 60, `sampled ${samples.length} times`);
    assert.ok(samples.every((c) => c <= capacity), `registeredCount went over ${capacity}: max ${Math.max(...samples)}`);
    assert.equal(outcomes.filter((o) => o === 'confirmed').length, capacity, outcomes.join(','));
    assert.equal(outcomes.filter((o) => o === 'sold-out').length, 40);
    const { event } = await assertSeatsConsistent(s, e.eventId);
    assert.equal(event.registeredCount, capacity);
    const an = await analytics(s, e.eventId);
    assert.equal(an.confirmed, capacity);
    assert.equal(an.pending, 0);
    assert.equal(an.revenue, 250);
  });
});

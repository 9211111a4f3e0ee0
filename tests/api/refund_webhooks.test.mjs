// Stripe's refund webhooks (issue 15, "Partial cancellation"): a card refund may be `pending` at
// first and end `succeeded` or `failed` later, reported by refund.updated, refund.failed or
// charge.refunded. The sandbox's test cards 4000 0000 0000 7726 (refunds pending, then succeeded)
// and 4000 0000 0000 5126 (pending, then failed: expired_or_canceled_card) make such refunds and
// end them through the same signed webhook Stripe's deliveries take; deliveries signed here with
// Stripe's own SDK check duplicates, late contradictions and unknown refunds.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startWithAccounts, api, createEvent, getRegistration, importStripe, uniqueWord, sleep,
} from './harness.mjs';

const SECRET = 'whsec_test_secret';
const Stripe = importStripe();
const PENDING_THEN_SUCCEEDED = '4000 0000 0000 7726';
const PENDING_THEN_FAILED = '4000 0000 0000 5126';

let srv, base, org, att;

before(async () => {
  ({ srv, base, accounts: [org, att] } = await startWithAccounts(['organizer', 'attendee'], {
    env: { ADMIT_ARGON2_MEMORY_KIB: '1024', ADMIT_PAYMENT_PROVIDER: 'sandbox', ADMIT_STRIPE_WEBHOOK_SECRET: SECRET },
  }));
});

after(async () => {
  await srv?.stop();
});

async function paidOrder(eventId, quantity, cardNumber) {
  const token = att.accessToken;
  const placed = await api(base, 'POST', '/api/registrations', { token, body: { eventId, quantity } });
  assert.equal(placed.status, 201, placed.text);
  const intent = await api(base, 'POST', '/api/payments/create-intent',
    { token, body: { registrationId: placed.json.registrationId } });
  assert.equal(intent.status, 200, intent.text);
  const paid = await api(base, 'POST', '/api/payments/sandbox/confirm',
    { token, body: { paymentIntentId: intent.json.paymentIntentId, cardNumber } });
  assert.equal(paid.status, 200, paid.text);
  assert.equal(paid.json.status, 'confirmed');
  return { ...paid.json, paymentIntentId: intent.json.paymentIntentId };
}

const cancel = (id, body) => api(base, 'POST', `/api/registrations/${id}/cancel`, { token: att.accessToken, body });
const registration = (id) => getRegistration(base, id, att.accessToken);

async function analytics(eventId) {
  const r = await api(base, 'GET', `/api/events/${eventId}/analytics`, { token: org.accessToken });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function auditRows(eventId, action) {
  const r = await api(base, 'GET', `/api/events/${eventId}/audit?limit=100`, { token: org.accessToken });
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((i) => i.action === action);
}
const detailOf = (row) => row.details ?? row.detail ?? '';

async function eventually(probe, what, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The audit rows of `action` once there are `count` of them. */
const auditEventually = (eventId, action, count = 1) => eventually(async () => {
  const rows = await auditRows(eventId, action);
  return rows.length >= count ? rows : null;
}, `${count} ${action}`);

function deliver(event) {
  const body = JSON.stringify(event, null, 2);
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET });
  return api(base, 'POST', '/api/payments/webhook', { rawBody: body, headers: { 'Stripe-Signature': header } });
}

function refundObject(id, paymentIntentId, amount, status, failureReason = null) {
  return { id, object: 'refund', amount, currency: 'eur', payment_intent: paymentIntentId, status,
    failure_reason: failureReason };
}

function eventOf(type, object, id = uniqueWord('evt_')) {
  return { id, object: 'event', api_version: '2020-08-27', created: Math.floor(Date.now() / 1000), livemode: false,
    pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } };
}

function chargeRefunded(paymentIntentId, refunds) {
  return eventOf('charge.refunded', {
    id: uniqueWord('ch_'), object: 'charge', payment_intent: paymentIntentId, refunded: true,
    amount_refunded: refunds.reduce((sum, r) => sum + r.amount, 0),
    refunds: { object: 'list', data: refunds, has_more: false, total_count: refunds.length, url: '/v1/refunds' },
  });
}

function assertResult(r, result) {
  assert.equal(r.status, 200, `webhook: ${r.status} ${r.text}`);
  assert.equal(r.json?.received, true, r.text);
  assert.equal(r.json.result, result, r.text);
}

/** "re_…; <refund record id>" in an audit detail: the provider's refund id. */
const providerRefundId = (row) => detailOf(row).split(';')[0].trim();

describe('refunds the provider completes later', () => {
  it('pending, then succeeded: a partial refund and the remainder complete through the webhook', async () => {
    const e = await createEvent(base, org.accessToken, { price: 25.5, capacity: 10, currency: 'EUR' });
    const order = await paidOrder(e.eventId, 2, PENDING_THEN_SUCCEEDED);
    const [first, second] = order.tickets;

    const half = await cancel(order.registrationId, { ticketIds: [first.ticketId] });
    assert.equal(half.status, 200, half.text);
    const done = await auditEventually(e.eventId, 'registration.partly_refunded');
    const asked = await auditRows(e.eventId, 'registration.partial_refund_requested');
    assert.equal(asked.length, 1, 'the provider left it pending first');
    assert.equal(providerRefundId(done[0]), providerRefundId(asked[0]), 'the event matched the refund by its id');
    assert.equal((await registration(order.registrationId)).refundedAmount, 25.5);
    assert.equal((await analytics(e.eventId)).refunded, 25.5);

    const rest = await cancel(order.registrationId, { ticketIds: [second.ticketId] });
    assert.equal(rest.status, 200, rest.text);
    await auditEventually(e.eventId, 'registration.refund_requested');
    const whole = await eventually(async () => {
      const r = await registration(order.registrationId);
      return r.status === 'refunded' ? r : null;
    }, 'the remainder to be refunded');
    assert.equal(whole.refundedAmount, 51);
    assert.equal((await auditRows(e.eventId, 'registration.refunded')).length, 1);
    assert.equal((await auditRows(e.eventId, 'registration.refund_failed')).length, 0);
    assert.equal((await analytics(e.eventId)).refunded, 51);
  });

  it('pending, then failed: audited for the organizer and not counted as refunded', async () => {
    const e = await createEvent(base, org.accessToken, { price: 10, capacity: 10, currency: 'EUR' });
    const order = await paidOrder(e.eventId, 3, PENDING_THEN_FAILED);
    const part = await cancel(order.registrationId, { ticketIds: [order.tickets[0].ticketId] });
    assert.equal(part.status, 200, part.text);
    assert.equal(part.json.refundedAmount, 10, 'while it is under way');
    const failed = await auditEventually(e.eventId, 'registration.refund_failed');
    assert.match(detailOf(failed[0]), /expired_or_canceled_card/, 'with the provider\'s reason');
    const after = await registration(order.registrationId);
    assert.equal(after.refundedAmount, 0, 'no money went back');
    assert.equal(after.status, 'confirmed');
    assert.equal(after.quantity, 2, 'the ticket stays cancelled');
    assert.equal((await analytics(e.eventId)).refunded, 0);
    assert.equal((await auditRows(e.eventId, 'registration.partly_refunded')).length, 0);

    // A whole order whose refund fails ends cancelled, with nothing counted as refunded.
    const other = await paidOrder(e.eventId, 1, PENDING_THEN_FAILED);
    const whole = await cancel(other.registrationId);
    assert.equal(whole.status, 200, whole.text);
    await auditEventually(e.eventId, 'registration.refund_failed', 2);
    const ended = await eventually(async () => {
      const r = await registration(other.registrationId);
      return r.status === 'cancelled' ? r : null;
    }, 'the whole order to end cancelled');
    assert.equal(ended.refundedAmount, 0);
    assert.equal((await auditRows(e.eventId, 'registration.refunded')).length, 0);
    assert.equal((await analytics(e.eventId)).refunded, 0);
  });

  it('duplicate and contradicting deliveries change nothing', async () => {
    const e = await createEvent(base, org.accessToken, { price: 20, capacity: 10, currency: 'EUR' });
    const order = await paidOrder(e.eventId, 2, PENDING_THEN_SUCCEEDED);
    const cancelled = await cancel(order.registrationId, { ticketIds: [order.tickets[0].ticketId] });
    assert.equal(cancelled.status, 200, cancelled.text);
    const [done] = await auditEventually(e.eventId, 'registration.partly_refunded');
    const refundId = providerRefundId(done);
    const succeeded = refundObject(refundId, order.paymentIntentId, 2000, 'succeeded');

    // The sandbox's own event, delivered again (Stripe retries), and the same news in new events.
    assertResult(await deliver(eventOf('refund.updated', succeeded, `evt_sandbox_${refundId}`)), 'duplicate');
    assertResult(await deliver(eventOf('refund.updated', succeeded)), 'already_done');
    assertResult(await deliver(chargeRefunded(order.paymentIntentId, [succeeded])), 'already_done');
    // A failure reported after the success (out of order, or forged by a replay) is not applied.
    const failed = eventOf('refund.failed',
      refundObject(refundId, order.paymentIntentId, 2000, 'failed', 'lost_or_stolen_card'));
    assertResult(await deliver(failed), 'already_done');
    assertResult(await deliver(failed), 'duplicate');

    const after = await registration(order.registrationId);
    assert.equal(after.refundedAmount, 20);
    assert.equal((await auditRows(e.eventId, 'registration.partly_refunded')).length, 1);
    assert.equal((await auditRows(e.eventId, 'registration.refund_failed')).length, 0);
    assert.equal((await analytics(e.eventId)).refunded, 20);
  });

  it('an unknown refund, or one still pending, is answered 200 and changes nothing', async () => {
    const unknown = refundObject(uniqueWord('re_'), uniqueWord('pi_'), 500, 'succeeded');
    assertResult(await deliver(eventOf('refund.updated', unknown)), 'unknown');
    assertResult(await deliver(eventOf('refund.failed', { ...unknown, status: 'failed', failure_reason: 'declined' })),
      'unknown');
    assertResult(await deliver(chargeRefunded(unknown.payment_intent, [unknown])), 'unknown');
    assertResult(await deliver(eventOf('refund.updated', { ...unknown, status: 'pending' })), 'ignored');
    // An unknown event id was not remembered: the same delivery answers the same.
    const again = eventOf('refund.updated', unknown);
    assertResult(await deliver(again), 'unknown');
    assertResult(await deliver(again), 'unknown');
  });
});

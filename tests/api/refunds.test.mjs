// Partial cancellation and complimentary tickets (issue 15, API.md "Partial cancellation and
// complimentary tickets"): POST /api/registrations/{id}/cancel {ticketIds} voids only those
// tickets, frees their seats and refunds exactly their price through the payment provider (the
// sandbox here: the refund is made by the sweeper and shows in the audit log, the registration's
// refundedAmount and the analytics); POST /api/events/{id}/comps issues free tickets to a pasted
// list, all or none, which can be neither paid nor refunded; the CSV gains source, discount and
// refundedAmount after ticketTypes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  startWithAccounts, api, createEvent, assertProblem, assertFieldError, signup, verifyEmail, uniqueEmail,
  getEvent, getRegistration, parseCsv, sleep,
} from './harness.mjs';

let srv, base, org, att, other;

before(async () => {
  ({ srv, base, accounts: [org, att, other] } = await startWithAccounts(['organizer', 'attendee', 'attendee'], {
    env: {
      ADMIT_ARGON2_MEMORY_KIB: '1024', ADMIT_PAYMENT_PROVIDER: 'sandbox', ADMIT_STRIPE_WEBHOOK_SECRET: 'whsec_test_secret',
      ADMIT_PUBLIC_URL: 'https://tickets.example', ADMIT_GUEST_ORDERS_PER_HOUR: '0',
    },
  }));
});

after(async () => {
  await srv?.stop();
});

/** A paid, confirmed order of `quantity` tickets, paid with the sandbox's test card. */
async function paidOrder(token, eventId, quantity) {
  const placed = await api(base, 'POST', '/api/registrations', { token, body: { eventId, quantity } });
  assert.equal(placed.status, 201, placed.text);
  const intent = await api(base, 'POST', '/api/payments/create-intent',
    { token, body: { registrationId: placed.json.registrationId } });
  assert.equal(intent.status, 200, intent.text);
  const paid = await api(base, 'POST', '/api/payments/sandbox/confirm',
    { token, body: { paymentIntentId: intent.json.paymentIntentId, cardNumber: '4242 4242 4242 4242' } });
  assert.equal(paid.status, 200, paid.text);
  assert.equal(paid.json.status, 'confirmed');
  return paid.json;
}

const cancel = (token, id, body) => api(base, 'POST', `/api/registrations/${id}/cancel`, { token, body });
const analytics = async (eventId) => {
  const r = await api(base, 'GET', `/api/events/${eventId}/analytics`, { token: org.accessToken });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

/** Waits until `probe` returns a truthy value (the sweeper makes refunds about every second). */
async function eventually(probe, what, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The audit rows of the event whose action is `action`. */
async function auditRows(eventId, action) {
  const r = await api(base, 'GET', `/api/events/${eventId}/audit?limit=100`, { token: org.accessToken });
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((i) => i.action === action);
}

describe('partial cancellation of a paid order', () => {
  it('a holder cancels one of two tickets and gets exactly half back through the provider, then the rest', async () => {
    const e = await createEvent(base, org.accessToken, { price: 25.5, capacity: 10, currency: 'EUR' });
    const order = await paidOrder(att.accessToken, e.eventId, 2);
    assert.equal(order.amount, 51);
    assert.equal(order.refundedAmount, 0);
    assert.equal(order.source, 'order');
    assert.equal((await getEvent(base, e.eventId)).registeredCount, 2);

    const [first, second] = order.tickets;
    const half = await cancel(att.accessToken, order.registrationId, { ticketIds: [first.ticketId] });
    assert.equal(half.status, 200, half.text);
    assert.equal(half.json.status, 'confirmed');
    assert.equal(half.json.refundedAmount, 25.5);
    assert.deepEqual(half.json.tickets.map((t) => [t.ticketId, t.status]),
      [[first.ticketId, 'void'], [second.ticketId, 'valid']]);
    assert.equal((await getEvent(base, e.eventId)).registeredCount, 1, 'its seat is back on sale');
    const told = await mailTo(att.email, /Tickets cancelled/);
    assert.ok(told, 'the holder is told by email');
    assert.match(told, /25\.50/, 'with the amount that goes back');

    // The sandbox makes the refund of exactly that ticket's price: the analytics count it once made.
    const refunded = await eventually(async () => {
      const a = await analytics(e.eventId);
      return a.refunded === 25.5 ? a : null;
    }, 'the partial refund');
    assert.equal(refunded.revenue, 25.5, 'revenue is what was paid less what went back');
    assert.equal(refunded.confirmed, 1);
    assert.equal(refunded.cancelled, 1);
    const partial = await auditRows(e.eventId, 'registration.partly_refunded');
    assert.equal(partial.length, 1);
    assert.match(partial[0].details ?? partial[0].detail ?? '', /re_sandbox_[\w-]+_2550_/, 'the provider refunded 25.50');

    // The second ticket: the order is cancelled whole, and only the remainder goes back.
    const rest = await cancel(att.accessToken, order.registrationId, { ticketIds: [second.ticketId] });
    assert.equal(rest.status, 200, rest.text);
    assert.match(rest.json.status, /^refund/);
    const done = await eventually(async () => {
      const r = await getRegistration(base, order.registrationId, att.accessToken);
      return r.status === 'refunded' ? r : null;
    }, 'the remainder refund');
    assert.equal(done.refundedAmount, 51);
    const after = await analytics(e.eventId);
    assert.equal(after.refunded, 51, 'never more than the order paid');
    assert.equal(after.revenue, 0);
    assert.equal(after.registeredCount, 0);
    const whole = await auditRows(e.eventId, 'registration.refunded');
    assert.equal(whole.length, 1);
    assert.match(whole[0].details ?? whole[0].detail ?? '', /re_sandbox_[\w-]+_2550_/, 'the remainder, 25.50');
  });

  it('the organizer cancels a holder\'s ticket; the CSV shows source, discount and refundedAmount after ticketTypes', async () => {
    const e = await createEvent(base, org.accessToken, { price: 10, capacity: 10, currency: 'EUR' });
    const order = await paidOrder(att.accessToken, e.eventId, 3);
    const r = await cancel(org.accessToken, order.registrationId, { ticketIds: [order.tickets[2].ticketId] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.refundedAmount, 10);
    assert.equal(r.json.quantity, 2, 'the seats it holds now');
    const csv = await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv`, { token: org.accessToken });
    assert.equal(csv.status, 200, csv.text);
    const [header, row] = parseCsv(csv.text);
    const at = header.indexOf('ticketTypes');
    assert.deepEqual(header.slice(at, at + 4), ['ticketTypes', 'source', 'discount', 'refundedAmount']);
    const cell = (name) => row[header.indexOf(name)];
    assert.equal(cell('source'), 'order');
    assert.equal(Number(cell('discount')), 0);
    assert.equal(Number(cell('refundedAmount')), 10);
  });

  it('refuses misuse naming ticketIds, and changes nothing', async () => {
    const e = await createEvent(base, org.accessToken, { price: 5, capacity: 20, currency: 'EUR' });
    const mine = await paidOrder(att.accessToken, e.eventId, 3);
    const theirs = await paidOrder(other.accessToken, e.eventId, 1);
    // One ticket void already, one used at the door.
    assert.equal((await cancel(att.accessToken, mine.registrationId, { ticketIds: [mine.tickets[2].ticketId] })).status, 200);
    const scan = await api(base, 'POST', '/api/tickets/validate',
      { token: org.accessToken, body: { qrCode: mine.tickets[1].qrCode, eventId: e.eventId } });
    assert.equal(scan.json.result, 'valid', scan.text);
    const before = await getRegistration(base, mine.registrationId, att.accessToken);
    const seatsBefore = (await getEvent(base, e.eventId)).registeredCount;

    for (const [ticketIds, why] of [
      [[], 'an empty list'],
      [[theirs.tickets[0].ticketId], 'another person\'s ticket'],
      [[mine.tickets[0].ticketId, theirs.tickets[0].ticketId], 'a list with another person\'s ticket'],
      [[mine.tickets[2].ticketId], 'a void ticket'],
      [[mine.tickets[1].ticketId], 'a used ticket'],
      [['no-such-ticket'], 'an unknown id'],
      [[mine.tickets[0].ticketId, mine.tickets[0].ticketId], 'the same ticket twice'],
    ]) {
      assertFieldError(await cancel(org.accessToken, mine.registrationId, { ticketIds, reason: 'test' }), 'ticketIds', why);
    }
    assertFieldError(await cancel(att.accessToken, mine.registrationId, { ticketIds: 'x' }), 'ticketIds', 'not an array');
    // Another person's registration is not theirs to see.
    assertProblem(await cancel(other.accessToken, mine.registrationId, { ticketIds: [mine.tickets[0].ticketId] }), 404);
    // A ticket of another registration of the same holder.
    const second = await paidOrder(att.accessToken, e.eventId, 1);
    assertFieldError(await cancel(att.accessToken, mine.registrationId, { ticketIds: [second.tickets[0].ticketId] }),
      'ticketIds', 'a ticket of another order');

    const afterwards = await getRegistration(base, mine.registrationId, att.accessToken);
    assert.deepEqual(afterwards.tickets.map((t) => t.status), before.tickets.map((t) => t.status));
    assert.equal(afterwards.refundedAmount, before.refundedAmount);
    assert.equal((await getRegistration(base, theirs.registrationId, other.accessToken)).tickets[0].status, 'valid');
    assert.equal((await getEvent(base, e.eventId)).registeredCount, seatsBefore + 1, 'only the new order took a seat');
  });
});

/** The first message to `address` in the file mailbox whose text matches `pattern`, waiting for one. */
async function mailTo(address, pattern, ms = 15_000) {
  const dir = join(srv.dataDir, 'mail');
  const deadline = Date.now() + ms;
  for (;;) {
    let names = [];
    try { names = (await readdir(dir)).filter((n) => n.endsWith('.eml')); } catch { /* none yet */ }
    for (const name of names) {
      const text = (await readFile(join(dir, name), 'utf8')).replace(/=\r?\n/g, '');
      if (text.toLowerCase().includes(address.toLowerCase()) && pattern.test(text)) return text;
    }
    if (Date.now() > deadline) return null;
    await sleep(100);
  }
}

/** Order links in messages to `address` in the file mailbox, waiting for one. */
async function orderLinkTo(address, registrationId, ms = 15_000) {
  const dir = join(srv.dataDir, 'mail');
  const link = new RegExp(`https://tickets\\.example/orders/${registrationId}\\?token=([A-Za-z0-9_-]{43})`);
  const deadline = Date.now() + ms;
  for (;;) {
    let names = [];
    try { names = (await readdir(dir)).filter((n) => n.endsWith('.eml')); } catch { /* none yet */ }
    for (const name of names) {
      // Quoted-printable may wrap long lines: join them before looking.
      const text = (await readFile(join(dir, name), 'utf8')).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      if (!text.toLowerCase().includes(address.toLowerCase())) continue;
      const m = text.match(link);
      if (m) return m[1];
    }
    if (Date.now() > deadline) return null;
    await sleep(100);
  }
}

describe('partial cancellation of a guest order', () => {
  it('the mail telling the guest carries a link to the order with a token that opens it', async () => {
    const e = await createEvent(base, org.accessToken, { price: 12, capacity: 10, currency: 'EUR' });
    const buyer = { name: 'Gus Guest', email: uniqueEmail() };
    const placed = await api(base, 'POST', '/api/registrations', { body: { eventId: e.eventId, quantity: 2, buyer } });
    assert.equal(placed.status, 201, placed.text);
    const asGuest = (token) => ({ 'X-Order-Token': token });
    const first = placed.json.orderToken;
    const intent = await api(base, 'POST', '/api/payments/create-intent',
      { headers: asGuest(first), body: { registrationId: placed.json.registrationId } });
    assert.equal(intent.status, 200, intent.text);
    const paid = await api(base, 'POST', '/api/payments/sandbox/confirm', {
      headers: asGuest(first),
      body: { paymentIntentId: intent.json.paymentIntentId, cardNumber: '4242 4242 4242 4242' },
    });
    assert.equal(paid.json.status, 'confirmed', paid.text);
    const cancelled = await api(base, 'POST', `/api/registrations/${placed.json.registrationId}/cancel`,
      { headers: asGuest(first), body: { ticketIds: [paid.json.tickets[0].ticketId] } });
    assert.equal(cancelled.status, 200, cancelled.text);
    const told = await mailTo(buyer.email, /Tickets cancelled/);
    assert.ok(told, 'the guest is told by email');
    const link = told.replace(/=3D/g, '=').match(
      new RegExp(`https://tickets\\.example/orders/${placed.json.registrationId}\\?token=([A-Za-z0-9_-]{43})`));
    assert.ok(link, 'the message links to the order with a token');
    assert.doesNotMatch(told, /tickets\.example\/tickets/, 'not to an account the guest does not have');
    const opened = await api(base, 'GET', `/api/registrations/${placed.json.registrationId}`,
      { headers: asGuest(link[1]) });
    assert.equal(opened.status, 200, opened.text);
    assert.deepEqual(opened.json.tickets.map((t) => t.status), ['void', 'valid']);
  });
});

describe('complimentary tickets', () => {
  it('issues comps to a pasted list of three: one on a verified account, two as guest orders with their links', async () => {
    const e = await createEvent(base, org.accessToken, { price: 30, capacity: 10, currency: 'EUR' });
    const friend = await signup(base, 'attendee');
    await verifyEmail(base, friend.email);
    const guests = [uniqueEmail(), uniqueEmail()];
    const r = await api(base, 'POST', `/api/events/${e.eventId}/comps`, {
      token: org.accessToken,
      body: { attendees: [{ name: 'Friend', email: friend.email }, { name: 'Guest One', email: guests[0] },
        { name: 'Guest Two', email: guests[1] }] },
    });
    assert.equal(r.status, 201, r.text);
    const regs = r.json.registrations;
    assert.equal(regs.length, 3);
    for (const reg of regs) {
      assert.equal(reg.source, 'comp');
      assert.equal(reg.amount, 0);
      assert.equal(reg.status, 'confirmed');
      assert.equal(reg.tickets.length, 1);
      assert.equal(reg.tickets[0].status, 'valid');
      assert.equal(reg.refundedAmount, 0);
    }
    assert.deepEqual(regs.map((g) => g.tickets[0].holderName), ['Friend', 'Guest One', 'Guest Two']);
    assert.equal(regs[0].userId, friend.user.userId, 'on the verified account');
    assert.equal(regs[0].guest, false);
    assert.equal(regs[1].guest, true);
    assert.equal((await getEvent(base, e.eventId)).registeredCount, 3);
    const mineNow = await api(base, 'GET', '/api/registrations', { token: friend.accessToken });
    assert.ok(mineNow.json.items.some((i) => i.registrationId === regs[0].registrationId), 'in the friend\'s account');
    // A guest's email carries the order's link, which opens the comp.
    const token = await orderLinkTo(guests[0], regs[1].registrationId);
    assert.ok(token, 'the guest got their order link by email');
    const opened = await api(base, 'GET', `/api/registrations/${regs[1].registrationId}`, { headers: { 'X-Order-Token': token } });
    assert.equal(opened.status, 200, opened.text);
    assert.equal(opened.json.source, 'comp');
    const a = await analytics(e.eventId);
    assert.equal(a.comps, 3);
    assert.equal(a.revenue, 0);
    const csv = parseCsv((await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv`,
      { token: org.accessToken })).text);
    assert.deepEqual(csv.slice(1).map((row) => row[csv[0].indexOf('source')]), ['comp', 'comp', 'comp']);
    assert.equal((await auditRows(e.eventId, 'registration.comp_issued')).length, 3);
  });

  it("mails the organizer's message with each comp, escaped; a message too long is a 400 naming it", async () => {
    const e = await createEvent(base, org.accessToken, { price: 30, capacity: 10, currency: 'EUR' });
    const guest = uniqueEmail();
    const tooLong = await api(base, 'POST', `/api/events/${e.eventId}/comps`, {
      token: org.accessToken, body: { attendees: [{ name: 'Guest', email: guest }], message: 'x'.repeat(2001) },
    });
    assertFieldError(tooLong, 'message');
    assert.equal((await getEvent(base, e.eventId)).registeredCount, 0, 'nothing issued');
    const message = 'Welcome backstage, <b>Ada</b> & friends!';
    const r = await api(base, 'POST', `/api/events/${e.eventId}/comps`, {
      token: org.accessToken, body: { attendees: [{ name: 'Guest', email: guest }], message: `  ${message}\n` },
    });
    assert.equal(r.status, 201, r.text);
    const mail = await mailTo(guest, /Welcome backstage/);
    assert.ok(mail, 'the confirmation carries the message');
    const require = createRequire(new URL('../node/package.json', import.meta.url));
    const { simpleParser } = await import(pathToFileURL(require.resolve('mailparser')).href);
    const parsed = await simpleParser(mail);
    assert.match(parsed.text, /A message from the organizer:/);
    assert.ok(parsed.text.includes(message), 'the words as written, in the text part');
    assert.ok(parsed.html.includes('Welcome backstage, &lt;b&gt;Ada&lt;/b&gt; &amp; friends!'), 'escaped in HTML');
    assert.doesNotMatch(parsed.html, /<b>Ada<\/b>/);
  });

  it('all or none: more comps than seats → 409 and nothing issued', async () => {
    const e = await createEvent(base, org.accessToken, { price: 30, capacity: 2, currency: 'EUR' });
    const r = await api(base, 'POST', `/api/events/${e.eventId}/comps`, {
      token: org.accessToken,
      body: { attendees: [1, 2, 3].map((i) => ({ name: `P${i}`, email: uniqueEmail() })) },
    });
    assertProblem(r, 409);
    assert.match(r.json.type, /sold-out$/);
    assert.equal((await getEvent(base, e.eventId)).registeredCount, 0);
    const list = await api(base, 'GET', `/api/events/${e.eventId}/registrations`, { token: org.accessToken });
    assert.equal(list.json.items.length, 0);
  });

  it('a comp cannot be paid nor refunded: create-intent 409 comp-not-payable; cancelling frees the seat, refunds nothing', async () => {
    const e = await createEvent(base, org.accessToken, { price: 30, capacity: 5, currency: 'EUR' });
    const friend = await signup(base, 'attendee');
    await verifyEmail(base, friend.email);
    const r = await api(base, 'POST', `/api/events/${e.eventId}/comps`,
      { token: org.accessToken, body: { attendees: [{ name: 'Friend', email: friend.email }] } });
    assert.equal(r.status, 201, r.text);
    const comp = r.json.registrations[0];
    const intent = await api(base, 'POST', '/api/payments/create-intent',
      { token: friend.accessToken, body: { registrationId: comp.registrationId } });
    assertProblem(intent, 409);
    assert.match(intent.json.type, /comp-not-payable$/);
    const cancelled = await cancel(friend.accessToken, comp.registrationId);
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.json.status, 'cancelled');
    assert.equal(cancelled.json.refundedAmount, 0);
    assert.equal((await getEvent(base, e.eventId)).registeredCount, 0);
    const a = await analytics(e.eventId);
    assert.equal(a.refunded, 0);
    assert.equal(a.refundPending, 0);
  });

  it('refuses a bad list naming the field, and only the organizer may issue comps', async () => {
    const e = await createEvent(base, org.accessToken, { price: 30, capacity: 5, currency: 'EUR' });
    const post = (token, body) => api(base, 'POST', `/api/events/${e.eventId}/comps`, { token, body });
    assertFieldError(await post(org.accessToken, { attendees: [] }), 'attendees');
    assertFieldError(await post(org.accessToken, { attendees: [{ name: 'A', email: 'not-an-address' }] }),
      'attendees[0].email');
    assertFieldError(await post(org.accessToken, { attendees: [{ name: '', email: uniqueEmail() }] }), 'attendees[0].name');
    const twice = uniqueEmail();
    assertFieldError(await post(org.accessToken, { attendees: [{ name: 'A', email: twice }, { name: 'B', email: twice }] }),
      'attendees[1].email');
    assertFieldError(await post(org.accessToken, { ticketTypeId: 'nope', attendees: [{ name: 'A', email: uniqueEmail() }] }),
      'ticketTypeId');
    const notTheirs = await post(att.accessToken, { attendees: [{ name: 'A', email: uniqueEmail() }] });
    assert.ok([403, 404].includes(notTheirs.status), notTheirs.text);
    assert.equal((await getEvent(base, e.eventId)).registeredCount, 0);
  });
});

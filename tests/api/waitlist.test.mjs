// The waiting list (issue 15, API.md "Waiting list", api15-extra.md): a sold-out event's list is
// joined by accounts and guests (a guest's entry counts once its emailed link is followed); when
// seats come free they are offered strictly in joining order, each offer a hold of its seats
// (counted like any hold, so never more offered than free), told by email with a personal link
// and claimed once through POST /api/registrations {waitlistOfferToken}; an unclaimed offer
// expires (the sweeper) and moves to the next in line; an entry that does not fit is passed over
// and keeps its place. Misuse changes nothing. The race at the end checks, while offers,
// expiries, cancellations and new orders race, that confirmed + held + offered never exceed
// capacity, offers go strictly in order and each is claimed once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  startServer, api, createEvent, assertProblem, assertFieldError, uniqueEmail, signup, databaseSql, mapPool,
} from './harness.mjs';

const OFFER_SECONDS = 3;
let srv, base, org;

before(async () => {
  srv = await startServer({
    env: {
      ADMIT_ARGON2_MEMORY_KIB: '1024', ADMIT_PAYMENT_PROVIDER: 'sandbox', ADMIT_STRIPE_WEBHOOK_SECRET: 'whsec_test_secret',
      ADMIT_PUBLIC_URL: 'https://tickets.example', ADMIT_MAIL_RETRY_BASE_MS: '100',
      ADMIT_WAITLIST_OFFER_SECONDS: String(OFFER_SECONDS), ADMIT_GUEST_ORDERS_PER_HOUR: '0',
    },
  });
  base = srv.baseUrl;
  org = await signup(base, 'organizer');
});

after(async () => {
  await srv?.stop();
});

const join_ = (token, eventId, body = {}) => api(base, 'POST', `/api/events/${eventId}/waitlist`, { token, body });
const order = (token, eventId, quantity = 1) =>
  api(base, 'POST', '/api/registrations', { token, body: { eventId, quantity } });
const cancel = (token, id) => api(base, 'POST', `/api/registrations/${id}/cancel`, { token });
const line = async (eventId) => {
  const r = await api(base, 'GET', `/api/events/${eventId}/waitlist?limit=100`, { token: org.accessToken });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const eventOf = async (eventId) => (await api(base, 'GET', `/api/events/${eventId}`, { token: org.accessToken })).json;

// ---- the file mailbox ----

async function messages() {
  const require = createRequire(new URL('../node/package.json', import.meta.url));
  const { simpleParser } = await import(pathToFileURL(require.resolve('mailparser')).href);
  const dir = join(srv.dataDir, 'mail');
  let names = [];
  try { names = (await readdir(dir)).filter((n) => n.endsWith('.eml')).sort(); } catch { /* none yet */ }
  const out = [];
  for (const name of names) {
    const parsed = await simpleParser(await readFile(join(dir, name), 'utf8'));
    out.push({ to: parsed.to?.text ?? '', subject: parsed.subject ?? '', text: parsed.text ?? '' });
  }
  return out;
}

/** The offer link mailed to `address` for entry `entryId`: waits up to `ms` for it. */
async function offerLink(address, entryId, ms = 15_000) {
  const link = new RegExp(`https://tickets\\.example/waitlist/offers/${entryId}\\?token=([A-Za-z0-9_.-]+)`);
  const deadline = Date.now() + ms;
  for (;;) {
    for (const m of await messages()) {
      if (!m.to.toLowerCase().includes(address.toLowerCase())) continue;
      const found = m.text.match(link);
      if (found) return { token: found[1], message: m };
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function confirmLink(address, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    for (const m of await messages()) {
      if (!m.to.toLowerCase().includes(address.toLowerCase())) continue;
      const found = m.text.match(/https:\/\/tickets\.example\/waitlist\/confirm\?token=([A-Za-z0-9_.-]+)/);
      if (found) return found[1];
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function until(what, check, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A free event of `capacity` sold out to fresh attendees, one seat each; their orders' ids. */
async function soldOut(capacity, extra = {}) {
  const e = await createEvent(base, org.accessToken, { capacity, price: 0, maxPerAttendee: Math.min(capacity, 10), ...extra });
  const holders = [];
  for (let i = 0; i < capacity; i++) {
    const a = await signup(base, 'attendee');
    const r = await order(a.accessToken, e.eventId, 1);
    assert.equal(r.status, 201, r.text);
    holders.push({ account: a, registrationId: r.json.registrationId });
  }
  return { e, holders };
}

describe('joining', () => {
  it('only a sold-out event or type; once per person; bad input names the field; positions in joining order', async () => {
    const e = await createEvent(base, org.accessToken, { capacity: 2, price: 0 });
    const a = await signup(base, 'attendee');
    assertProblem(await join_(a.accessToken, e.eventId, { quantity: 1 }), 409);
    const r0 = await join_(a.accessToken, e.eventId, { quantity: 1 });
    assert.match(r0.json.type, /not-sold-out$/);
    // Two free but three asked for: that cannot be ordered, so it may wait.
    const r1 = await join_(a.accessToken, e.eventId, { quantity: 3 });
    assert.equal(r1.status, 201, r1.text);
    assert.equal(r1.json.status, 'waiting');
    assert.equal(r1.json.position, 1);
    assert.equal(r1.json.confirmed, true);
    assert.match((await join_(a.accessToken, e.eventId, { quantity: 3 })).json.type, /already-waiting$/);
    assertFieldError(await join_(a.accessToken, e.eventId, { quantity: 0 }), 'quantity');
    assertFieldError(await join_(a.accessToken, e.eventId, { quantity: 3, ticketTypeId: 'nope' }), 'ticketTypeId');
    assertProblem(await join_(undefined, e.eventId, { quantity: 3 }), 401, 'no account, no name and email');
    assertFieldError(await join_(undefined, e.eventId, { quantity: 3, name: 'X', email: 'not-an-address' }), 'email');
    assertProblem(await join_(a.accessToken, 'no-such-event', { quantity: 1 }), 404);
    const b = await signup(base, 'attendee');
    const r2 = await join_(b.accessToken, e.eventId, { quantity: 3 });
    assert.equal(r2.json.position, 2);
    const listed = await line(e.eventId);
    assert.deepEqual(listed.items.map((x) => x.waitlistEntryId), [r1.json.waitlistEntryId, r2.json.waitlistEntryId]);
    assert.equal(listed.paused, false);
    assertProblem(await api(base, 'GET', `/api/events/${e.eventId}/waitlist`, { token: a.accessToken }), 403);
    const mine = await api(base, 'GET', '/api/me/waitlist', { token: b.accessToken });
    assert.deepEqual(mine.json.items.map((x) => x.waitlistEntryId), [r2.json.waitlistEntryId]);
  });
});

describe('offers in order, claimed once, expiring to the next', () => {
  it('a cancellation offers the seat to the first in line by email; the claim is an order on the held seat', async () => {
    const { e, holders } = await soldOut(2);
    const people = [await signup(base, 'attendee'), await signup(base, 'attendee')];
    const entries = [];
    for (const p of people) entries.push((await join_(p.accessToken, e.eventId, { quantity: 1 })).json);
    assert.equal((await cancel(holders[0].account.accessToken, holders[0].registrationId)).status, 200);

    // The seat is held for the first in line at once, in the cancel's own transaction.
    const after = await line(e.eventId);
    assert.deepEqual(after.items.map((x) => x.status), ['offered', 'waiting']);
    assert.ok(after.items[0].offerExpiresAt);
    const ev = await eventOf(e.eventId);
    assert.equal(ev.registeredCount, 2, 'the offer holds the freed seat');
    assertProblem(await order((await signup(base, 'attendee')).accessToken, e.eventId, 1), 409, 'nobody else takes it');

    const mail = await offerLink(people[0].email, entries[0].waitlistEntryId);
    assert.ok(mail, 'the first in line got the offer email');
    assert.match(mail.message.text, /held for you until/);
    assert.equal(await offerLink(people[1].email, entries[1].waitlistEntryId, 300), undefined, 'the second got none');

    // The offer read by its link; another token or none → 404.
    const view = await api(base, 'GET', `/api/waitlist/offers/${entries[0].waitlistEntryId}`,
      { headers: { 'X-Offer-Token': mail.token } });
    assert.equal(view.status, 200, view.text);
    assert.equal(view.json.status, 'offered');
    assert.equal(view.json.quantity, 1);
    assertProblem(await api(base, 'GET', `/api/waitlist/offers/${entries[0].waitlistEntryId}`,
      { headers: { 'X-Offer-Token': `${entries[0].waitlistEntryId}.AAAA` } }), 404);

    // Someone else's claim with the token, or a made-up token: 409, nothing changes.
    const claim = (token, body = {}) => api(base, 'POST', '/api/registrations',
      { token, body: { eventId: e.eventId, waitlistOfferToken: mail.token, ...body } });
    const other = await claim(people[1].accessToken);
    assert.equal(other.status, 409, other.text);
    assert.match(other.json.type, /offer-not-available$/);
    assert.match((await api(base, 'POST', '/api/registrations', { token: people[0].accessToken,
      body: { eventId: e.eventId, waitlistOfferToken: `${entries[0].waitlistEntryId}.forged` } })).json.type,
    /offer-not-available$/);
    assertFieldError(await claim(people[0].accessToken, { quantity: 2 }), 'items');

    const claimed = await claim(people[0].accessToken);
    assert.equal(claimed.status, 201, claimed.text);
    assert.equal(claimed.json.status, 'confirmed');
    assert.equal(claimed.json.tickets.length, 1);
    assert.equal(claimed.json.userId, people[0].user.userId);
    assert.equal((await eventOf(e.eventId)).registeredCount, 2, 'claiming takes no seat anew');
    const twice = await claim(people[0].accessToken);
    assert.equal(twice.status, 409);
    assert.match(twice.json.type, /offer-not-available$/);
    const mine = await api(base, 'GET', '/api/registrations', { token: people[0].accessToken });
    assert.equal(mine.json.items.filter((r) => r.eventId === e.eventId).length, 1, 'one order, the claimed one');
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.status), ['claimed', 'waiting']);
  });

  it('an unclaimed offer expires and moves to the next in line; a claim after expiry is refused', async () => {
    const { e, holders } = await soldOut(1);
    const people = [await signup(base, 'attendee'), await signup(base, 'attendee')];
    const entries = [];
    for (const p of people) entries.push((await join_(p.accessToken, e.eventId, { quantity: 1 })).json);
    await cancel(holders[0].account.accessToken, holders[0].registrationId);
    const first = await offerLink(people[0].email, entries[0].waitlistEntryId);
    assert.ok(first);
    await until('the first offer to expire and the second to be made', async () => {
      const l = await line(e.eventId);
      return l.items[0].status === 'expired' && l.items[1].status === 'offered';
    }, (OFFER_SECONDS + 10) * 1000);
    assert.equal((await eventOf(e.eventId)).registeredCount, 1, 'the seat moved with the offer');
    const late = await api(base, 'POST', '/api/registrations', { token: people[0].accessToken,
      body: { eventId: e.eventId, waitlistOfferToken: first.token } });
    assert.equal(late.status, 409);
    assert.match(late.json.type, /offer-not-available$/);
    assert.ok(await offerLink(people[1].email, entries[1].waitlistEntryId), 'the next in line was told');
  });

  it('an entry whose quantity does not fit is passed over and keeps its place', async () => {
    const { e, holders } = await soldOut(3);
    const big = await signup(base, 'attendee');
    const small = await signup(base, 'attendee');
    const bigEntry = (await join_(big.accessToken, e.eventId, { quantity: 2 })).json;
    const smallEntry = (await join_(small.accessToken, e.eventId, { quantity: 1 })).json;
    await cancel(holders[0].account.accessToken, holders[0].registrationId);
    let l = await line(e.eventId);
    assert.deepEqual(l.items.map((x) => [x.waitlistEntryId, x.status, x.position]),
      [[bigEntry.waitlistEntryId, 'waiting', 1], [smallEntry.waitlistEntryId, 'offered', 2]]);
    // Two more seats free: the big entry, still first, fits now.
    await cancel(holders[1].account.accessToken, holders[1].registrationId);
    await cancel(holders[2].account.accessToken, holders[2].registrationId);
    l = await line(e.eventId);
    assert.deepEqual(l.items.map((x) => x.status), ['offered', 'offered']);
    assert.equal((await eventOf(e.eventId)).registeredCount, 3);
  });

  it('pause holds offers back; resume and a raised capacity offer at once; removing a live offer moves it on', async () => {
    const { e, holders } = await soldOut(1);
    const people = [await signup(base, 'attendee'), await signup(base, 'attendee'), await signup(base, 'attendee')];
    const entries = [];
    for (const p of people) entries.push((await join_(p.accessToken, e.eventId, { quantity: 1 })).json);
    const paused = await api(base, 'POST', `/api/events/${e.eventId}/waitlist/pause`, { token: org.accessToken });
    assert.deepEqual(paused.json, { paused: true });
    await cancel(holders[0].account.accessToken, holders[0].registrationId);
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.status), ['waiting', 'waiting', 'waiting']);
    const resumed = await api(base, 'POST', `/api/events/${e.eventId}/waitlist/resume`, { token: org.accessToken });
    assert.deepEqual(resumed.json, { paused: false });
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.status), ['offered', 'waiting', 'waiting']);
    const body = { ...(await eventOf(e.eventId)) };
    const put = await api(base, 'PUT', `/api/events/${e.eventId}`, { token: org.accessToken, body: {
      name: body.name, description: body.description, date: body.date, timezone: body.timezone, location: body.location,
      capacity: 2, price: 0, currency: body.currency } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.status), ['offered', 'offered', 'waiting']);
    // The organizer removes the first; its seat goes to the third.
    const removed = await api(base, 'DELETE', `/api/events/${e.eventId}/waitlist/${entries[0].waitlistEntryId}`,
      { token: org.accessToken });
    assert.equal(removed.status, 204, removed.text);
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.status), ['removed', 'offered', 'offered']);
    // Someone else may not remove an entry (404); the owner may.
    assertProblem(await api(base, 'DELETE', `/api/events/${e.eventId}/waitlist/${entries[1].waitlistEntryId}`,
      { token: people[2].accessToken }), 404);
    assert.equal((await api(base, 'DELETE', `/api/events/${e.eventId}/waitlist/${entries[2].waitlistEntryId}`,
      { token: people[2].accessToken })).status, 204);
    assert.equal((await eventOf(e.eventId)).registeredCount, 1, 'only the one live offer holds a seat');
  });
});

describe('guests', () => {
  it("a guest's entry counts once confirmed; the guest claims by the link alone and gets an order token", async () => {
    const { e, holders } = await soldOut(1);
    const email = uniqueEmail();
    const joined = await join_(undefined, e.eventId, { quantity: 1, name: 'Ada Guest', email });
    assert.equal(joined.status, 201, joined.text);
    assert.equal(joined.json.confirmed, false);
    const account = await signup(base, 'attendee');
    const second = (await join_(account.accessToken, e.eventId, { quantity: 1 })).json;
    await cancel(holders[0].account.accessToken, holders[0].registrationId);
    // The unconfirmed guest is passed over: the account behind it gets the offer.
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.status), ['waiting', 'offered']);
    assert.ok(await offerLink(account.email, second.waitlistEntryId));
    const token = await confirmLink(email);
    assert.ok(token, 'the confirmation link was mailed');
    assertFieldError(await api(base, 'POST', '/api/waitlist/confirm', { body: { token: 'x.y' } }), 'token');
    const confirmed = await api(base, 'POST', '/api/waitlist/confirm', { body: { token } });
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.equal(confirmed.json.confirmed, true);
    // The account leaves; its seat goes to the guest, now in line.
    assert.equal((await api(base, 'DELETE', `/api/events/${e.eventId}/waitlist/${second.waitlistEntryId}`,
      { token: account.accessToken })).status, 204);
    const offer = await offerLink(email, joined.json.waitlistEntryId);
    assert.ok(offer);
    const claimed = await api(base, 'POST', '/api/registrations',
      { body: { eventId: e.eventId, waitlistOfferToken: offer.token } });
    assert.equal(claimed.status, 201, claimed.text);
    assert.ok(claimed.json.orderToken, 'a guest claim carries the order token');
    const read = await api(base, 'GET', `/api/registrations/${claimed.json.registrationId}`,
      { headers: { 'X-Order-Token': claimed.json.orderToken } });
    assert.equal(read.status, 200);
    assert.equal(read.json.status, 'confirmed');
  });
});

describe('paid events and cancellation', () => {
  it('a paid claim holds the seats for payment; analytics count the offer as held, not as an order', async () => {
    const e = await createEvent(base, org.accessToken, { capacity: 1, price: 10 });
    const buyer = await signup(base, 'attendee');
    const held = await order(buyer.accessToken, e.eventId, 1);
    assert.equal(held.json.status, 'pending_payment');
    const waiter = await signup(base, 'attendee');
    const entry = (await join_(waiter.accessToken, e.eventId, { quantity: 1 })).json;
    await cancel(buyer.accessToken, held.json.registrationId);
    const regs = await api(base, 'GET', `/api/events/${e.eventId}/registrations`, { token: org.accessToken });
    assert.equal(regs.json.items.filter((r) => r.status === 'offered').length, 0, 'an offer is not an order');
    const mine = await api(base, 'GET', '/api/registrations', { token: waiter.accessToken });
    assert.equal(mine.json.items.length, 0, "an offer is not in the person's orders");
    const offer = await offerLink(waiter.email, entry.waitlistEntryId);
    const claimed = await api(base, 'POST', '/api/registrations',
      { token: waiter.accessToken, body: { eventId: e.eventId, waitlistOfferToken: offer.token } });
    assert.equal(claimed.status, 201, claimed.text);
    assert.equal(claimed.json.status, 'pending_payment');
    assert.ok(claimed.json.holdExpiresAt);
    assert.equal(claimed.json.amount, 10);
  });

  it('cancelling the event closes every entry and tells the confirmed ones', async () => {
    const { e, holders } = await soldOut(1);
    const people = [await signup(base, 'attendee'), await signup(base, 'attendee')];
    for (const p of people) await join_(p.accessToken, e.eventId, { quantity: 1 });
    await cancel(holders[0].account.accessToken, holders[0].registrationId);
    assert.equal((await api(base, 'DELETE', `/api/events/${e.eventId}`, { token: org.accessToken })).status, 200);
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.status), ['removed', 'removed']);
    for (const p of people) {
      await until(`the closing message to ${p.email}`, async () => (await messages()).some((m) =>
        m.to.toLowerCase().includes(p.email.toLowerCase()) && /waiting list is closed/.test(m.text)));
    }
  });
});

describe('the invariant under racing offers, expiries, cancellations and new orders', () => {
  it('confirmed + held + offered never exceed capacity; offers strictly in order; each claimed once', async () => {
    const capacity = 6;
    const { e, holders } = await soldOut(capacity);
    const waiting = [];
    for (let i = 0; i < 12; i++) waiting.push(await signup(base, 'attendee'));
    const entries = [];
    for (const p of waiting) entries.push((await join_(p.accessToken, e.eventId, { quantity: 1 })).json);
    const buyers = [];
    for (let i = 0; i < 6; i++) buyers.push(await signup(base, 'attendee'));
    // Cancellations, new orders and claims at once, while offers expire under the sweeper.
    const claims = [];
    await Promise.all([
      mapPool(holders, 6, (h) => cancel(h.account.accessToken, h.registrationId)),
      mapPool(buyers, 6, (b) => order(b.accessToken, e.eventId, 1)),
      (async () => {
        for (let round = 0; round < 20; round++) {
          const l = await line(e.eventId);
          for (const [i, x] of l.items.entries()) {
            if (x.status !== 'offered' || i % 2 === 1) continue;  // every other offer is left to expire
            const link = await offerLink(waiting[i].email, x.waitlistEntryId, 2000);
            if (!link) continue;
            claims.push(api(base, 'POST', '/api/registrations',
              { token: waiting[i].accessToken, body: { eventId: e.eventId, waitlistOfferToken: link.token } }));
            claims.push(api(base, 'POST', '/api/registrations',
              { token: waiting[i].accessToken, body: { eventId: e.eventId, waitlistOfferToken: link.token } }));
          }
          const ev = await eventOf(e.eventId);
          assert.ok(ev.registeredCount <= capacity, `registeredCount ${ev.registeredCount} within ${capacity}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      })(),
    ]);
    const results = await Promise.all(claims);
    // Each offer claimed at most once: the two twin claims of an entry never both succeed.
    const byEntry = new Map();
    for (const r of results) {
      if (r.status !== 201) continue;
      byEntry.set(r.json.registrationId, (byEntry.get(r.json.registrationId) ?? 0) + 1);
    }
    for (const [, n] of byEntry) assert.equal(n, 1, 'an offer is claimed once');
    // Seats as stored agree with the counter, which never exceeds capacity.
    const held = Number((await databaseSql(srv,
      `SELECT COALESCE(SUM(quantity), 0) FROM registrations WHERE event_id = '${e.eventId}' AND status IN ` +
      "('pending_payment', 'confirmed', 'offered');")).trim());
    const ev = await eventOf(e.eventId);
    assert.equal(held, ev.registeredCount);
    assert.ok(held <= capacity);
    // Strictly in order: no entry got an offer while an earlier one was still waiting.
    const l = await line(e.eventId);
    const statuses = l.items.map((x) => x.status);
    const firstWaiting = statuses.indexOf('waiting');
    if (firstWaiting >= 0) {
      assert.ok(statuses.slice(firstWaiting).every((s) => s === 'waiting'),
        `offers strictly in order: ${statuses.join(',')}`);
    }
  });
});

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
  startServer, api, createEvent, assertProblem, assertFieldError, uniqueEmail, signup, databaseSql, mapPool, futureDate,
} from './harness.mjs';

// Offers last OFFER_SECONDS on the server whose tests wait for them to expire, and long enough on
// the other that a claim a test makes is never late on a loaded machine.
const OFFER_SECONDS = 3;
const servers = {};
let srv, base, org;
const use = (name) => {
  ({ srv, org } = servers[name]);
  base = srv.baseUrl;
};

before(async () => {
  for (const [name, seconds] of [['lasting', 600], ['expiring', OFFER_SECONDS]]) {
    const server = await startServer({
      env: {
        ADMIT_ARGON2_MEMORY_KIB: '1024', ADMIT_PAYMENT_PROVIDER: 'sandbox', ADMIT_STRIPE_WEBHOOK_SECRET: 'whsec_test_secret',
        ADMIT_PUBLIC_URL: 'https://tickets.example', ADMIT_MAIL_RETRY_BASE_MS: '100',
        ADMIT_WAITLIST_OFFER_SECONDS: String(seconds), ADMIT_GUEST_ORDERS_PER_HOUR: '0',
      },
    });
    servers[name] = { srv: server, org: await signup(server.baseUrl, 'organizer') };
  }
  use('lasting');
});

after(async () => {
  for (const { srv: server } of Object.values(servers)) await server.stop();
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

describe('offers expire', () => {
  before(() => use('expiring'));
  after(() => use('lasting'));

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
});

describe('claims with a promo code, and by the signed-in owner', () => {
  /** A paid event of one seat (20.00), sold out by an unpaid order; `n` accounts in line. */
  async function paidLine(n) {
    const e = await createEvent(base, org.accessToken, { capacity: 1, price: 20, currency: 'EUR' });
    const buyer = await signup(base, 'attendee');
    const held = await order(buyer.accessToken, e.eventId, 1);
    assert.equal(held.status, 201, held.text);
    const people = [];
    const entries = [];
    for (let i = 0; i < n; i++) {
      people.push(await signup(base, 'attendee'));
      entries.push((await join_(people[i].accessToken, e.eventId, { quantity: 1 })).json);
    }
    return { e, buyer, held: held.json, people, entries };
  }
  const claimAs = (token, eventId, body) => api(base, 'POST', '/api/registrations', { token, body: { eventId, ...body } });
  const raiseCapacity = async (eventId, capacity) => {
    const body = await eventOf(eventId);
    const put = await api(base, 'PUT', `/api/events/${eventId}`, { token: org.accessToken, body: {
      name: body.name, description: body.description, date: body.date, timezone: body.timezone, location: body.location,
      capacity, price: 20, currency: body.currency } });
    assert.equal(put.status, 200, put.text);
  };

  it("the code's discount on the claim's tickets and its payment; its one use taken; the same refusals as an order", async () => {
    const { e, buyer, held, people, entries } = await paidLine(2);
    const code = await api(base, 'POST', `/api/events/${e.eventId}/promo-codes`,
      { token: org.accessToken, body: { code: 'HALF-OFF', discountPercent: 50, maxUses: 1 } });
    assert.equal(code.status, 201, code.text);
    const uses = async () => (await api(base, 'GET', `/api/events/${e.eventId}/promo-codes/${code.json.promoCodeId}`,
      { token: org.accessToken })).json.uses;
    await cancel(buyer.accessToken, held.registrationId);
    const first = { waitlistEntryId: entries[0].waitlistEntryId };
    assertFieldError(await claimAs(people[0].accessToken, e.eventId, { ...first, promoCode: 'NO-SUCH-CODE' }), 'promoCode');
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.status), ['offered', 'waiting'], 'a refusal changes nothing');
    const claimed = await claimAs(people[0].accessToken, e.eventId, { ...first, promoCode: 'half-off' });
    assert.equal(claimed.status, 201, claimed.text);
    assert.equal(claimed.json.status, 'pending_payment');
    assert.equal(claimed.json.amount, 10);
    assert.equal(claimed.json.discount, 10);
    assert.equal(claimed.json.promoCode, 'HALF-OFF');
    assert.deepEqual(claimed.json.items.map((i) => [i.unitPrice, i.discountedUnitPrice]), [[20, 10]]);
    assert.equal(await uses(), 1, 'the claim is one use');
    const intent = await api(base, 'POST', '/api/payments/create-intent',
      { token: people[0].accessToken, body: { registrationId: claimed.json.registrationId } });
    assert.equal(intent.status, 200, intent.text);
    assert.equal(intent.json.amount, 10, 'the intent charges the discounted amount');

    // A second seat: the code is used up for the next in line (409), whose offer stays; without it, the full price.
    await raiseCapacity(e.eventId, 2);
    const second = { waitlistEntryId: entries[1].waitlistEntryId };
    const usedUp = await claimAs(people[1].accessToken, e.eventId, { ...second, promoCode: 'HALF-OFF' });
    assert.equal(usedUp.status, 409, usedUp.text);
    assert.match(usedUp.json.type, /promo-code-used-up$/);
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.status), ['claimed', 'offered']);
    assert.equal(await uses(), 1);
    const full = await claimAs(people[1].accessToken, e.eventId, second);
    assert.equal(full.status, 201, full.text);
    assert.equal(full.json.amount, 20);
    assert.equal(full.json.discount, 0);
  });

  it('the owner claims by the entry id with their session; nobody else can, nor anyone without a session', async () => {
    const { e, buyer, held, people, entries } = await paidLine(2);
    await cancel(buyer.accessToken, held.registrationId);
    const first = { waitlistEntryId: entries[0].waitlistEntryId };
    const stranger = await claimAs(people[1].accessToken, e.eventId, first);
    assert.equal(stranger.status, 409, stranger.text);
    assert.match(stranger.json.type, /offer-not-available$/);
    assertProblem(await claimAs(org.accessToken, e.eventId, first), 409, "not even the event's organizer");
    assertProblem(await claimAs(undefined, e.eventId, first), 401, 'no session, no token');
    assertProblem(await claimAs(people[0].accessToken, e.eventId,
      { waitlistEntryId: entries[1].waitlistEntryId }), 409, 'their own entry that has no offer');
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.status), ['offered', 'waiting']);
    const claimed = await claimAs(people[0].accessToken, e.eventId, first);
    assert.equal(claimed.status, 201, claimed.text);
    assert.equal(claimed.json.userId, people[0].user.userId);
    assert.equal(claimed.json.status, 'pending_payment');
    assert.equal(claimed.json.amount, 20);
    const twice = await claimAs(people[0].accessToken, e.eventId, first);
    assert.match(twice.json.type, /offer-not-available$/, 'claimed once');
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.status), ['claimed', 'waiting']);
  });
});

describe("offers within the type's sale and before the event", () => {
  it("seats freed after the type's sale ended are offered to nobody; reopened, the first in line gets them", async () => {
    const { e, holders } = await soldOut(2);
    const typePath = `/api/events/${e.eventId}/ticket-types/${e.ticketTypes[0].ticketTypeId}`;
    const waiter = await signup(base, 'attendee');
    const entry = (await join_(waiter.accessToken, e.eventId, { quantity: 1 })).json;
    const closed = await api(base, 'PUT', typePath, { token: org.accessToken, body: { salesEnd: futureDate(-1) } });
    assert.equal(closed.status, 200, closed.text);
    assert.equal((await cancel(holders[0].account.accessToken, holders[0].registrationId)).status, 200);
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.status), ['waiting'], 'kept waiting, in its place');
    assert.equal((await eventOf(e.eventId)).registeredCount, 1, 'the seat is free, held for nobody');
    // The organizer reopens the sale for 2 more seconds: the next seat freed goes to the first in
    // line, and the offer ends with the sale, not OFFER_SECONDS later.
    const salesEnd = futureDate(0, 2);
    const reopened = await api(base, 'PUT', typePath, { token: org.accessToken, body: { salesEnd } });
    assert.equal(reopened.status, 200, reopened.text);
    assert.equal((await cancel(holders[1].account.accessToken, holders[1].registrationId)).status, 200);
    const offered = (await line(e.eventId)).items[0];
    assert.equal(offered.waitlistEntryId, entry.waitlistEntryId);
    assert.equal(offered.status, 'offered');
    assert.ok(Date.parse(offered.offerExpiresAt) <= Date.parse(salesEnd),
      `the offer ends with the sale: ${offered.offerExpiresAt} > ${salesEnd}`);
  });

  it("a hidden type's line is for those who may see it: with a code that unlocks it, not without", async () => {
    const e = await createEvent(base, org.accessToken, { capacity: 10, price: 0 });
    const added = await api(base, 'POST', `/api/events/${e.eventId}/ticket-types`,
      { token: org.accessToken, body: { name: 'Backstage', price: 0, capacity: 1, hidden: true } });
    assert.equal(added.status, 201, added.text);
    const hidden = added.json.ticketTypeId;
    const soldOutType = await api(base, 'POST', '/api/registrations',
      { token: org.accessToken, body: { eventId: e.eventId, items: [{ ticketTypeId: hidden, quantity: 1 }] } });
    assert.equal(soldOutType.status, 201, soldOutType.text);
    const code = await api(base, 'POST', `/api/events/${e.eventId}/promo-codes`,
      { token: org.accessToken, body: { code: 'BACKSTAGE', unlocksTicketTypeIds: [hidden] } });
    assert.equal(code.status, 201, code.text);
    const p = await signup(base, 'attendee');
    assertFieldError(await join_(p.accessToken, e.eventId, { ticketTypeId: hidden, quantity: 1 }), 'ticketTypeId',
      'without the code the type is not there');
    assertFieldError(await join_(p.accessToken, e.eventId, { ticketTypeId: hidden, quantity: 1, promoCode: 'NOT-IT' }),
      'promoCode');
    const joined = await join_(p.accessToken, e.eventId, { ticketTypeId: hidden, quantity: 1, promoCode: 'backstage' });
    assert.equal(joined.status, 201, joined.text);
    assert.equal(joined.json.ticketTypeId, hidden);
    assert.deepEqual((await line(e.eventId)).items.map((x) => x.waitlistEntryId), [joined.json.waitlistEntryId]);
  });

  it('when the event begins, the line closes: a live offer\'s seats released, everyone in line told', async () => {
    // An event that begins in a few seconds, sold out; one person waits for a seat, another for two.
    const holder = await signup(base, 'attendee');
    const people = [await signup(base, 'attendee'), await signup(base, 'attendee')];
    const date = futureDate(0, 6);
    const e = await createEvent(base, org.accessToken, { capacity: 1, price: 0, date });
    const placed = await order(holder.accessToken, e.eventId, 1);
    assert.equal(placed.status, 201, placed.text);
    assert.equal((await join_(people[0].accessToken, e.eventId, { quantity: 1 })).status, 201);
    assert.equal((await join_(people[1].accessToken, e.eventId, { quantity: 2 })).status, 201);
    // Freed two seconds before the start: the offer ends at the start, not OFFER_SECONDS later.
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(date) - 2000 - Date.now())));
    assert.equal((await cancel(holder.accessToken, placed.json.registrationId)).status, 200);
    const offered = (await line(e.eventId)).items;
    assert.deepEqual(offered.map((x) => x.status), ['offered', 'waiting']);
    assert.equal(offered[0].offerExpiresAt, date, 'the offer ends when the event begins');
    await until('the sweeper to close the line once the event began', async () => {
      const l = await line(e.eventId);
      return l.items.every((x) => x.status === 'expired');
    }, 20_000);
    assert.equal((await eventOf(e.eventId)).registeredCount, 0, "the offer's seat went back");
    for (const p of people) {
      const told = await until(`${p.email} to be told`, async () =>
        (await messages()).find((m) => m.to.toLowerCase().includes(p.email.toLowerCase()) &&
          /Waiting list closed/.test(m.subject)));
      assert.match(told.text, /sale is over/);
    }
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

  it('the order claimed from a guest\'s offer, its tickets and the organizer\'s list keep the name they joined with', async () => {
    const { e, holders } = await soldOut(1);
    const email = uniqueEmail();
    const joined = await join_(undefined, e.eventId, { quantity: 1, name: 'Ada Waiting', email });
    assert.equal(joined.status, 201, joined.text);
    const confirmed = await api(base, 'POST', '/api/waitlist/confirm', { body: { token: await confirmLink(email) } });
    assert.equal(confirmed.status, 200, confirmed.text);
    // Meanwhile the address buys for another event under another name: its buyer record takes it.
    const other = await createEvent(base, org.accessToken, { capacity: 5, price: 0 });
    const bought = await api(base, 'POST', '/api/registrations',
      { body: { eventId: other.eventId, quantity: 1, buyer: { name: 'Ada Elsewhere', email } } });
    assert.equal(bought.status, 201, bought.text);
    await cancel(holders[0].account.accessToken, holders[0].registrationId);
    const offer = await offerLink(email, joined.json.waitlistEntryId);
    assert.ok(offer);
    const claimed = await api(base, 'POST', '/api/registrations',
      { body: { eventId: e.eventId, waitlistOfferToken: offer.token } });
    assert.equal(claimed.status, 201, claimed.text);
    const read = await api(base, 'GET', `/api/registrations/${claimed.json.registrationId}`,
      { headers: { 'X-Order-Token': claimed.json.orderToken } });
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json.tickets.map((t) => t.holderName), ['Ada Waiting'], 'no holder named: the one who joined');
    const regs = await api(base, 'GET', `/api/events/${e.eventId}/registrations`, { token: org.accessToken });
    assert.equal(regs.status, 200, regs.text);
    const row = regs.json.items.find((r) => r.registrationId === claimed.json.registrationId);
    assert.deepEqual(row.attendee, { name: 'Ada Waiting', email });
    const csv = await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv`, { token: org.accessToken });
    assert.equal(csv.status, 200);
    assert.match(csv.text, /Ada Waiting/);
    assert.doesNotMatch(csv.text, /Ada Elsewhere/);
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
  before(() => use('expiring'));
  after(() => use('lasting'));

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

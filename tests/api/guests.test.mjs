// Buying without an account (issue 14, "Orders and guests"): POST /api/registrations with no
// Authorization header and a `buyer` places a guest order; its 201 carries an order token, shown
// once, which (as X-Order-Token) opens that order and nothing else: the registration, its
// tickets and PDF, paying it with the sandbox, resending (a fresh token, the older ones retired)
// and cancelling it. The confirmation reaches the buyer through the file mailbox with the order's
// link, /orders/{id}?token=…; the outbox keeps the token only until the message is sent. When an
// account later proves the address, the guest orders show in it and their tokens keep working.
// Hoarding through guests is bounded per buyer address (the event's maxPerAttendee, one unpaid
// order at a time) and per client address (ADMIT_GUEST_ORDERS_PER_HOUR).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  startServer, startWithAccounts, api, createEvent, assertProblem, assertFieldError, uniqueEmail, databaseSql,
  waitForMailIdle, parseQr, inspectPdf, signup,
} from './harness.mjs';

let srv, base, org, att;

before(async () => {
  ({ srv, base, accounts: [org, att] } = await startWithAccounts(['organizer', 'attendee'], {
    env: {
      ADMIT_ARGON2_MEMORY_KIB: '1024', ADMIT_PAYMENT_PROVIDER: 'sandbox', ADMIT_STRIPE_WEBHOOK_SECRET: 'whsec_test_secret',
      ADMIT_PUBLIC_URL: 'https://tickets.example', ADMIT_MAIL_RETRY_BASE_MS: '100',
      // The per-client limit has its own server below; here every guest order comes from 127.0.0.1.
      ADMIT_GUEST_ORDERS_PER_HOUR: '0',
    },
  }));
});

after(async () => {
  await srv?.stop();
});

const guestOrder = (body, headers = {}) => api(base, 'POST', '/api/registrations', { body, headers });
const asGuest = (token) => ({ 'X-Order-Token': token });
const open = (method, path, token, body) => api(base, method, path, { headers: asGuest(token), body });

/** An event with two types, "Regular" and "VIP" (prices 0 or as given), and room for 50. */
async function twoTypes({ price = 0, ...over } = {}) {
  const e = await createEvent(base, org.accessToken, {
    price: undefined, capacity: 50, maxPerAttendee: 10, currency: 'EUR',
    ticketTypes: [{ name: 'Regular', price }, { name: 'VIP', price: price ? price * 2 : 0 }], ...over,
  });
  const id = (name) => e.ticketTypes.find((t) => t.name === name).ticketTypeId;
  return { e, regular: id('Regular'), vip: id('VIP') };
}

const rowsOf = async (eventId) =>
  Number((await databaseSql(srv, `SELECT COUNT(*) FROM registrations WHERE event_id = '${eventId}';`)).trim());

// ---- the file mailbox ----

async function messageText(raw) {
  const require = createRequire(new URL('../node/package.json', import.meta.url));
  const { simpleParser } = await import(pathToFileURL(require.resolve('mailparser')).href);
  const parsed = await simpleParser(raw);
  return `${parsed.to?.text ?? ''}\n${parsed.subject ?? ''}\n${parsed.text ?? ''}\n${parsed.html || ''}`;
}

/** Every order-link token in messages to `address` (all of them, oldest file first), waiting
 *  up to `ms` for one not in `seen`. */
async function orderLinkTokens(address, registrationId, { seen = [], ms = 15_000 } = {}) {
  const dir = join(srv.dataDir, 'mail');
  const link = new RegExp(`https://tickets\\.example/orders/${registrationId}\\?token=([A-Za-z0-9_-]{43})`, 'g');
  const deadline = Date.now() + ms;
  for (;;) {
    let names = [];
    try { names = (await readdir(dir)).filter((n) => n.endsWith('.eml')).sort(); } catch { /* none yet */ }
    const found = [];
    for (const name of names) {
      const text = await messageText(await readFile(join(dir, name), 'utf8'));
      if (!text.toLowerCase().includes(address.toLowerCase())) continue;
      for (const m of text.matchAll(link)) if (!found.includes(m[1])) found.push(m[1]);
    }
    if (found.some((t) => !seen.includes(t)) || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const freshLink = async (address, registrationId, seen) => {
  const tokens = await orderLinkTokens(address, registrationId, { seen });
  const fresh = tokens.filter((t) => !seen.includes(t));
  assert.equal(fresh.length, 1, `one new order link to ${address}, found ${JSON.stringify(tokens)} (seen ${seen.length})`);
  return fresh[0];
};

// ---- who may order ----

describe('who orders: an account, or a guest named by buyer', () => {
  it('no Authorization header and no buyer stays 401; a bad token is 401 even with a buyer; nothing is written', async () => {
    const { e, regular } = await twoTypes();
    const items = [{ ticketTypeId: regular, quantity: 1 }];
    assertProblem(await guestOrder({ eventId: e.eventId, items }), 401, 'no token, no buyer');
    assertProblem(await api(base, 'POST', '/api/registrations'), 401, 'no token, no body');
    assertProblem(await api(base, 'POST', '/api/registrations', { rawBody: '{"eventId":' }), 401, 'no token, broken JSON');
    const buyer = { name: 'Grace Hopper', email: uniqueEmail() };
    const bad = await api(base, 'POST', '/api/registrations',
      { token: 'not-a-jwt', body: { eventId: e.eventId, items, buyer } });
    assertProblem(bad, 401, 'a bad token with a buyer');
    assert.equal(await rowsOf(e.eventId), 0);
  });

  it('names buyer.name and buyer.email when they are wrong, and buyer when a signed-in caller sends one', async () => {
    const { e, regular } = await twoTypes();
    const items = [{ ticketTypeId: regular, quantity: 1 }];
    assertFieldError(await guestOrder({ eventId: e.eventId, items, buyer: { name: 'Grace', email: 'not-an-address' } }),
      'buyer.email');
    assertFieldError(await guestOrder({ eventId: e.eventId, items, buyer: { name: '  ', email: uniqueEmail() } }),
      'buyer.name');
    assertFieldError(await guestOrder({ eventId: e.eventId, items, buyer: { email: uniqueEmail() } }), 'buyer.name');
    assertFieldError(await guestOrder({ eventId: e.eventId, items, buyer: { name: 'Grace', email: uniqueEmail(), x: 1 } }),
      'buyer.x');
    const signedIn = await api(base, 'POST', '/api/registrations', {
      token: att.accessToken, body: { eventId: e.eventId, items, buyer: { name: 'Grace', email: uniqueEmail() } },
    });
    assertFieldError(signedIn, 'buyer');
    assert.equal(await rowsOf(e.eventId), 0);
  });
});

// ---- the whole way, paid ----

describe('a guest buys two tickets of two types for two people, pays, gets them by mail, resends, cancels', () => {
  let e, regular, vip, buyer, placed, firstToken, mailToken, resentToken;

  before(async () => {
    ({ e, regular, vip } = await twoTypes({ price: 20 }));
    buyer = { name: 'Grace Hopper', email: uniqueEmail() };
  });

  it('places the order: 201 with the order token shown once, a guest order of the buyer', async () => {
    const r = await guestOrder({
      eventId: e.eventId,
      items: [{ ticketTypeId: regular, quantity: 1 }, { ticketTypeId: vip, quantity: 1 }],
      attendees: [{ name: 'Grace Hopper' }, { name: 'Ada Lovelace', email: 'ada@example.org' }],
      buyer: { name: buyer.name, email: buyer.email.toUpperCase() },
    });
    assert.equal(r.status, 201, r.text);
    placed = r.json;
    assert.equal(placed.status, 'pending_payment');
    assert.equal(placed.guest, true);
    assert.deepEqual(placed.buyer, { name: 'Grace Hopper', email: buyer.email.toLowerCase() });
    assert.equal(placed.amount, 60);
    assert.match(placed.orderToken, /^[A-Za-z0-9_-]{43}$/);
    firstToken = placed.orderToken;
    // Stored only as a digest.
    const stored = await databaseSql(srv, `SELECT token_hash FROM order_tokens WHERE registration_id = '${placed.registrationId}';`);
    assert.ok(stored.trim().length > 0);
    assert.ok(!stored.includes(firstToken), 'the token itself is not stored');
    const read = await open('GET', `/api/registrations/${placed.registrationId}`, firstToken);
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json.orderToken, undefined, 'shown once: a read does not repeat it');
    assert.equal(read.json.guest, true);
  });

  it('the order reads only with its token: no header is 401, a wrong token 404, an account 404', async () => {
    const path = `/api/registrations/${placed.registrationId}`;
    assertProblem(await api(base, 'GET', path), 401);
    const wrong = firstToken.slice(0, 20) + (firstToken[20] === 'A' ? 'B' : 'A') + firstToken.slice(21);
    assertProblem(await open('GET', path, wrong), 404);
    assertProblem(await api(base, 'GET', path, { token: att.accessToken }), 404);
  });

  it('pays it with the sandbox through X-Order-Token: confirmed, tickets for the two holders, codes signing the guest', async () => {
    const intent = await open('POST', '/api/payments/create-intent', firstToken, { registrationId: placed.registrationId });
    assert.equal(intent.status, 200, intent.text);
    const paid = await open('POST', '/api/payments/sandbox/confirm', firstToken,
      { paymentIntentId: intent.json.paymentIntentId, cardNumber: '4242 4242 4242 4242' });
    assert.equal(paid.status, 200, paid.text);
    assert.equal(paid.json.status, 'confirmed');
    assert.deepEqual(paid.json.tickets.map((t) => [t.holderName, t.ticketTypeId]),
      [['Grace Hopper', regular], ['Ada Lovelace', vip]]);
    assert.equal(paid.json.tickets[1].holderEmail, 'ada@example.org');
    for (const t of paid.json.tickets) assert.equal(parseQr(t.qrCode).userId, placed.userId);
  });

  it('mails the confirmation with the order link to the buyer; the outbox forgets the token once sent', async () => {
    mailToken = await freshLink(buyer.email, placed.registrationId, []);
    await waitForMailIdle(base);
    const kept = await databaseSql(srv,
      `SELECT COUNT(*) FROM mail_outbox WHERE registration_id = '${placed.registrationId}' AND secret IS NOT NULL;`);
    assert.equal(Number(kept.trim()), 0, 'no outbox row still holds the token');
    const read = await open('GET', `/api/registrations/${placed.registrationId}`, mailToken);
    assert.equal(read.status, 200, read.text);
    assert.equal(read.json.status, 'confirmed');
  });

  it('the token opens the tickets, their download link and the PDF, with the holder\'s name printed', async () => {
    const read = await open('GET', `/api/registrations/${placed.registrationId}`, mailToken);
    const [first, second] = read.json.tickets;
    const ticket = await open('GET', `/api/tickets/${second.ticketId}`, mailToken);
    assert.equal(ticket.status, 200, ticket.text);
    assert.equal(ticket.json.holderName, 'Ada Lovelace');
    assertProblem(await api(base, 'GET', `/api/tickets/${second.ticketId}`), 401);
    const link = await open('GET', `/api/tickets/${first.ticketId}/download`, mailToken);
    assert.equal(link.status, 200, link.text);
    const pdf = await fetch(link.json.url.replace('https://tickets.example', base));
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const page = await inspectPdf(Buffer.from(await pdf.arrayBuffer()));
    assert.match(page.text, /Grace Hopper/);
  });

  it('a resend mails a fresh link and retires every older token of the order', async () => {
    const resend = await open('POST', `/api/registrations/${placed.registrationId}/resend`, mailToken);
    assert.equal(resend.status, 202, resend.text);
    resentToken = await freshLink(buyer.email, placed.registrationId, [mailToken]);
    for (const old of [firstToken, mailToken]) {
      assertProblem(await open('GET', `/api/registrations/${placed.registrationId}`, old), 404, 'a retired token');
    }
    const read = await open('GET', `/api/registrations/${placed.registrationId}`, resentToken);
    assert.equal(read.status, 200, read.text);
  });

  it('cancels it with the token: refunded, tickets void', async () => {
    const cancelled = await open('POST', `/api/registrations/${placed.registrationId}/cancel`, resentToken);
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.match(cancelled.json.status, /^refund/);
    assert.ok(cancelled.json.tickets.every((t) => t.status === 'cancelled'));
  });
});

// ---- a token opens its own order only ----

describe('an order token opens its own order only', () => {
  it('refuses another order\'s registration, tickets, download, payment, resend and cancellation, even of the same buyer', async () => {
    const { e: free, regular } = await twoTypes();
    const { e: paid, regular: paidType } = await twoTypes({ price: 10 });
    const email = uniqueEmail();
    const mine = await guestOrder({ eventId: free.eventId, items: [{ ticketTypeId: regular, quantity: 1 }], buyer: { name: 'A', email } });
    const other = await guestOrder({ eventId: free.eventId, items: [{ ticketTypeId: regular, quantity: 1 }], buyer: { name: 'A', email } });
    const otherPaid = await guestOrder({ eventId: paid.eventId, items: [{ ticketTypeId: paidType, quantity: 1 }], buyer: { name: 'A', email } });
    for (const r of [mine, other, otherPaid]) assert.equal(r.status, 201, r.text);
    assert.equal(mine.json.userId, other.json.userId, 'one buyer record per address');
    const token = mine.json.orderToken;
    const id = other.json.registrationId;
    const ticket = other.json.tickets[0].ticketId;
    assertProblem(await open('GET', `/api/registrations/${id}`, token), 404);
    assertProblem(await open('GET', `/api/tickets/${ticket}`, token), 404);
    assertProblem(await open('GET', `/api/tickets/${ticket}/download`, token), 404);
    assertProblem(await open('POST', `/api/registrations/${id}/resend`, token), 404);
    assertProblem(await open('POST', `/api/registrations/${id}/cancel`, token), 404);
    assertProblem(await open('POST', '/api/payments/create-intent', token, { registrationId: otherPaid.json.registrationId }), 404);
    // A token is no account: the signed-in list is not for it.
    assertProblem(await open('GET', '/api/registrations', token), 401);
    const still = await open('GET', `/api/registrations/${id}`, other.json.orderToken);
    assert.equal(still.json.status, 'confirmed', 'the other order is untouched');
  });
});

// ---- joining an account ----

/** Proves `email` with the verification link of the mail it received, as a person would. */
async function verifyByMail(email) {
  const dir = join(srv.dataDir, 'mail');
  let verifyToken;
  for (const deadline = Date.now() + 15_000; !verifyToken && Date.now() < deadline;) {
    for (const name of (await readdir(dir)).filter((n) => n.endsWith('.eml'))) {
      const text = await messageText(await readFile(join(dir, name), 'utf8'));
      if (!text.toLowerCase().includes(email)) continue;
      verifyToken = /\/verify-email\?token=([A-Za-z0-9_-]{43})/.exec(text)?.[1] ?? verifyToken;
    }
    if (!verifyToken) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(verifyToken, 'a verification link arrived');
  const verified = await api(base, 'POST', '/api/auth/verify-email', { body: { token: verifyToken } });
  assert.ok(verified.status < 300, verified.text);
}

describe('an account that proves the address takes its guest orders', () => {
  it('not by signing up, only by verifying; the orders show in My tickets, their codes and tokens stay', async () => {
    const { e, regular } = await twoTypes();
    const email = uniqueEmail();
    const placed = await guestOrder({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 2 }], buyer: { name: 'Kim', email } });
    assert.equal(placed.status, 201, placed.text);
    const codes = placed.json.tickets.map((t) => t.qrCode);

    const account = await signup(base, 'attendee', { email });
    const listed = async () => (await api(base, 'GET', '/api/registrations?limit=100', { token: account.accessToken })).json.items
      .map((r) => r.registrationId);
    assert.ok(!(await listed()).includes(placed.json.registrationId), 'an unverified address joins nothing');
    assertProblem(await api(base, 'GET', `/api/registrations/${placed.json.registrationId}`, { token: account.accessToken }), 404);

    await verifyByMail(email);

    assert.ok((await listed()).includes(placed.json.registrationId), 'the guest order shows in the account');
    const mine = await api(base, 'GET', `/api/registrations/${placed.json.registrationId}`, { token: account.accessToken });
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(mine.json.tickets.map((t) => t.qrCode), codes, 'the codes signed for the guest stay valid');
    assert.equal(mine.json.userId, placed.json.userId);
    const ticket = await api(base, 'GET', `/api/tickets/${codes.length && mine.json.tickets[0].ticketId}`, { token: account.accessToken });
    assert.equal(ticket.status, 200, ticket.text);
    const byToken = await open('GET', `/api/registrations/${placed.json.registrationId}`, placed.json.orderToken);
    assert.equal(byToken.status, 200, 'the order token keeps working after the join');

    // A later guest order of the proved address joins at once.
    const later = await guestOrder({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 1 }], buyer: { name: 'Kim', email } });
    assert.equal(later.status, 201, later.text);
    assert.ok((await listed()).includes(later.json.registrationId));
  });
});

describe('one person, one limit: an account and the guest orders of the address it proved', () => {
  it('share the event\'s maxPerAttendee, whichever way the person orders, in turn or at once', async () => {
    const { e, regular, vip } = await twoTypes({ maxPerAttendee: 3 });
    const other = await twoTypes({ maxPerAttendee: 3 });
    const email = uniqueEmail();
    const buy = (event, type, quantity) =>
      guestOrder({ eventId: event.eventId, items: [{ ticketTypeId: type, quantity }], buyer: { name: 'Pat', email } });
    assert.equal((await buy(e, regular, 2)).status, 201);
    const account = await signup(base, 'attendee', { email });
    const own = (event, type, quantity) => api(base, 'POST', '/api/registrations', {
      token: account.accessToken, body: { eventId: event.eventId, items: [{ ticketTypeId: type, quantity }] },
    });
    assert.equal((await own(e, vip, 2)).status, 201, 'an address merely claimed is not the account\'s: 2 + 2');
    await verifyByMail(email);
    // Proved: the 2 + 2 seats are one person's now, over the limit of 3; nothing more either way.
    for (const refused of [await own(e, vip, 1), await buy(e, regular, 1)]) {
      assertProblem(refused, 409);
      assert.match(refused.json.type, /attendee-limit$/);
    }
    assert.equal(await rowsOf(e.eventId), 2);
    // Another event: two seats each way at once, against 3: one of the two orders is placed.
    const both = await Promise.all([own(other.e, other.vip, 2), buy(other.e, other.regular, 2)]);
    assert.deepEqual(both.map((r) => r.status).sort(), [201, 409], both.map((r) => r.text).join(' | '));
    assert.equal(await rowsOf(other.e.eventId), 1);
  });
});

describe('a guest order keeps the buyer name it was placed with', () => {
  it('a later order of the address with another name shows that name; the first keeps its own', async () => {
    const { e, regular } = await twoTypes();
    const email = uniqueEmail();
    const order = (name) =>
      guestOrder({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 1 }], buyer: { name, email } });
    const first = await order('Robin First');
    const second = await order('Robin Second');
    assert.equal(second.status, 201, second.text);
    const shown = async (placed) =>
      (await open('GET', `/api/registrations/${placed.json.registrationId}`, placed.json.orderToken)).json.buyer.name;
    assert.equal(await shown(first), 'Robin First');
    assert.equal(await shown(second), 'Robin Second');
    assert.equal(second.json.tickets[0].holderName, 'Robin Second', 'its ticket holds that name where nobody was named');
  });
});

// ---- anti-hoarding ----

describe('guests cannot hoard a sale', () => {
  it('the event\'s maxPerAttendee holds over all guest orders of one address, whatever its case', async () => {
    const { e, regular, vip } = await twoTypes({ maxPerAttendee: 3 });
    const email = uniqueEmail();
    const first = await guestOrder({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 2 }], buyer: { name: 'B', email } });
    assert.equal(first.status, 201, first.text);
    const over = await guestOrder({ eventId: e.eventId, items: [{ ticketTypeId: vip, quantity: 2 }], buyer: { name: 'B', email: email.toUpperCase() } });
    assertProblem(over, 409);
    assert.match(over.json.type, /attendee-limit$/);
    const fits = await guestOrder({ eventId: e.eventId, items: [{ ticketTypeId: vip, quantity: 1 }], buyer: { name: 'B', email } });
    assert.equal(fits.status, 201, fits.text);
    const another = await guestOrder({ eventId: e.eventId, items: [{ ticketTypeId: vip, quantity: 2 }], buyer: { name: 'C', email: uniqueEmail() } });
    assert.equal(another.status, 201, 'another address has its own limit');
    assert.equal(await rowsOf(e.eventId), 3);
  });

  it('one address has one unpaid guest order of an event open at a time', async () => {
    const { e, regular } = await twoTypes({ price: 15 });
    const email = uniqueEmail();
    const first = await guestOrder({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 1 }], buyer: { name: 'D', email } });
    assert.equal(first.status, 201, first.text);
    const second = await guestOrder({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 1 }], buyer: { name: 'D', email } });
    assertProblem(second, 409);
    assert.match(second.json.type, /unpaid-order-open$/);
    // Cancelling the unpaid order lets the address order again.
    assert.equal((await open('POST', `/api/registrations/${first.json.registrationId}/cancel`, first.json.orderToken)).status, 200);
    const again = await guestOrder({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 1 }], buyer: { name: 'D', email } });
    assert.equal(again.status, 201, again.text);
  });

  it('concurrent first orders of one new address get one buyer record, and the limit holds across them', async () => {
    const { e, regular } = await twoTypes({ maxPerAttendee: 4 });
    const email = uniqueEmail();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => guestOrder({
      eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 1 }], buyer: { name: `R${i}`, email },
    })));
    const placed = results.filter((r) => r.status === 201);
    assert.equal(placed.length, 4, results.map((r) => `${r.status} ${r.json?.type ?? ''}`).join(', '));
    for (const r of results.filter((x) => x.status !== 201)) assert.match(r.json.type, /attendee-limit$/);
    assert.equal(new Set(placed.map((r) => r.json.userId)).size, 1, 'one buyer record for the address');
  });
});

describe('guest orders per client address (ADMIT_GUEST_ORDERS_PER_HOUR=3)', () => {
  let limited, organizer;
  before(async () => {
    limited = await startServer({ env: { ADMIT_ARGON2_MEMORY_KIB: '1024', ADMIT_GUEST_ORDERS_PER_HOUR: '3', ADMIT_CORS_ORIGINS: 'https://app.example' } });
    organizer = await signup(limited.baseUrl, 'organizer');
  });
  after(async () => { await limited?.stop(); });

  it('refuses the fourth guest order from one address with 429 and Retry-After; signed-in orders go on', async () => {
    const e = await createEvent(limited.baseUrl, organizer.accessToken, { price: 0, capacity: 100, maxPerAttendee: 10 });
    const order = (extra) => api(limited.baseUrl, 'POST', '/api/registrations', { body: { eventId: e.eventId, quantity: 1, ...extra } });
    for (let i = 0; i < 3; i++) {
      const r = await order({ buyer: { name: `G${i}`, email: uniqueEmail() } });
      assert.equal(r.status, 201, r.text);
    }
    const refused = await order({ buyer: { name: 'G4', email: uniqueEmail() } });
    assertProblem(refused, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1, `Retry-After: ${refused.headers.get('retry-after')}`);
    const account = await signup(limited.baseUrl, 'attendee');
    const signedIn = await api(limited.baseUrl, 'POST', '/api/registrations',
      { token: account.accessToken, body: { eventId: e.eventId, quantity: 1 } });
    assert.equal(signedIn.status, 201, signedIn.text);
  });

  it('lets a browser send X-Order-Token (CORS)', async () => {
    const r = await api(limited.baseUrl, 'OPTIONS', '/api/registrations/x', {
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-order-token' },
    });
    assert.equal(r.status, 204, r.text);
    assert.match((r.headers.get('access-control-allow-headers') || '').toLowerCase(), /x-order-token/);
  });
});

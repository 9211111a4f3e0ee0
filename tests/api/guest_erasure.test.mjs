// Erasure of a guest buyer who has no account (issue 16, GDPR Art. 17): by an admin
// (`POST /api/admin/guests/erase {email}`) or by the guest, proven by an order token
// (`POST /api/guest/erase` with X-Order-Token). As for an account: orders for events yet to come
// cancelled and the paid ones refunded; the name, address, answers and holders gone from the
// organizer's lists, the audit log and the file mailbox; every order link of theirs dead; the
// event's counts and money kept; the erasure itself audited. Also: the audit log names each
// actor by their name now (the erased placeholder once erased).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  startServer, api, signup, createEvent, assertProblem, assertFieldError, uniqueEmail, waitForMailIdle,
  collectPages, sleep,
} from './harness.mjs';
import { admitCli, sql } from './account_helpers.mjs';

let srv, base, root, org, att;

before(async () => {
  srv = await startServer({
    env: {
      ADMIT_PAYMENT_PROVIDER: 'sandbox', ADMIT_STRIPE_WEBHOOK_SECRET: 'whsec_test_secret',
      ADMIT_PUBLIC_URL: 'https://tickets.example', ADMIT_GUEST_ORDERS_PER_HOUR: '0',
      ADMIT_GUEST_OPEN_ORDERS_PER_EMAIL: '5',
    },
  });
  base = srv.baseUrl;
  const admin = await signup(base, 'attendee');
  const cli = await admitCli(srv, ['user', 'role', admin.email, 'admin']);
  assert.equal(cli.code, 0, cli.stderr);
  const login = await api(base, 'POST', '/api/auth/login', { body: { email: admin.email, password: admin.password } });
  assert.equal(login.status, 200, login.text);
  root = { ...admin, accessToken: login.json.accessToken, user: login.json.user };
  org = await signup(base, 'organizer');
  att = await signup(base, 'attendee');
});

after(async () => {
  await srv?.stop();
});

const asGuest = (token) => ({ 'X-Order-Token': token });

/** A guest order of `quantity` seats of the event's first type, holders named; paid with the
 *  sandbox's good card when the event has a price. Returns {registrationId, token}. */
async function guestOrder(eventId, buyer, quantity = 1) {
  const attendees = Array.from({ length: quantity }, (_, i) => ({ name: `${buyer.name} Friend ${i}` }));
  const r = await api(base, 'POST', '/api/registrations', { body: { eventId, quantity, buyer, attendees } });
  assert.equal(r.status, 201, r.text);
  const token = r.json.orderToken;
  if (r.json.status === 'pending_payment') {
    const intent = await api(base, 'POST', '/api/payments/create-intent',
      { headers: asGuest(token), body: { registrationId: r.json.registrationId } });
    assert.equal(intent.status, 200, intent.text);
    const paid = await api(base, 'POST', '/api/payments/sandbox/confirm', {
      headers: asGuest(token), body: { paymentIntentId: intent.json.paymentIntentId, cardNumber: '4242424242424242' },
    });
    assert.equal(paid.status, 200, paid.text);
  }
  return { registrationId: r.json.registrationId, token };
}

/** The .eml files of the server's mailbox that mention `text`. */
async function mailMentioning(text) {
  const dir = join(srv.dataDir, 'mail');
  const found = [];
  for (const f of (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.eml'))) {
    if ((await readFile(join(dir, f), 'latin1')).toLowerCase().includes(text.toLowerCase())) found.push(f);
  }
  return found;
}

/** Polls `probe` until it holds (a refund goes through the provider after the erasure answers). */
async function eventually(probe, limitMs = 10_000) {
  const start = Date.now();
  for (;;) {
    const r = await probe();
    if (r || Date.now() - start > limitMs) return r;
    await sleep(100);
  }
}

const buyerOf = (tag) => ({ name: `Kim ${tag} Guestly`, email: uniqueEmail() });

describe('an admin erases a guest buyer', () => {
  it("cancels and refunds the coming orders, keeps the books, and leaves no name or address behind", async () => {
    const kim = buyerOf('Admin');
    const lee = buyerOf('Other');
    const past = await createEvent(base, org.accessToken, { price: 20, capacity: 10 });
    const coming = await createEvent(base, org.accessToken, { price: 15, capacity: 10 });
    const free = await createEvent(base, org.accessToken, { price: 0, capacity: 10 });
    const kept = await guestOrder(past.eventId, kim, 2);
    const refunded = await guestOrder(coming.eventId, kim, 1);
    const noted = await guestOrder(free.eventId, kim, 1);
    const other = await guestOrder(coming.eventId, lee, 1);
    // An organizer's note naming the address.
    assert.equal((await api(base, 'POST', `/api/registrations/${noted.registrationId}/cancel`,
      { token: org.accessToken, body: { reason: `asked by ${kim.email}` } })).status, 200);
    await sql(srv, `UPDATE events SET starts_at = ${Math.floor(Date.now() / 1000) - 3600} WHERE id = '${past.eventId}';`);
    await waitForMailIdle(base);
    assert.ok((await mailMentioning(kim.email)).length > 0, 'the guest was mailed before');
    const before = (await api(base, 'GET', `/api/events/${past.eventId}/analytics`, { token: org.accessToken })).json;

    // Nobody but an admin.
    assertProblem(await api(base, 'POST', '/api/admin/guests/erase', { body: { email: kim.email } }), 401);
    for (const who of [att, org]) {
      assertProblem(await api(base, 'POST', '/api/admin/guests/erase',
        { token: who.accessToken, body: { email: kim.email } }), 403);
    }
    assertFieldError(await api(base, 'POST', '/api/admin/guests/erase',
      { token: root.accessToken, body: { email: 'not an address' } }), 'email');
    assert.equal((await api(base, 'GET', `/api/registrations/${kept.registrationId}`,
      { headers: asGuest(kept.token) })).status, 200, 'nothing changed yet');

    // The address as the guest typed it, in another case.
    const r = await api(base, 'POST', '/api/admin/guests/erase',
      { token: root.accessToken, body: { email: kim.email.toUpperCase() } });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.guestId);
    assert.deepEqual(r.json.cancelledRegistrations, [refunded.registrationId]);
    assert.deepEqual(r.json.refundedRegistrations, [refunded.registrationId]);

    // Every order link of theirs is dead; the other guest's still opens.
    for (const { registrationId, token } of [kept, refunded, noted]) {
      assertProblem(await api(base, 'GET', `/api/registrations/${registrationId}`, { headers: asGuest(token) }), 404);
    }
    assert.equal((await api(base, 'GET', `/api/registrations/${other.registrationId}`,
      { headers: asGuest(other.token) })).status, 200);
    // The organizer's lists and CSV: no name, no address, no holder; the row stays.
    for (const e of [past, coming, free]) {
      const list = await api(base, 'GET', `/api/events/${e.eventId}/registrations`, { token: org.accessToken });
      assert.equal(list.status, 200, list.text);
      assert.ok(!list.text.toLowerCase().includes(kim.email) && !list.text.includes('Kim Admin'), list.text);
      const csv = await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv&rows=tickets`,
        { token: org.accessToken });
      assert.ok(!csv.text.toLowerCase().includes(kim.email) && !csv.text.includes('Kim Admin'), csv.text);
    }
    const list = await api(base, 'GET', `/api/events/${past.eventId}/registrations`, { token: org.accessToken });
    assert.ok(list.json.items.find((i) => i.registrationId === kept.registrationId), 'the row stays, for the books');
    // Counts and money stay.
    const after = (await api(base, 'GET', `/api/events/${past.eventId}/analytics`, { token: org.accessToken })).json;
    assert.equal(after.registeredCount, before.registeredCount);
    assert.equal(after.revenue, before.revenue);
    assert.equal(after.revenue, 40);
    // The coming event's seat is free again and the money goes back through the provider.
    assert.equal((await api(base, 'GET', `/api/events/${coming.eventId}`)).json.registeredCount, 1);
    const refundedRow = await eventually(async () => {
      const l = await api(base, 'GET', `/api/events/${coming.eventId}/registrations`, { token: org.accessToken });
      const item = l.json.items.find((i) => i.registrationId === refunded.registrationId);
      return item?.status === 'refunded' ? item : null;
    });
    assert.ok(refundedRow, 'the paid order was refunded');
    // The audit log: the erasure, by the admin, and no trace of the address.
    const audit = await api(base, 'GET', '/api/admin/audit?action=guest.erased', { token: root.accessToken });
    const entry = audit.json.items.find((e) => e.subject.id === r.json.guestId);
    assert.ok(entry, audit.text);
    assert.equal(entry.actorId, root.user.userId);
    assert.equal(entry.subject.type, 'guest');
    const all = await collectPages(base, '/api/admin/audit', root.accessToken, { limit: 100 });
    assert.ok(!JSON.stringify(all.items).toLowerCase().includes(kim.email), 'no audit entry names the address');
    // The mailbox (the refund's message is never sent to them either).
    await waitForMailIdle(base);
    assert.deepEqual(await mailMentioning(kim.email), []);
    assert.ok((await mailMentioning(lee.email)).length > 0, "the other guest's mail stays");
    // Once only.
    assertProblem(await api(base, 'POST', '/api/admin/guests/erase',
      { token: root.accessToken, body: { email: kim.email } }), 404);
  });

  it('refuses a guest whose address an account proved (409): erasing the account covers it', async () => {
    const kim = buyerOf('Joined');
    const free = await createEvent(base, org.accessToken, { price: 0, capacity: 10 });
    const order = await guestOrder(free.eventId, kim, 1);
    const account = await signup(base, 'attendee', { email: kim.email });
    // As following the verification link would do (the guests suite follows it itself).
    await sql(srv, `UPDATE guest_buyers SET user_id = '${account.user.userId}' WHERE email = '${kim.email}';`);
    const r = await api(base, 'POST', '/api/admin/guests/erase', { token: root.accessToken, body: { email: kim.email } });
    assertProblem(r, 409);
    assertProblem(await api(base, 'POST', '/api/guest/erase', { headers: asGuest(order.token) }), 409);
    assert.equal((await api(base, 'GET', `/api/registrations/${order.registrationId}`,
      { headers: asGuest(order.token) })).json.status, 'confirmed', 'nothing changed');
  });
});

describe('a guest erases their own data', () => {
  it('with one order token: all their orders, and the token then opens nothing', async () => {
    const kim = buyerOf('Self');
    const coming = await createEvent(base, org.accessToken, { price: 15, capacity: 10 });
    const free = await createEvent(base, org.accessToken, { price: 0, capacity: 10 });
    const paid = await guestOrder(coming.eventId, kim, 1);
    const second = await guestOrder(free.eventId, kim, 2);
    // A message being delivered while the erasure commits would leave its copy behind (the
    // erasure removes the copies of messages already sent); see the admin's erasure.
    await waitForMailIdle(base);

    assertProblem(await api(base, 'POST', '/api/guest/erase'), 401, 'no token, no order token');
    assertProblem(await api(base, 'POST', '/api/guest/erase', { headers: asGuest('x'.repeat(43)) }), 404);
    assertProblem(await api(base, 'POST', '/api/guest/erase', { token: att.accessToken }), 403,
      'an account erases itself with DELETE /api/me');

    const r = await api(base, 'POST', '/api/guest/erase', { headers: asGuest(second.token) });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.cancelledRegistrations.sort(), [paid.registrationId, second.registrationId].sort());
    assert.deepEqual(r.json.refundedRegistrations, [paid.registrationId]);
    for (const { registrationId, token } of [paid, second]) {
      assertProblem(await api(base, 'GET', `/api/registrations/${registrationId}`, { headers: asGuest(token) }), 404);
    }
    assertProblem(await api(base, 'POST', '/api/guest/erase', { headers: asGuest(second.token) }), 404);
    assert.equal((await api(base, 'GET', `/api/events/${free.eventId}`)).json.registeredCount, 0);
    const audit = await api(base, 'GET', '/api/admin/audit?action=guest.erased', { token: root.accessToken });
    const entry = audit.json.items.find((e) => e.subject.id === r.json.guestId);
    assert.ok(entry, audit.text);
    assert.equal(entry.actorId, null, 'the guest names no account');
    await waitForMailIdle(base);
    assert.deepEqual(await mailMentioning(kim.email), []);
  });
});

describe('the audit log names its actors', () => {
  it('by their name now, and an erased actor as the erased placeholder', async () => {
    const organizer = await signup(base, 'organizer');
    const e = await createEvent(base, organizer.accessToken, { price: 0, capacity: 5 });
    const audit = async () => (await api(base, 'GET', `/api/admin/audit?eventId=${e.eventId}&action=event.created`,
      { token: root.accessToken })).json.items;
    const [created] = await audit();
    assert.equal(created.actorId, organizer.user.userId);
    assert.equal(created.actorName, organizer.name);
    // Rows without an account behind them name nobody.
    const system = await api(base, 'GET', `/api/admin/audit?actorId=${organizer.user.userId}`, { token: root.accessToken });
    assert.ok(system.json.items.every((i) => i.actorName === organizer.name), system.text);
    const r = await api(base, 'POST', `/api/admin/users/${organizer.user.userId}/erase`, { token: root.accessToken });
    assert.equal(r.status, 200, r.text);
    const [after] = await audit();
    assert.equal(after.actorId, organizer.user.userId);
    assert.equal(after.actorName, 'Erased person');
    const page = await api(base, 'GET', '/api/admin/audit?action=guest.erased', { token: root.accessToken });
    for (const item of page.json.items) assert.equal(item.actorName, item.actorId === null ? null : item.actorName);
    assert.ok(page.json.items.some((i) => i.actorId === null && i.actorName === null), 'a guest names no account');
  });
});

describe("a guest's cancellation mail", () => {
  it('links to their order page with a token that opens it, not to an account page', async () => {
    const kim = buyerOf('Mail');
    const free = await createEvent(base, org.accessToken, { price: 0, capacity: 5 });
    const order = await guestOrder(free.eventId, kim, 1);
    const cancelled = await api(base, 'POST', `/api/registrations/${order.registrationId}/cancel`,
      { headers: asGuest(order.token) });
    assert.equal(cancelled.status, 200, cancelled.text);
    await waitForMailIdle(base);
    const dir = join(srv.dataDir, 'mail');
    const require = createRequire(new URL('../node/package.json', import.meta.url));
    const { simpleParser } = await import(pathToFileURL(require.resolve('mailparser')).href);
    let text = '';
    for (const f of await mailMentioning(kim.email)) {
      const parsed = await simpleParser(await readFile(join(dir, f)));
      if (parsed.subject?.startsWith('Cancelled')) text = `${parsed.text ?? ''}\n${parsed.html || ''}`;
    }
    assert.ok(text, 'the cancellation was mailed');
    assert.ok(!text.includes('https://tickets.example/tickets'), 'no link to an account page');
    const link = text.match(new RegExp(`https://tickets\\.example/orders/${order.registrationId}\\?token=([A-Za-z0-9_-]{43})`));
    assert.ok(link, text);
    const opened = await api(base, 'GET', `/api/registrations/${order.registrationId}`, { headers: asGuest(link[1]) });
    assert.equal(opened.status, 200, opened.text);
    assert.equal(opened.json.status, 'cancelled');
  });
});

describe('a guest who lost the link', () => {
  /** The order links to `registrationId` in the mail to `address`, oldest first. */
  async function linksIn(address, registrationId) {
    const dir = join(srv.dataDir, 'mail');
    const require = createRequire(new URL('../node/package.json', import.meta.url));
    const { simpleParser } = await import(pathToFileURL(require.resolve('mailparser')).href);
    const link = new RegExp(`https://tickets\\.example/orders/${registrationId}\\?token=([A-Za-z0-9_-]{43})`, 'g');
    const found = [];
    for (const f of (await mailMentioning(address)).sort()) {
      const parsed = await simpleParser(await readFile(join(dir, f)));
      for (const m of `${parsed.text ?? ''}`.matchAll(link)) if (!found.includes(m[1])) found.push(m[1]);
    }
    return found;
  }

  it('asks by address: the same 202 either way, a fresh working link by mail, old links kept, and limits', async () => {
    const kim = buyerOf('Lookup');
    const coming = await createEvent(base, org.accessToken, { price: 0, capacity: 5 });
    const order = await guestOrder(coming.eventId, kim, 1);
    await waitForMailIdle(base);
    const before = await linksIn(kim.email, order.registrationId);
    assert.equal(before.length, 1, 'the confirmation carried one link');

    const known = await api(base, 'POST', '/api/orders/lookup', { body: { email: kim.email.toUpperCase() } });
    const unknown = await api(base, 'POST', '/api/orders/lookup', { body: { email: uniqueEmail() } });
    assert.equal(known.status, 202, known.text);
    assert.equal(unknown.status, 202, unknown.text);
    assert.equal(known.text, unknown.text, 'the answer tells nothing about the address');
    assertFieldError(await api(base, 'POST', '/api/orders/lookup', { body: { email: 'nope' } }), 'email');

    await waitForMailIdle(base);
    const after = await linksIn(kim.email, order.registrationId);
    const fresh = after.filter((t) => !before.includes(t));
    assert.equal(fresh.length, 1, 'one fresh link for the open order');
    for (const token of [fresh[0], before[0]]) {
      const r = await api(base, 'GET', `/api/registrations/${order.registrationId}`, { headers: asGuest(token) });
      assert.equal(r.status, 200, 'the fresh link works and the old one still does');
    }

    // Per address: 3 an hour, found or not.
    assert.equal((await api(base, 'POST', '/api/orders/lookup', { body: { email: kim.email } })).status, 202);
    assert.equal((await api(base, 'POST', '/api/orders/lookup', { body: { email: kim.email } })).status, 202);
    const limited = await api(base, 'POST', '/api/orders/lookup', { body: { email: kim.email } });
    assertProblem(limited, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    // Per client: 9 an hour over every address (4 counted above).
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await api(base, 'POST', '/api/orders/lookup', { body: { email: uniqueEmail() } })).status);
    }
    assert.deepEqual(statuses, [202, 202, 202, 202, 202, 429]);
  });
});

describe("a guest's hold-expired mail", () => {
  let own;
  before(async () => {
    own = await startServer({
      env: {
        ADMIT_PAYMENT_PROVIDER: 'sandbox', ADMIT_STRIPE_WEBHOOK_SECRET: 'whsec_test_secret',
        ADMIT_PUBLIC_URL: 'https://tickets.example', ADMIT_GUEST_ORDERS_PER_HOUR: '0', ADMIT_HOLD_SECONDS: '1',
      },
    });
  });
  after(async () => {
    await own?.stop();
  });

  it('links to the order page with a token that opens the expired order', async () => {
    const organizer = await signup(own.baseUrl, 'organizer');
    const paid = await createEvent(own.baseUrl, organizer.accessToken, { price: 10, capacity: 5 });
    const kim = buyerOf('Expired');
    const r = await api(own.baseUrl, 'POST', '/api/registrations',
      { body: { eventId: paid.eventId, quantity: 1, buyer: kim } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'pending_payment');
    const require = createRequire(new URL('../node/package.json', import.meta.url));
    const { simpleParser } = await import(pathToFileURL(require.resolve('mailparser')).href);
    const dir = join(own.dataDir, 'mail');
    const link = new RegExp(`https://tickets\\.example/orders/${r.json.registrationId}\\?token=([A-Za-z0-9_-]{43})`);
    const token = await eventually(async () => {
      for (const f of (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.eml'))) {
        const parsed = await simpleParser(await readFile(join(dir, f)));
        if (!/expired/.test(parsed.subject ?? '')) continue;
        assert.ok(!(parsed.text ?? '').includes('https://tickets.example/tickets'), parsed.text);
        const m = (parsed.text ?? '').match(link);
        if (m) return m[1];
      }
      return null;
    }, 20_000);
    assert.ok(token, 'the hold-expired message links to the order');
    const opened = await api(own.baseUrl, 'GET', `/api/registrations/${r.json.registrationId}`,
      { headers: asGuest(token) });
    assert.equal(opened.status, 200, opened.text);
    assert.equal(opened.json.status, 'expired');
  });
});

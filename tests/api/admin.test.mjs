// Administration (issue 16): the admin routes, who may use them, the audit log, and account
// changes with the command line's rules (`admit user …`).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, signup, assertProblem, assertFieldError, createEvent, registerOk, collectPages, PASSWORD,
  sleep, waitForMailIdle } from './harness.mjs';
import { admitCli, sql } from './account_helpers.mjs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

let srv, base, root, org, att;

/** Signs in again: the token then carries the roles the account has now. */
async function login(who) {
  const r = await api(base, 'POST', '/api/auth/login', { body: { email: who.email, password: PASSWORD } });
  assert.equal(r.status, 200, r.text);
  return { ...who, accessToken: r.json.accessToken, refreshToken: r.json.refreshToken, user: r.json.user };
}

/** A fresh account made admin on the command line, signed in again. */
async function newAdmin() {
  const who = await signup(base, 'attendee');
  const cli = await admitCli(srv, ['user', 'role', who.email, 'admin']);
  assert.equal(cli.code, 0, cli.stderr);
  return login(who);
}

/** Polls `probe` until it answers `status` (a node refuses a changed account within 5 s). */
async function eventually(probe, status, limitMs = 8000) {
  const start = Date.now();
  for (;;) {
    const r = await probe();
    if (r.status === status || Date.now() - start > limitMs) return r;
    await sleep(100);
  }
}

before(async () => {
  srv = await startServer();
  base = srv.baseUrl;
  root = await newAdmin();
  org = await signup(base, 'organizer');
  att = await signup(base, 'attendee');
});

after(async () => {
  await srv?.stop();
});

const adminRoutes = (id) => [
  ['GET', '/api/admin/users'],
  ['GET', '/api/admin/users?q=a'],
  ['POST', `/api/admin/users/${id}/roles`, { grant: ['admin'] }],
  ['POST', `/api/admin/users/${id}/disable`],
  ['POST', `/api/admin/users/${id}/enable`],
  ['POST', `/api/admin/users/${id}/erase`],
  ['GET', '/api/admin/audit'],
];

describe('who may use the admin routes', () => {
  it('nobody without a token (401), no attendee or organizer (403), and nothing changes', async () => {
    for (const [method, path, body] of adminRoutes(att.user.userId)) {
      assertProblem(await api(base, method, path, { body }), 401, `${method} ${path} without a token`);
      for (const who of [att, org]) {
        const r = await api(base, method, path, { token: who.accessToken, body });
        assertProblem(r, 403, `${method} ${path} as ${who.user.roles}`);
        assert.equal(r.json.type, 'urn:admit:problem:forbidden');
      }
    }
    // Granting oneself admin did not happen.
    const me = await api(base, 'GET', '/api/me', { token: att.accessToken });
    assert.deepEqual(me.json.roles, ['attendee']);
    assert.equal((await api(base, 'GET', '/api/registrations', { token: att.accessToken })).status, 200);
  });

  it('an admin may use each of them', async () => {
    const r = await api(base, 'GET', '/api/admin/users', { token: root.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.json.items));
  });
});

describe('the audit log', () => {
  it('an admin finds who cancelled a registration, and the organizer sees it on the event', async () => {
    const event = await createEvent(base, org.accessToken, { price: 0, capacity: 5 });
    const reg = await registerOk(base, att.accessToken, event.eventId, 2);
    const cancel = await api(base, 'POST', `/api/registrations/${reg.registrationId}/cancel`,
      { token: org.accessToken, body: { reason: 'double booking' } });
    assert.equal(cancel.status, 200, cancel.text);
    const requestId = cancel.headers.get('x-request-id');

    const q = `/api/admin/audit?eventId=${event.eventId}&action=registration.cancelled`;
    const r = await api(base, 'GET', q, { token: root.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 1, r.text);
    const entry = r.json.items[0];
    assert.equal(entry.actorId, org.user.userId, 'the organizer cancelled it');
    assert.equal(entry.action, 'registration.cancelled');
    assert.deepEqual(entry.subject, { type: 'registration', id: reg.registrationId });
    assert.equal(entry.eventId, event.eventId);
    assert.equal(entry.requestId, requestId, 'the request that did it, to find it in the logs');
    assert.match(entry.details, /double booking/);
    assert.match(entry.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    // By actor: the organizer's own changes, newest first.
    const byActor = await api(base, 'GET', `/api/admin/audit?actorId=${org.user.userId}`, { token: root.accessToken });
    assert.deepEqual(byActor.json.items.map((e) => e.action), ['registration.cancelled', 'event.created', 'user.created']);

    // The event's organizer sees the event's entries: created, registered, cancelled.
    const own = await api(base, 'GET', `/api/events/${event.eventId}/audit`, { token: org.accessToken });
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(own.json.items.map((e) => e.action),
      ['registration.cancelled', 'registration.created', 'event.scan_key_added', 'event.created']);
    assert.equal(own.json.items[1].actorId, att.user.userId);
    // Nobody else but an admin.
    const other = await signup(base, 'organizer');
    assertProblem(await api(base, 'GET', `/api/events/${event.eventId}/audit`, { token: other.accessToken }), 403);
    assertProblem(await api(base, 'GET', `/api/events/${event.eventId}/audit`, { token: att.accessToken }), 403);
    assertProblem(await api(base, 'GET', `/api/events/${event.eventId}/audit`), 401);
    assert.equal((await api(base, 'GET', `/api/events/${event.eventId}/audit`, { token: root.accessToken })).status,
      200);
    assertProblem(await api(base, 'GET', '/api/events/nope/audit', { token: org.accessToken }), 404);
  });

  it("a draft's audit log is hidden from other organizers (404)", async () => {
    const draft = await createEvent(base, org.accessToken, { price: 0, status: 'draft' });
    const other = await signup(base, 'organizer');
    assertProblem(await api(base, 'GET', `/api/events/${draft.eventId}/audit`, { token: other.accessToken }), 404);
    assert.equal((await api(base, 'GET', `/api/events/${draft.eventId}/audit`, { token: org.accessToken })).status,
      200);
  });

  it('pages newest first, by keyset, with filters checked', async () => {
    const event = await createEvent(base, org.accessToken, { price: 0, capacity: 50 });
    for (let i = 0; i < 7; i++) await registerOk(base, (await signup(base)).accessToken, event.eventId, 1);
    const { items, sizes } = await collectPages(base, `/api/admin/audit?eventId=${event.eventId}`,
      root.accessToken, { limit: 3 });
    // Seven registrations, the event's first scan key, the event itself.
    assert.deepEqual(sizes, [3, 3, 3]);
    assert.equal(items.at(-1).action, 'event.created');
    const times = items.map((e) => e.at);
    assert.deepEqual([...times].sort().reverse(), times, 'newest first');

    assertFieldError(await api(base, 'GET', '/api/admin/audit?from=yesterday', { token: root.accessToken }), 'from');
    assertFieldError(await api(base, 'GET', '/api/admin/audit?cursor=xyz', { token: root.accessToken }), 'cursor');
    assertFieldError(await api(base, 'GET',
      '/api/admin/audit?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', { token: root.accessToken }), 'to');
    assertFieldError(await api(base, 'GET', '/api/admin/audit?actor=x', { token: root.accessToken }), 'actor');
    const future = await api(base, 'GET', '/api/admin/audit?from=2999-01-01T00:00:00Z', { token: root.accessToken });
    assert.deepEqual(future.json, { items: [], nextCursor: null });
  });
});

describe('accounts', () => {
  it('finds people by name or email', async () => {
    const who = await signup(base, 'attendee');
    const byEmail = await api(base, 'GET', `/api/admin/users?q=${encodeURIComponent(who.email.toUpperCase())}`,
      { token: root.accessToken });
    assert.equal(byEmail.status, 200, byEmail.text);
    assert.equal(byEmail.json.items.length, 1);
    assert.equal(byEmail.json.items[0].userId, who.user.userId);
    assert.equal(byEmail.json.items[0].disabled, false);
    const byName = await api(base, 'GET', `/api/admin/users?q=${encodeURIComponent(who.name)}`,
      { token: root.accessToken });
    assert.deepEqual(byName.json.items.map((u) => u.userId), [who.user.userId]);
  });

  it('grants and revokes roles: a revoked role ends the sessions, as `admit user revoke` does', async () => {
    const who = await signup(base, 'attendee');
    const granted = await api(base, 'POST', `/api/admin/users/${who.user.userId}/roles`,
      { token: root.accessToken, body: { grant: ['organizer'] } });
    assert.equal(granted.status, 200, granted.text);
    assert.deepEqual(granted.json.roles, ['attendee', 'organizer']);
    const signedIn = await login(who);
    assert.equal((await createEvent(base, signedIn.accessToken, { price: 0 })).status, 'published');

    const revoked = await api(base, 'POST', `/api/admin/users/${who.user.userId}/roles`,
      { token: root.accessToken, body: { revoke: ['organizer'] } });
    assert.equal(revoked.status, 200, revoked.text);
    assert.deepEqual(revoked.json.roles, ['attendee']);
    const refused = await eventually(() => api(base, 'GET', '/api/me', { token: signedIn.accessToken }), 401);
    assertProblem(refused, 401, 'the access token is refused within 5 s');
    assertProblem(await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: signedIn.refreshToken } }), 401,
      'the refresh token is revoked at once');

    assertFieldError(await api(base, 'POST', `/api/admin/users/${who.user.userId}/roles`,
      { token: root.accessToken, body: { grant: ['staff'] } }), 'grant[0]');
    assertFieldError(await api(base, 'POST', `/api/admin/users/${who.user.userId}/roles`,
      { token: root.accessToken, body: { grant: ['admin'], revoke: ['admin'] } }), 'revoke');
    assertFieldError(await api(base, 'POST', `/api/admin/users/${who.user.userId}/roles`,
      { token: root.accessToken, body: {} }), 'grant');
    assertProblem(await api(base, 'POST', '/api/admin/users/nobody/roles',
      { token: root.accessToken, body: { grant: ['organizer'] } }), 404);
    const me = await api(base, 'GET', '/api/me', { token: (await login(who)).accessToken });
    assert.deepEqual(me.json.roles, ['attendee'], 'the refused changes changed nothing');
  });

  it('disables and enables an account, audited with the admin as actor', async () => {
    const who = await signup(base, 'attendee');
    const off = await api(base, 'POST', `/api/admin/users/${who.user.userId}/disable`, { token: root.accessToken });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.json.disabled, true);
    assertProblem(await eventually(() => api(base, 'GET', '/api/me', { token: who.accessToken }), 401), 401);
    assertProblem(await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: who.refreshToken } }), 401);
    const login1 = await api(base, 'POST', '/api/auth/login', { body: { email: who.email, password: PASSWORD } });
    assertProblem(login1, 401);
    assert.equal(login1.json.type, 'urn:admit:problem:account-disabled');

    const on = await api(base, 'POST', `/api/admin/users/${who.user.userId}/enable`, { token: root.accessToken });
    assert.equal(on.status, 200, on.text);
    assert.equal(on.json.disabled, false);
    assert.equal((await api(base, 'POST', '/api/auth/login', { body: { email: who.email, password: PASSWORD } })).status,
      200);
    const audit = await api(base, 'GET', `/api/admin/audit?actorId=${root.user.userId}&action=user.disabled`,
      { token: root.accessToken });
    assert.ok(audit.json.items.some((e) => e.subject.id === who.user.userId), audit.text);
    assertProblem(await api(base, 'POST', '/api/admin/users/nobody/disable', { token: root.accessToken }), 404);
  });

  it('the last admin cannot disable or demote themselves (409); with another admin they can', async () => {
    // A server of its own, so that no other test's admin counts.
    const own = await startServer();
    try {
      const who = await signup(own.baseUrl, 'attendee');
      assert.equal((await admitCli(own, ['user', 'role', who.email, 'admin'])).code, 0);
      const token = (await api(own.baseUrl, 'POST', '/api/auth/login',
        { body: { email: who.email, password: PASSWORD } })).json.accessToken;
      const id = who.user.userId;
      for (const [path, body] of [[`/api/admin/users/${id}/disable`], [`/api/admin/users/${id}/roles`,
        { revoke: ['admin'] }], [`/api/admin/users/${id}/roles`, { grant: ['organizer'], revoke: ['admin'] }]]) {
        const r = await api(own.baseUrl, 'POST', path, { token, body });
        assertProblem(r, 409, path);
        assert.equal(r.json.type, 'urn:admit:problem:last-admin');
      }
      const me = await api(own.baseUrl, 'GET', '/api/me', { token });
      assert.equal(me.status, 200, 'still signed in: nothing changed');
      assert.deepEqual(me.json.roles, ['attendee', 'admin']);

      const second = await signup(own.baseUrl, 'attendee');
      assert.equal((await api(own.baseUrl, 'POST', `/api/admin/users/${second.user.userId}/roles`,
        { token, body: { grant: ['admin'] } })).status, 200);
      const stepDown = await api(own.baseUrl, 'POST', `/api/admin/users/${id}/roles`,
        { token, body: { revoke: ['admin'] } });
      assert.equal(stepDown.status, 200, stepDown.text);
      assert.deepEqual(stepDown.json.roles, ['attendee']);
    } finally {
      await own.stop();
    }
  });
});

/** Registers `who` for a paid event and pays with the sandbox's good card; returns the registration. */
async function paidRegistration(who, eventId, quantity = 1) {
  const reg = await registerOk(base, who.accessToken, eventId, quantity);
  const intent = await api(base, 'POST', '/api/payments/create-intent',
    { token: who.accessToken, body: { registrationId: reg.registrationId } });
  assert.equal(intent.status, 200, intent.text);
  const paid = await api(base, 'POST', '/api/payments/sandbox/confirm',
    { token: who.accessToken, body: { paymentIntentId: intent.json.paymentIntentId, cardNumber: '4242424242424242' } });
  assert.equal(paid.status, 200, paid.text);
  return paid.json;
}

/** The .eml files of the server's mailbox that mention `text`. */
async function mailMentioning(text) {
  const dir = join(srv.dataDir, 'mail');
  const found = [];
  for (const f of (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.eml'))) {
    if ((await readFile(join(dir, f), 'latin1')).includes(text)) found.push(f);
  }
  return found;
}

describe('erasure (GDPR Art. 17)', () => {
  it("an admin erases a person: gone from the list, CSV, audit and mailbox; the event's counts and money stay", async () => {
    const person = await signup(base, 'attendee');
    const other = await signup(base, 'attendee');
    // An event that took place: the person's seat and payment stay on the books.
    const past = await createEvent(base, org.accessToken, { price: 20, capacity: 10 });
    const kept = await paidRegistration(person, past.eventId, 2);
    await paidRegistration(other, past.eventId, 1);
    // An event yet to come: the person's paid order is cancelled and refunded.
    const coming = await createEvent(base, org.accessToken, { price: 15, capacity: 10 });
    const refunded = await paidRegistration(person, coming.eventId, 1);
    // An organizer's note that names the person.
    const free = await createEvent(base, org.accessToken, { price: 0, capacity: 10 });
    const noted = await registerOk(base, person.accessToken, free.eventId, 1);
    assert.equal((await api(base, 'POST', `/api/registrations/${noted.registrationId}/cancel`,
      { token: org.accessToken, body: { reason: `asked by ${person.email}` } })).status, 200);
    await sql(srv, `UPDATE events SET starts_at = ${Math.floor(Date.now() / 1000) - 3600} WHERE id = '${past.eventId}';`);
    await waitForMailIdle(base);
    assert.ok((await mailMentioning(person.email)).length > 0, 'the person was mailed before');
    const before = (await api(base, 'GET', `/api/events/${past.eventId}/analytics`, { token: org.accessToken })).json;

    const r = await api(base, 'POST', `/api/admin/users/${person.user.userId}/erase`, { token: root.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.user.name, 'Erased person');
    assert.notEqual(r.json.user.email, person.email);
    assert.equal(r.json.user.disabled, true);
    assert.deepEqual(r.json.cancelledRegistrations, [refunded.registrationId]);
    assert.deepEqual(r.json.refundedRegistrations, [refunded.registrationId]);

    // The registrations list and the CSV show no name, no address.
    const list = await api(base, 'GET', `/api/events/${past.eventId}/registrations`, { token: org.accessToken });
    assert.equal(list.status, 200, list.text);
    assert.ok(!list.text.includes(person.email) && !list.text.includes(person.name), list.text);
    const row = list.json.items.find((i) => i.registrationId === kept.registrationId);
    assert.ok(row, 'the row stays, for the books');
    const csv = await api(base, 'GET', `/api/events/${past.eventId}/registrations?format=csv`,
      { token: org.accessToken });
    assert.equal(csv.status, 200);
    assert.ok(!csv.text.includes(person.email) && !csv.text.includes(person.name), csv.text);
    // Counts and money stay.
    const after = (await api(base, 'GET', `/api/events/${past.eventId}/analytics`, { token: org.accessToken })).json;
    assert.equal(after.registeredCount, before.registeredCount);
    assert.equal(after.revenue, before.revenue);
    assert.equal(after.revenue, 60);
    // The coming event's seat is free again and the money goes back through the provider.
    const coming2 = await api(base, 'GET', `/api/events/${coming.eventId}`);
    assert.equal(coming2.json.registeredCount, 0);
    const refundedRow = await eventually(async () => {
      const l = await api(base, 'GET', `/api/events/${coming.eventId}/registrations`, { token: org.accessToken });
      const item = l.json.items.find((i) => i.registrationId === refunded.registrationId);
      return { status: item?.status === 'refunded' ? 200 : 0, item };
    }, 200);
    assert.equal(refundedRow.item.status, 'refunded');
    // The audit log: the erasure itself, by the admin, and no trace of the address.
    const audit = await api(base, 'GET', `/api/admin/audit?action=user.erased`, { token: root.accessToken });
    const entry = audit.json.items.find((e) => e.subject.id === person.user.userId);
    assert.equal(entry.actorId, root.user.userId);
    const all = await collectPages(base, '/api/admin/audit', root.accessToken, { limit: 100 });
    assert.ok(!JSON.stringify(all.items).includes(person.email), 'no audit entry names the address');
    // The mailbox.
    await waitForMailIdle(base);
    assert.deepEqual(await mailMentioning(person.email), []);
    // The person cannot sign in, refresh or use their token.
    assertProblem(await api(base, 'POST', '/api/auth/login', { body: { email: person.email, password: PASSWORD } }),
      401);
    assertProblem(await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: person.refreshToken } }), 401);
    assertProblem(await eventually(() => api(base, 'GET', '/api/me', { token: person.accessToken }), 401), 401);
    // Once only.
    assertProblem(await api(base, 'POST', `/api/admin/users/${person.user.userId}/erase`, { token: root.accessToken }),
      409);
    assertProblem(await api(base, 'POST', `/api/admin/users/${person.user.userId}/enable`, { token: root.accessToken }),
      409);
  });

  it('a non-admin cannot erase another person (403), and nothing changes', async () => {
    const victim = await signup(base, 'attendee');
    for (const who of [att, org]) {
      assertProblem(await api(base, 'POST', `/api/admin/users/${victim.user.userId}/erase`,
        { token: who.accessToken }), 403);
    }
    assert.equal((await api(base, 'GET', '/api/me', { token: victim.accessToken })).status, 200);
  });

  it('DELETE /api/me erases the caller after their password', async () => {
    const me = await signup(base, 'attendee');
    assertFieldError(await api(base, 'DELETE', '/api/me', { token: me.accessToken }), 'password');
    assertFieldError(await api(base, 'DELETE', '/api/me', { token: me.accessToken, body: { password: 'wrong one!' } }),
      'password');
    assert.equal((await api(base, 'GET', '/api/me', { token: me.accessToken })).status, 200, 'nothing changed');
    const r = await api(base, 'DELETE', '/api/me', { token: me.accessToken, body: { password: PASSWORD } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.user.userId, me.user.userId);
    assert.equal(r.json.user.name, 'Erased person');
    assertProblem(await api(base, 'POST', '/api/auth/login', { body: { email: me.email, password: PASSWORD } }), 401);
    const audit = await api(base, 'GET', `/api/admin/audit?actorId=${me.user.userId}&action=user.erased`,
      { token: root.accessToken });
    assert.equal(audit.json.items.length, 1, 'the person erased themselves');
  });
});

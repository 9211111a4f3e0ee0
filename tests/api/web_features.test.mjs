// The routes the web app's scanner, organizer portal and checkout lean on: the events a door
// staff member may scan, an event's staff list, searching an event's registrations by
// attendee, and the checkout's payment setup (provider and Stripe publishable key).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, startWithAccounts, api, signup, createEvent, assertProblem, assertFieldError, futureDate, registerOk, collectPages,
  RFC3339, uniqueEmail, PASSWORD, makeStaff,
} from './harness.mjs';

let srv, base, org, org2, staffer, att;

before(async () => {
  ({ srv, base, accounts: [org, org2, staffer, att] } = await startWithAccounts(['organizer', 'organizer', 'attendee', 'attendee'], { env: { ADMIT_ARGON2_MEMORY_KIB: '1024' } }));
});

after(async () => {
  await srv?.stop();
});

/** Door staff the way people become it: the organizer invites `who`, who accepts. */
const addStaff = (eventId, who, token = org.accessToken) => makeStaff(base, token, eventId, who);

/** A fresh login of `who`: what a token says must not matter for staff rights, old or new. */
const relogin = async (who) => {
  const r = await api(base, 'POST', '/api/auth/login', { body: { email: who.email, password: who.password } });
  assert.equal(r.status, 200, r.text);
  return r.json.accessToken;
};

describe('GET /api/me/staff-events', () => {
  it('lists exactly the published events the caller is door staff of, in start order, with cursors', async () => {
    const mine = await signup(base, 'attendee');
    const later = await createEvent(base, org.accessToken, { price: 0, date: futureDate(40) });
    const sooner = await createEvent(base, org2.accessToken, { price: 0, date: futureDate(10) });
    const middle = await createEvent(base, org.accessToken, { price: 0, date: futureDate(20) });
    const notMine = await createEvent(base, org.accessToken, { price: 0, date: futureDate(15) });
    const cancelled = await createEvent(base, org.accessToken, { price: 0, date: futureDate(12) });
    await addStaff(later.eventId, mine);
    await addStaff(sooner.eventId, mine, org2.accessToken);
    await addStaff(middle.eventId, mine);
    await addStaff(cancelled.eventId, mine);
    await addStaff(notMine.eventId, staffer);
    // Invited but not accepted: not listed.
    const invitedOnly = await createEvent(base, org.accessToken, { price: 0, date: futureDate(25) });
    assert.equal((await api(base, 'POST', `/api/events/${invitedOnly.eventId}/staff`,
      { token: org.accessToken, body: { email: mine.email } })).status, 201);
    assert.equal((await api(base, 'DELETE', `/api/events/${cancelled.eventId}`, { token: org.accessToken })).status, 200);

    const token = await relogin(mine);
    const r = await api(base, 'GET', '/api/me/staff-events', { token });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((e) => e.eventId), [sooner.eventId, middle.eventId, later.eventId]);
    assert.equal(r.json.nextCursor, null);
    assert.equal(r.json.items[0].name, sooner.name);
    assert.equal(r.json.items[0].organizerId, org2.user.userId);

    const paged = await collectPages(base, '/api/me/staff-events', token, { limit: 1 });
    assert.deepEqual(paged.items.map((e) => e.eventId), [sooner.eventId, middle.eventId, later.eventId]);
    assert.deepEqual(paged.sizes, [1, 1, 1]);

    const from = await api(base, 'GET', `/api/me/staff-events?from=${encodeURIComponent(futureDate(18))}`, { token });
    assert.equal(from.status, 200, from.text);
    assert.deepEqual(from.json.items.map((e) => e.eventId), [middle.eventId, later.eventId]);
  });

  it('lists an event starting soon by default; `from` drops events that start before it', async () => {
    const mine = await signup(base, 'attendee');
    // Events cannot be created in the past, so the default window's lower end (a day ago)
    // is not reached here; the unit of behaviour checked is the window's lower bound.
    const soon = await createEvent(base, org.accessToken, { price: 0, date: futureDate(0, 3600) });
    await addStaff(soon.eventId, mine);
    const token = await relogin(mine);
    const byDefault = await api(base, 'GET', '/api/me/staff-events', { token });
    assert.deepEqual(byDefault.json.items.map((e) => e.eventId), [soon.eventId]);
    const after = await api(base, 'GET', `/api/me/staff-events?from=${encodeURIComponent(futureDate(0, 7200))}`, { token });
    assert.deepEqual(after.json.items, []);
  });

  it('is empty for someone on no staff, needs a token, and rejects bad parameters', async () => {
    const r = await api(base, 'GET', '/api/me/staff-events', { token: att.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { items: [], nextCursor: null });
    assertProblem(await api(base, 'GET', '/api/me/staff-events'), 401);
    assertFieldError(await api(base, 'GET', '/api/me/staff-events?limit=0', { token: att.accessToken }), 'limit');
    assertFieldError(await api(base, 'GET', '/api/me/staff-events?limit=abc', { token: att.accessToken }), 'limit');
    assertFieldError(await api(base, 'GET', '/api/me/staff-events?cursor=nonsense', { token: att.accessToken }), 'cursor');
    assertFieldError(await api(base, 'GET', '/api/me/staff-events?from=yesterday', { token: att.accessToken }), 'from');
    assertFieldError(await api(base, 'GET', '/api/me/staff-events?q=x', { token: att.accessToken }), 'q');
  });
});

describe('GET /api/events/{id}/staff', () => {
  it('lists the open invitations and the staff who accepted, oldest first, once each; names only once active', async () => {
    const ev = await createEvent(base, org.accessToken, { price: 0 });
    const empty = await api(base, 'GET', `/api/events/${ev.eventId}/staff`, { token: org.accessToken });
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.json, { items: [] });

    const second = await signup(base, 'attendee');
    const nobody = uniqueEmail();
    await addStaff(ev.eventId, staffer);
    const pending = await api(base, 'POST', `/api/events/${ev.eventId}/staff`, { token: org.accessToken, body: { email: second.email } });
    assert.equal(pending.status, 201, pending.text);
    assert.equal((await api(base, 'POST', `/api/events/${ev.eventId}/staff`, { token: org.accessToken, body: { email: nobody } })).status, 201);
    const dup = await api(base, 'POST', `/api/events/${ev.eventId}/staff`, { token: org.accessToken, body: { email: staffer.email.toUpperCase() } });
    assert.equal(dup.status, 200, 'already there: no duplicate');
    const r = await api(base, 'GET', `/api/events/${ev.eventId}/staff`, { token: org.accessToken });
    assert.equal(r.status, 200, r.text);
    // Invited in the same second, their order is unspecified; otherwise the first invited comes first.
    assert.deepEqual(r.json.items.map((m) => m.email).sort(), [staffer.email, second.email, nobody].sort(), r.text);
    const byEmail = Object.fromEntries(r.json.items.map((m) => [m.email, m]));
    const [active, invited, unknown] = [byEmail[staffer.email], byEmail[second.email], byEmail[nobody]];
    assert.equal(active.status, 'active');
    assert.equal(active.eventId, ev.eventId);
    assert.equal(active.name, staffer.name);
    assert.match(active.invitedAt, RFC3339);
    assert.match(active.acceptedAt, RFC3339);
    assert.equal(active.expiresAt, undefined);
    for (const m of [invited, unknown]) {
      assert.equal(m.status, 'invited');
      assert.equal(m.name, undefined, 'no name before accepting');
      assert.match(m.expiresAt, RFC3339);
      assert.equal(m.acceptedAt, undefined);
    }
    assert.equal(invited.invitationId, pending.json.invitationId);
    for (const m of r.json.items) assert.equal(m.userId, undefined, 'never a user id');
    // The entry for an address with an account and one without look alike.
    assert.deepEqual(Object.keys(invited).sort(), Object.keys(unknown).sort());
    assert.ok(r.json.items[0].invitedAt <= r.json.items[1].invitedAt && r.json.items[1].invitedAt <= r.json.items[2].invitedAt);
  });

  it('is only for the event\'s organizer', async () => {
    const ev = await createEvent(base, org.accessToken, { price: 0 });
    await addStaff(ev.eventId, staffer);
    assertProblem(await api(base, 'GET', `/api/events/${ev.eventId}/staff`, { token: org2.accessToken }), 403);
    assertProblem(await api(base, 'GET', `/api/events/${ev.eventId}/staff`, { token: att.accessToken }), 403);
    assertProblem(await api(base, 'GET', `/api/events/${ev.eventId}/staff`, { token: await relogin(staffer) }), 403);
    assertProblem(await api(base, 'GET', `/api/events/${ev.eventId}/staff`), 401);
    assertProblem(await api(base, 'GET', '/api/events/no-such-event-id-000000/staff', { token: org.accessToken }), 404);
  });
});

describe('GET /api/events/{id}/registrations?q=', () => {
  let ev;
  const people = {};
  before(async () => {
    ev = await createEvent(base, org.accessToken, { price: 0, capacity: 50 });
    const make = async (key, name, email) => {
      const r = await api(base, 'POST', '/api/auth/signup', { body: { email, password: PASSWORD, name, role: 'attendee' } });
      assert.equal(r.status, 201, r.text);
      people[key] = { token: r.json.accessToken, userId: r.json.user.userId, email, name };
      people[key].reg = await registerOk(base, r.json.accessToken, ev.eventId, 1);
    };
    const tag = uniqueEmail().slice(2, 10);
    // One after another, so registration order is known.
    await make('ada', 'Ada Lovelace', `ada.${tag}@example.org`);
    await make('grace', 'Grace Hopper', `grace_${tag}@navy.example`);
    await make('alan', 'Alan Turing', `alan.${tag}@example.org`);
    await make('percent', 'Per 100% Cent', `pc.${tag}@example.net`);
  });
  const search = (q, extra = '') =>
    api(base, 'GET', `/api/events/${ev.eventId}/registrations?q=${encodeURIComponent(q)}${extra}`, { token: org.accessToken });
  const ids = (r) => r.json.items.map((row) => row.registrationId);

  it('matches the attendee name or email, ignoring case, in registration order', async () => {
    let r = await search('LOVELACE');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(ids(r), [people.ada.reg.registrationId]);
    assert.equal(r.json.items[0].attendee.name, 'Ada Lovelace');
    assert.equal(r.json.nextCursor, null);

    r = await search('example.org');
    assert.deepEqual(ids(r), [people.ada.reg.registrationId, people.alan.reg.registrationId]);
    r = await search('navy');
    assert.deepEqual(ids(r), [people.grace.reg.registrationId]);
    r = await search('a');
    assert.equal(r.json.items.length, 4);
    r = await search('nobody-matches-this');
    assert.deepEqual(r.json, { items: [], nextCursor: null });
  });

  it('treats LIKE wildcards as plain characters', async () => {
    assert.deepEqual(ids(await search('%')), [people.percent.reg.registrationId]);
    assert.deepEqual(ids(await search('100%')), [people.percent.reg.registrationId]);
    // `_` appears only in Grace's email; as a wildcard it would match every name.
    assert.deepEqual(ids(await search('_')), [people.grace.reg.registrationId]);
  });

  it('pages through matches with the same cursors, and an empty q lists everything', async () => {
    const paged = await collectPages(base, `/api/events/${ev.eventId}/registrations?q=example`, org.accessToken, { limit: 1 });
    assert.deepEqual(paged.items.map((row) => row.registrationId), [
      people.ada.reg.registrationId, people.grace.reg.registrationId, people.alan.reg.registrationId,
      people.percent.reg.registrationId,
    ]);
    const all = await search('');
    assert.equal(all.status, 200);
    assert.equal(all.json.items.length, 4);
  });

  it('filters the CSV export too', async () => {
    const r = await search('turing', '&format=csv');
    assert.equal(r.status, 200, r.text);
    const lines = r.text.trim().split('\r\n');
    assert.equal(lines.length, 2, r.text);
    assert.ok(lines[1].startsWith(people.alan.reg.registrationId), r.text);
  });

  it('rejects a long q, and q where it has no meaning', async () => {
    assertFieldError(await search('x'.repeat(201)), 'q');
    assertFieldError(await api(base, 'GET', '/api/registrations?q=ada', { token: people.ada.token }), 'q');
    const other = await api(base, 'GET', `/api/events/${ev.eventId}/registrations?q=ada`, { token: org2.accessToken });
    assertProblem(other, 403);
  });
});

describe('GET /api/payments/config', () => {
  it('names the sandbox without a key, publicly', async () => {
    const r = await api(base, 'GET', '/api/payments/config');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { provider: 'sandbox', publishableKey: null });
  });

  it('gives the stripe provider\'s publishable key (and never the secret one)', async () => {
    const stripe = await startServer({
      env: {
        ADMIT_PAYMENT_PROVIDER: 'stripe',
        ADMIT_STRIPE_SECRET_KEY: 'sk_test_not_for_browsers',
        ADMIT_STRIPE_WEBHOOK_SECRET: 'whsec_test_secret',
        ADMIT_STRIPE_API_BASE: 'http://127.0.0.1:9',
        ADMIT_STRIPE_PUBLISHABLE_KEY: 'pk_test_browser_key',
      },
    });
    try {
      const r = await api(stripe.baseUrl, 'GET', '/api/payments/config');
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json, { provider: 'stripe', publishableKey: 'pk_test_browser_key' });
      assert.doesNotMatch(r.text, /sk_test|whsec/);
    } finally {
      await stripe.stop();
    }
  });

  it('takes the key from --stripe-publishable-key too', async () => {
    const stripe = await startServer({
      env: {
        ADMIT_PAYMENT_PROVIDER: 'stripe',
        ADMIT_STRIPE_SECRET_KEY: 'sk_test_x',
        ADMIT_STRIPE_WEBHOOK_SECRET: 'whsec_x',
        ADMIT_STRIPE_API_BASE: 'http://127.0.0.1:9',
        ADMIT_STRIPE_PUBLISHABLE_KEY: 'pk_test_from_env',
      },
      args: ['--stripe-publishable-key', 'pk_test_from_flag'],
    });
    try {
      const r = await api(stripe.baseUrl, 'GET', '/api/payments/config');
      assert.deepEqual(r.json, { provider: 'stripe', publishableKey: 'pk_test_from_flag' });
    } finally {
      await stripe.stop();
    }
  });
});

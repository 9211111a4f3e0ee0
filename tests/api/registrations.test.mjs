// Registrations: register (free and paid), limits, sold out, idempotency, own list, read, cancel,
// the organizer's registration list (JSON and CSV) and analytics.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startWithAccounts, api, signup, createEvent, assertProblem, assertFieldError, RFC3339, uniqueWord, futureDate,
  registerFor, registerOk, collectPages, parseCsv, b64urlBytes,
} from './harness.mjs';

let srv;
let base;
let org;      // organizer of most events
let org2;     // another organizer
let att;      // attendee
let att2;     // another attendee

before(async () => {
  ({ srv, base, accounts: [org, org2, att, att2] } = await startWithAccounts(['organizer', 'organizer', 'attendee', 'attendee'], { env: { ADMIT_ARGON2_MEMORY_KIB: '1024' } }));
});

after(async () => {
  await srv?.stop();
});

// The calendar day (YYYY-MM-DD) of an instant in a time zone, by the ICU data Node ships.
const localDay = (instant, timeZone) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
const freeEvent = (over = {}) => createEvent(base, org.accessToken, { price: 0, currency: 'EUR', ...over });
const getEvent = async (id) => {
  const r = await api(base, 'GET', `/api/events/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const getReg = (id, token) => api(base, 'GET', `/api/registrations/${id}`, { token });
const cancelReg = (id, token) => api(base, 'POST', `/api/registrations/${id}/cancel`, { token });

function assertTicketShape(t, reg) {
  for (const k of ['ticketId', 'registrationId', 'eventId', 'userId', 'qrCode', 'status', 'generatedAt', 'holderName']) {
    assert.equal(typeof t[k], 'string', `ticket.${k} should be a string: ${JSON.stringify(t)}`);
  }
  assert.ok('validatedAt' in t, `ticket.validatedAt should be present: ${JSON.stringify(t)}`);
  assert.match(t.generatedAt, RFC3339);
  assert.equal(b64urlBytes(t.ticketId).length, 16, `ticketId is 16 bytes base64url: ${t.ticketId}`);
  if (reg) {
    assert.equal(t.registrationId, reg.registrationId);
    assert.equal(t.eventId, reg.eventId);
    assert.equal(t.userId, reg.userId);
  }
}

function assertRegistrationShape(r) {
  for (const k of ['registrationId', 'userId', 'eventId', 'status', 'currency', 'registeredAt']) {
    assert.equal(typeof r[k], 'string', `registration.${k} should be a string: ${JSON.stringify(r)}`);
  }
  for (const k of ['quantity', 'amount']) {
    assert.equal(typeof r[k], 'number', `registration.${k} should be a number: ${JSON.stringify(r)}`);
  }
  assert.ok('paymentId' in r, 'paymentId present');
  assert.ok('holdExpiresAt' in r, 'holdExpiresAt present');
  assert.ok(Array.isArray(r.tickets), `tickets[] expected: ${JSON.stringify(r)}`);
  assert.match(r.registeredAt, RFC3339);
  for (const t of r.tickets) assertTicketShape(t, r);
}

describe('POST /api/registrations: free events', () => {
  it('201 confirmed with one ticket per seat; registeredCount grows', async () => {
    const e = await freeEvent({ capacity: 30 });
    const r = await registerFor(base, att.accessToken, e.eventId, 3);
    assert.equal(r.status, 201, r.text);
    const reg = r.json;
    assertRegistrationShape(reg);
    assert.equal(reg.userId, att.user.userId);
    assert.equal(reg.eventId, e.eventId);
    assert.equal(reg.status, 'confirmed');
    assert.equal(reg.quantity, 3);
    assert.equal(reg.amount, 0);
    assert.equal(reg.currency, 'EUR');
    assert.equal(reg.paymentId, null);
    assert.equal(reg.holdExpiresAt, null);
    assert.ok(Math.abs(Date.parse(reg.registeredAt) - Date.now()) < 60_000, `registeredAt ${reg.registeredAt} is now`);
    assert.equal(reg.tickets.length, 3);
    assert.equal(new Set(reg.tickets.map((t) => t.ticketId)).size, 3, 'distinct ticket ids');
    assert.equal(new Set(reg.tickets.map((t) => t.qrCode)).size, 3, 'distinct QR codes');
    for (const t of reg.tickets) {
      assert.equal(t.status, 'valid');
      assert.equal(t.validatedAt, null);
      assert.equal(t.holderName, att.name);
    }
    const ev = await getEvent(e.eventId);
    assert.equal(ev.registeredCount, 3);
    if ('seatsLeft' in ev) assert.equal(ev.seatsLeft, 27);
  });

  it('quantity defaults to 1', async () => {
    const e = await freeEvent();
    const reg = await registerOk(base, att.accessToken, e.eventId, undefined);
    assert.equal(reg.quantity, 1);
    assert.equal(reg.tickets.length, 1);
    assert.equal((await getEvent(e.eventId)).registeredCount, 1);
  });

  it('any signed-in user may register, an organizer too', async () => {
    const e = await freeEvent();
    const reg = await registerOk(base, org2.accessToken, e.eventId, 1);
    assert.equal(reg.userId, org2.user.userId);
    assert.equal(reg.status, 'confirmed');
  });
});

describe('POST /api/registrations: paid events', () => {
  it('pending_payment, amount = quantity × price exactly, hold ~15 min, no tickets yet, seats held', async () => {
    const e = await createEvent(base, org.accessToken, { price: 19.99, currency: 'USD', capacity: 10 });
    const r = await registerFor(base, att.accessToken, e.eventId, 2);
    assert.equal(r.status, 201, r.text);
    const reg = r.json;
    assertRegistrationShape(reg);
    assert.equal(reg.status, 'pending_payment');
    assert.equal(reg.quantity, 2);
    assert.equal(reg.amount, 39.98);
    assert.equal(reg.currency, 'USD');
    assert.equal(reg.paymentId, null);
    assert.deepEqual(reg.tickets, []);
    assert.equal(typeof reg.holdExpiresAt, 'string', `holdExpiresAt: ${r.text}`);
    assert.match(reg.holdExpiresAt, RFC3339);
    const hold = Date.parse(reg.holdExpiresAt) - Date.parse(reg.registeredAt);
    assert.ok(hold >= 14 * 60_000 && hold <= 16 * 60_000, `hold of ${hold} ms should be about 15 minutes`);
    assert.equal((await getEvent(e.eventId)).registeredCount, 2, 'held seats count');
  });

  it('money is computed in minor units: 3 × 0.10 = 0.3, 7 × 1.15 = 8.05, 2 × JPY 1500 = 3000', async () => {
    const cases = [[0.1, 'USD', 3, 0.3], [1.15, 'EUR', 7, 8.05], [1500, 'JPY', 2, 3000]];
    for (const [price, currency, q, amount] of cases) {
      const e = await createEvent(base, org.accessToken, { price, currency, capacity: 50 });
      const reg = await registerOk(base, att.accessToken, e.eventId, q);
      assert.equal(reg.amount, amount, `${q} × ${price} ${currency}: ${JSON.stringify(reg)}`);
      assert.equal(reg.currency, currency);
    }
  });

  it('held seats make an event sold out', async () => {
    const e = await createEvent(base, org.accessToken, { price: 5, capacity: 2, maxPerAttendee: 2 });
    await registerOk(base, att.accessToken, e.eventId, 2);
    const r = await registerFor(base, att2.accessToken, e.eventId, 1);
    assertProblem(r, 409, 'sold out by holds');
    assert.equal(r.json.type, 'urn:admit:problem:sold-out');
  });
});

describe('POST /api/registrations: errors', () => {
  it('404 for an unknown event', async () => {
    assertProblem(await registerFor(base, att.accessToken, 'AAAAAAAAAAAAAAAAAAAAAA', 1), 404, 'unknown event id');
    assertProblem(await registerFor(base, att.accessToken, 'does-not-exist', 1), 404, 'garbage event id');
  });

  it('409 for a cancelled event', async () => {
    const e = await freeEvent();
    assert.equal((await api(base, 'DELETE', `/api/events/${e.eventId}`, { token: org.accessToken })).status, 200);
    assertProblem(await registerFor(base, att.accessToken, e.eventId, 1), 409, 'cancelled event');
    assert.equal((await getEvent(e.eventId)).registeredCount, 0);
  });

  it('409 for an event that has already started; nothing taken', async () => {
    const e = await freeEvent({ date: futureDate(-1) });
    assertProblem(await registerFor(base, att.accessToken, e.eventId, 1), 409, 'past event');
    assert.equal((await getEvent(e.eventId)).registeredCount, 0);
  });

  for (const q of [0, -1, 1000, 101, 2.5, '2', true, 'x', [2], { n: 2 }]) {
    it(`400 naming quantity for quantity ${JSON.stringify(q)}; nothing taken`, async () => {
      const e = await freeEvent({ capacity: 200, maxPerAttendee: 100 });
      const r = await registerFor(base, att.accessToken, e.eventId, q);
      assertFieldError(r, 'quantity', `quantity ${JSON.stringify(q)}`);
      assert.equal((await getEvent(e.eventId)).registeredCount, 0);
    });
  }

  it('100 is the per-order maximum: 100 is accepted when the event allows it', async () => {
    const e = await freeEvent({ capacity: 200, maxPerAttendee: 100 });
    const reg = await registerOk(base, att.accessToken, e.eventId, 100);
    assert.equal(reg.tickets.length, 100);
  });

  it('400 naming eventId when it is missing or not a string', async () => {
    assertFieldError(await api(base, 'POST', '/api/registrations', { token: att.accessToken, body: { quantity: 1 } }),
      'eventId', 'missing eventId');
    assertFieldError(await api(base, 'POST', '/api/registrations', { token: att.accessToken, body: { eventId: 42 } }),
      'eventId', 'numeric eventId');
  });

  for (const field of ['status', 'amount', 'userId', 'paymentId', 'registeredCount']) {
    it(`400 for the unknown/read-only field ${field}; nothing taken`, async () => {
      const e = await freeEvent();
      const values = { status: 'confirmed', amount: 0, userId: att2.user.userId, paymentId: 'pi_x', registeredCount: 0 };
      const r = await registerFor(base, att.accessToken, e.eventId, 1, { extra: { [field]: values[field] } });
      assertFieldError(r, field, `field ${field}`);
      assert.equal((await getEvent(e.eventId)).registeredCount, 0);
    });
  }

  it('400 malformed JSON, 400 non-object, 415 text/plain', async () => {
    const m = await api(base, 'POST', '/api/registrations', { token: att.accessToken, rawBody: '{"eventId":' });
    assertProblem(m, 400, 'malformed');
    assertProblem(await api(base, 'POST', '/api/registrations', { token: att.accessToken, rawBody: '[]' }), 400, 'array body');
    const e = await freeEvent();
    const t = await api(base, 'POST', '/api/registrations', {
      token: att.accessToken, rawBody: JSON.stringify({ eventId: e.eventId }), headers: { 'Content-Type': 'text/plain' },
    });
    assertProblem(t, 415, 'text/plain');
    assert.equal((await getEvent(e.eventId)).registeredCount, 0);
  });

  it('401 without a token or with a bad one; nothing taken', async () => {
    const e = await freeEvent();
    assertProblem(await registerFor(base, undefined, e.eventId, 1), 401, 'anonymous');
    assertProblem(await registerFor(base, 'not.a.jwt', e.eventId, 1), 401, 'garbage token');
    const forged = att.accessToken.slice(0, -4) + (att.accessToken.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    assertProblem(await registerFor(base, forged, e.eventId, 1), 401, 'bad signature');
    assert.equal((await getEvent(e.eventId)).registeredCount, 0);
  });

  it('409 attendee-limit when one order exceeds maxPerAttendee', async () => {
    const e = await freeEvent({ capacity: 50, maxPerAttendee: 4 });
    const r = await registerFor(base, att.accessToken, e.eventId, 5);
    assertProblem(r, 409, 'quantity 5 > max 4');
    assert.equal(r.json.type, 'urn:admit:problem:attendee-limit');
    assert.equal((await getEvent(e.eventId)).registeredCount, 0);
    await registerOk(base, att.accessToken, e.eventId, 4);
  });

  it('the per-attendee cap counts all active registrations; cancelled ones free it again', async () => {
    const e = await freeEvent({ capacity: 50, maxPerAttendee: 10 });
    const first = await registerOk(base, att.accessToken, e.eventId, 6);
    const second = await registerFor(base, att.accessToken, e.eventId, 6);
    assertProblem(second, 409, '6 + 6 > 10');
    assert.equal(second.json.type, 'urn:admit:problem:attendee-limit');
    await registerOk(base, att.accessToken, e.eventId, 4); // 6 + 4 = 10 is fine
    assertProblem(await registerFor(base, att.accessToken, e.eventId, 1), 409, '11th seat');
    // Another attendee has their own allowance.
    await registerOk(base, att2.accessToken, e.eventId, 10);
    // Cancelling releases the attendee's allowance.
    assert.equal((await cancelReg(first.registrationId, att.accessToken)).status, 200);
    await registerOk(base, att.accessToken, e.eventId, 6);
    assert.equal((await getEvent(e.eventId)).registeredCount, 20);
  });

  it('pending (held) registrations count towards the per-attendee cap', async () => {
    const e = await createEvent(base, org.accessToken, { price: 10, capacity: 50, maxPerAttendee: 10 });
    await registerOk(base, att.accessToken, e.eventId, 6);
    const r = await registerFor(base, att.accessToken, e.eventId, 6);
    assertProblem(r, 409, 'pending 6 + 6 > 10');
    assert.equal(r.json.type, 'urn:admit:problem:attendee-limit');
  });

  it('409 sold-out when fewer seats are left than asked; the remaining seats can still be taken', async () => {
    const e = await freeEvent({ capacity: 3, maxPerAttendee: 3 });
    await registerOk(base, att.accessToken, e.eventId, 2);
    const r = await registerFor(base, att2.accessToken, e.eventId, 2);
    assertProblem(r, 409, '2 asked, 1 left');
    assert.equal(r.json.type, 'urn:admit:problem:sold-out');
    assert.equal((await getEvent(e.eventId)).registeredCount, 2);
    await registerOk(base, att2.accessToken, e.eventId, 1);
    const full = await registerFor(base, att2.accessToken, e.eventId, 1);
    assertProblem(full, 409, 'full');
    assert.equal(full.json.type, 'urn:admit:problem:sold-out');
    assert.equal((await getEvent(e.eventId)).registeredCount, 3);
  });
});

describe('Idempotency-Key on POST /api/registrations', () => {
  it('same key + same body → the same registration, no extra seats', async () => {
    const e = await freeEvent({ capacity: 20 });
    const key = uniqueWord('idem');
    const a = await registerFor(base, att.accessToken, e.eventId, 2, { headers: { 'Idempotency-Key': key } });
    assert.equal(a.status, 201, a.text);
    const b = await registerFor(base, att.accessToken, e.eventId, 2, { headers: { 'Idempotency-Key': key } });
    assert.equal(b.status, 201, b.text);
    assert.equal(b.json.registrationId, a.json.registrationId);
    assert.deepEqual(b.json, a.json, 'the first response again');
    assert.equal((await getEvent(e.eventId)).registeredCount, 2);
    const mine = await collectPages(base, '/api/registrations', att.accessToken, { limit: 100 });
    assert.equal(mine.items.filter((r) => r.eventId === e.eventId).length, 1);
  });

  it('same key + different body → 409 idempotency-mismatch, nothing taken', async () => {
    const e = await freeEvent({ capacity: 20 });
    const key = uniqueWord('idem');
    await registerOk(base, att.accessToken, e.eventId, 1, { headers: { 'Idempotency-Key': key } });
    const r = await registerFor(base, att.accessToken, e.eventId, 3, { headers: { 'Idempotency-Key': key } });
    assertProblem(r, 409, 'other quantity');
    assert.equal(r.json.type, 'urn:admit:problem:idempotency-mismatch');
    const e2 = await freeEvent();
    const r2 = await registerFor(base, att.accessToken, e2.eventId, 1, { headers: { 'Idempotency-Key': key } });
    assertProblem(r2, 409, 'other event');
    assert.equal(r2.json.type, 'urn:admit:problem:idempotency-mismatch');
    assert.equal((await getEvent(e.eventId)).registeredCount, 1);
    assert.equal((await getEvent(e2.eventId)).registeredCount, 0);
  });

  it('without a key two identical requests are two registrations', async () => {
    const e = await freeEvent({ capacity: 20 });
    const a = await registerOk(base, att.accessToken, e.eventId, 1);
    const b = await registerOk(base, att.accessToken, e.eventId, 1);
    assert.notEqual(a.registrationId, b.registrationId);
    assert.equal((await getEvent(e.eventId)).registeredCount, 2);
  });

  it('20 concurrent retries with one key take the seats once', async () => {
    const e = await freeEvent({ capacity: 20 });
    const key = uniqueWord('idem');
    const rs = await Promise.all(Array.from({ length: 20 },
      () => registerFor(base, att.accessToken, e.eventId, 2, { headers: { 'Idempotency-Key': key } })));
    const ok = rs.filter((r) => r.status === 201);
    assert.ok(ok.length >= 1, rs.map((r) => `${r.status} ${r.text}`).join('\n'));
    for (const r of rs) {
      // A retry racing the first one may be told to retry (409), but never gets another registration.
      assert.ok(r.status === 201 || r.status === 409, `${r.status} ${r.text}`);
    }
    assert.equal(new Set(ok.map((r) => r.json.registrationId)).size, 1, 'one registration id');
    assert.equal((await getEvent(e.eventId)).registeredCount, 2);
  });

  it("another user's key does not return the first user's registration", async () => {
    const e = await freeEvent({ capacity: 20 });
    const key = uniqueWord('idem');
    const a = await registerOk(base, att.accessToken, e.eventId, 1, { headers: { 'Idempotency-Key': key } });
    const b = await registerFor(base, att2.accessToken, e.eventId, 1, { headers: { 'Idempotency-Key': key } });
    assert.ok(b.status === 201 || b.status === 409, `${b.status} ${b.text}`);
    if (b.status === 201) {
      assert.notEqual(b.json.registrationId, a.registrationId, 'must not leak the other user\'s registration');
      assert.equal(b.json.userId, att2.user.userId);
    }
    assert.ok(!b.text.includes(a.registrationId), 'no trace of the other registration');
  });
});

describe('GET /api/registrations (own)', () => {
  it('lists only the caller\'s registrations, newest first, with tickets; paginates', async () => {
    const me = await signup(base, 'attendee');
    const other = await signup(base, 'attendee');
    const e = await freeEvent({ capacity: 50 });
    const paid = await createEvent(base, org.accessToken, { price: 3, capacity: 50 });
    const created = [];
    for (let i = 0; i < 8; i++) {
      created.push(await registerOk(base, me.accessToken, i === 2 ? paid.eventId : e.eventId, 1));
      await registerOk(base, other.accessToken, e.eventId, 1);
    }
    const all = await api(base, 'GET', '/api/registrations', { token: me.accessToken });
    assert.equal(all.status, 200, all.text);
    assert.equal(all.json.nextCursor, null);
    assert.deepEqual(all.json.items.map((r) => r.registrationId), created.map((r) => r.registrationId).reverse(),
      'newest first');
    for (const r of all.json.items) {
      assertRegistrationShape(r);
      assert.equal(r.userId, me.user.userId);
      const orig = created.find((c) => c.registrationId === r.registrationId);
      assert.deepEqual(r.tickets.map((t) => t.ticketId), orig.tickets.map((t) => t.ticketId));
    }
    const paged = await collectPages(base, '/api/registrations', me.accessToken, { limit: 3 });
    assert.deepEqual(paged.sizes, [3, 3, 2]);
    assert.deepEqual(paged.items.map((r) => r.registrationId), all.json.items.map((r) => r.registrationId));
  });

  it('401 anonymous; 400 for a bad limit or cursor', async () => {
    assertProblem(await api(base, 'GET', '/api/registrations'), 401, 'anonymous');
    assertProblem(await api(base, 'GET', '/api/registrations?limit=0', { token: att.accessToken }), 400, 'limit=0');
    assertProblem(await api(base, 'GET', '/api/registrations?limit=101', { token: att.accessToken }), 400, 'limit=101');
    assertProblem(await api(base, 'GET', '/api/registrations?cursor=garbage!!', { token: att.accessToken }), 400, 'cursor');
  });

  it('a fresh user has an empty list', async () => {
    const fresh = await signup(base, 'attendee');
    const r = await api(base, 'GET', '/api/registrations', { token: fresh.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { items: [], nextCursor: null });
  });
});

describe('GET /api/registrations/{id}', () => {
  it('owner and the event\'s organizer read it with tickets; others get 404', async () => {
    const e = await freeEvent();
    const reg = await registerOk(base, att.accessToken, e.eventId, 2);
    for (const [who, token] of [['owner', att.accessToken], ['organizer', org.accessToken]]) {
      const r = await getReg(reg.registrationId, token);
      assert.equal(r.status, 200, `${who}: ${r.text}`);
      assertRegistrationShape(r.json);
      assert.equal(r.json.registrationId, reg.registrationId);
      assert.equal(r.json.status, 'confirmed');
      assert.deepEqual(r.json.tickets.map((t) => t.ticketId), reg.tickets.map((t) => t.ticketId));
      assert.deepEqual(r.json.tickets.map((t) => t.qrCode), reg.tickets.map((t) => t.qrCode));
    }
    assertProblem(await getReg(reg.registrationId, att2.accessToken), 404, 'other attendee');
    assertProblem(await getReg(reg.registrationId, org2.accessToken), 404, 'other organizer');
    assertProblem(await getReg(reg.registrationId), 401, 'anonymous');
    assertProblem(await getReg('AAAAAAAAAAAAAAAAAAAAAA', att.accessToken), 404, 'unknown id');
    assertProblem(await getReg('nope', att.accessToken), 404, 'garbage id');
  });
});

describe('POST /api/registrations/{id}/cancel', () => {
  it('owner cancels: status cancelled, tickets cancelled, seats released; again → 409', async () => {
    const e = await freeEvent({ capacity: 10 });
    const keep = await registerOk(base, att2.accessToken, e.eventId, 1);
    const reg = await registerOk(base, att.accessToken, e.eventId, 3);
    assert.equal((await getEvent(e.eventId)).registeredCount, 4);
    const r = await cancelReg(reg.registrationId, att.accessToken);
    assert.equal(r.status, 200, r.text);
    assertRegistrationShape(r.json);
    assert.equal(r.json.registrationId, reg.registrationId);
    assert.equal(r.json.status, 'cancelled');
    assert.equal(r.json.tickets.length, 3);
    for (const t of r.json.tickets) assert.equal(t.status, 'cancelled');
    assert.equal((await getEvent(e.eventId)).registeredCount, 1);

    const g = await getReg(reg.registrationId, att.accessToken);
    assert.equal(g.json.status, 'cancelled');
    for (const t of g.json.tickets) assert.equal(t.status, 'cancelled');
    const tk = await api(base, 'GET', `/api/tickets/${reg.tickets[0].ticketId}`, { token: att.accessToken });
    assert.equal(tk.status, 200, tk.text);
    assert.equal(tk.json.status, 'cancelled');

    assertProblem(await cancelReg(reg.registrationId, att.accessToken), 409, 'second cancel');
    assert.equal((await getEvent(e.eventId)).registeredCount, 1, 'a second cancel releases nothing');
    const other = await getReg(keep.registrationId, att2.accessToken);
    assert.equal(other.json.status, 'confirmed', 'others untouched');
  });

  it('the event\'s organizer may cancel an attendee\'s registration', async () => {
    const e = await freeEvent({ capacity: 10 });
    const reg = await registerOk(base, att.accessToken, e.eventId, 2);
    const r = await cancelReg(reg.registrationId, org.accessToken);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'cancelled');
    assert.equal((await getEvent(e.eventId)).registeredCount, 0);
  });

  it('another attendee or organizer gets 404 and nothing changes; 401 anonymous', async () => {
    const e = await freeEvent({ capacity: 10 });
    const reg = await registerOk(base, att.accessToken, e.eventId, 2);
    assertProblem(await cancelReg(reg.registrationId, att2.accessToken), 404, 'other attendee');
    assertProblem(await cancelReg(reg.registrationId, org2.accessToken), 404, 'other organizer');
    assertProblem(await cancelReg(reg.registrationId), 401, 'anonymous');
    assertProblem(await cancelReg('AAAAAAAAAAAAAAAAAAAAAA', att.accessToken), 404, 'unknown');
    const g = await getReg(reg.registrationId, att.accessToken);
    assert.equal(g.json.status, 'confirmed');
    for (const t of g.json.tickets) assert.equal(t.status, 'valid');
    assert.equal((await getEvent(e.eventId)).registeredCount, 2);
  });

  it('cancelling a held (pending_payment) registration releases its seats', async () => {
    const e = await createEvent(base, org.accessToken, { price: 12.5, capacity: 3, maxPerAttendee: 3 });
    const reg = await registerOk(base, att.accessToken, e.eventId, 3);
    assertProblem(await registerFor(base, att2.accessToken, e.eventId, 1), 409, 'held out');
    const r = await cancelReg(reg.registrationId, att.accessToken);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'cancelled');
    assert.equal((await getEvent(e.eventId)).registeredCount, 0);
    await registerOk(base, att2.accessToken, e.eventId, 3);
  });

  it('concurrent double cancel releases the seats once', async () => {
    const e = await freeEvent({ capacity: 10 });
    await registerOk(base, att2.accessToken, e.eventId, 2);
    const reg = await registerOk(base, att.accessToken, e.eventId, 3);
    const rs = await Promise.all(Array.from({ length: 10 }, () => cancelReg(reg.registrationId, att.accessToken)));
    assert.equal(rs.filter((r) => r.status === 200).length, 1, rs.map((r) => r.status).join(','));
    assert.equal(rs.filter((r) => r.status === 409).length, 9, rs.map((r) => r.status).join(','));
    assert.equal((await getEvent(e.eventId)).registeredCount, 2);
  });
});

describe('GET /api/events/{id}/registrations', () => {
  it('organizer lists all registrations with attendee and checkedIn; pages 10, 10, 5', async () => {
    const e = await freeEvent({ capacity: 100 });
    const people = await Promise.all(Array.from({ length: 25 }, () => signup(base, 'attendee')));
    const regs = [];
    for (const p of people) regs.push(await registerOk(base, p.accessToken, e.eventId, 1 + (regs.length % 3)));
    const { items, sizes } = await collectPages(base, `/api/events/${e.eventId}/registrations`, org.accessToken, { limit: 10 });
    assert.deepEqual(sizes, [10, 10, 5]);
    assert.equal(new Set(items.map((i) => i.registrationId)).size, 25, 'no duplicates');
    assert.deepEqual(items.map((i) => i.registrationId).sort(), regs.map((r) => r.registrationId).sort());
    for (const it of items) {
      const reg = regs.find((r) => r.registrationId === it.registrationId);
      const p = people.find((x) => x.user.userId === reg.userId);
      assert.equal(it.userId, reg.userId);
      assert.equal(it.status, 'confirmed');
      assert.equal(it.quantity, reg.quantity);
      assert.equal(it.amount, 0);
      assert.equal(it.currency, 'EUR');
      assert.match(it.registeredAt, RFC3339);
      assert.deepEqual(it.attendee, { name: p.name, email: p.email });
      assert.equal(it.checkedIn, 0);
    }
    const sum = items.reduce((s, i) => s + i.quantity, 0);
    assert.equal((await getEvent(e.eventId)).registeredCount, sum);
  });

  it('checkedIn counts the validated tickets of a registration; cancelled ones are listed as cancelled', async () => {
    const e = await freeEvent({ capacity: 10 });
    const reg = await registerOk(base, att.accessToken, e.eventId, 3);
    const gone = await registerOk(base, att2.accessToken, e.eventId, 1);
    assert.equal((await cancelReg(gone.registrationId, att2.accessToken)).status, 200);
    for (const t of reg.tickets.slice(0, 2)) {
      const v = await api(base, 'POST', '/api/tickets/validate', { token: org.accessToken, body: { qrCode: t.qrCode } });
      assert.equal(v.status, 200, v.text);
      assert.equal(v.json.result, 'valid', v.text);
    }
    const { items } = await collectPages(base, `/api/events/${e.eventId}/registrations`, org.accessToken);
    assert.equal(items.length, 2);
    assert.equal(items.find((i) => i.registrationId === reg.registrationId).checkedIn, 2);
    assert.equal(items.find((i) => i.registrationId === gone.registrationId).status, 'cancelled');
  });

  it('403 for another organizer and for an attendee (even one registered); 401 anonymous; 404 unknown', async () => {
    const e = await freeEvent();
    await registerOk(base, att.accessToken, e.eventId, 1);
    const path = `/api/events/${e.eventId}/registrations`;
    assertProblem(await api(base, 'GET', path, { token: org2.accessToken }), 403, 'other organizer');
    assertProblem(await api(base, 'GET', path, { token: att.accessToken }), 403, 'attendee');
    assertProblem(await api(base, 'GET', `${path}?format=csv`, { token: org2.accessToken }), 403, 'other organizer csv');
    assertProblem(await api(base, 'GET', path), 401, 'anonymous');
    assertProblem(await api(base, 'GET', '/api/events/AAAAAAAAAAAAAAAAAAAAAA/registrations', { token: org.accessToken }), 404, 'unknown');
  });

  it('400 for a bad limit', async () => {
    const e = await freeEvent();
    assertProblem(await api(base, 'GET', `/api/events/${e.eventId}/registrations?limit=0`, { token: org.accessToken }), 400, 'limit 0');
    assertProblem(await api(base, 'GET', `/api/events/${e.eventId}/registrations?limit=500`, { token: org.accessToken }), 400, 'limit 500');
  });
});

const CSV_HEADER = ['registrationId', 'status', 'quantity', 'amount', 'currency', 'attendeeName', 'attendeeEmail',
  'registeredAt', 'checkedIn', 'paymentId', 'emailStatus', 'ticketTypes', 'source', 'discount', 'refundedAmount'];

describe('GET /api/events/{id}/registrations?format=csv', () => {
  it('text/csv with the header row and one row per registration (no pagination)', async () => {
    const e = await createEvent(base, org.accessToken, { price: 19.99, currency: 'USD', capacity: 200, maxPerAttendee: 5 });
    const people = await Promise.all(Array.from({ length: 25 }, () => signup(base, 'attendee')));
    const regs = await Promise.all(people.map((p, i) => registerOk(base, p.accessToken, e.eventId, 1 + (i % 2))));
    const r = await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv&limit=5`, { token: org.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/csv;\s*charset=utf-8$/i);
    const rows = parseCsv(r.text);
    assert.deepEqual(rows[0], CSV_HEADER);
    assert.equal(rows.length, 26, `header + 25 rows, got ${rows.length}`);
    for (const row of rows.slice(1)) {
      assert.equal(row.length, CSV_HEADER.length, `row ${JSON.stringify(row)}`);
      const rec = Object.fromEntries(CSV_HEADER.map((h, i) => [h, row[i]]));
      const reg = regs.find((x) => x.registrationId === rec.registrationId);
      assert.ok(reg, `unknown registration in CSV: ${rec.registrationId}`);
      const p = people.find((x) => x.user.userId === reg.userId);
      assert.equal(rec.status, 'pending_payment');
      assert.equal(Number(rec.quantity), reg.quantity);
      assert.equal(Number(rec.amount), reg.amount);
      assert.equal(rec.amount, reg.quantity === 2 ? '39.98' : '19.99');
      assert.equal(rec.currency, 'USD');
      assert.equal(rec.attendeeName, p.name);
      assert.equal(rec.attendeeEmail, p.email);
      assert.ok(Date.parse(rec.registeredAt) === Date.parse(reg.registeredAt), rec.registeredAt);
      assert.equal(rec.checkedIn, '0');
      assert.equal(rec.paymentId, '');
      assert.equal(rec.emailStatus, '', 'nothing is due while payment is pending');
      assert.equal(rec.ticketTypes, `${reg.quantity} × General admission`);
    }
    assert.equal(new Set(rows.slice(1).map((x) => x[0])).size, 25);
  });

  it('escapes commas, quotes and newlines per RFC 4180', async () => {
    const e = await freeEvent();
    const name = 'Doe, "Jo"\nJunior';
    const p = await signup(base, 'attendee', { name });
    const reg = await registerOk(base, p.accessToken, e.eventId, 1);
    const r = await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv`, { token: org.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.text.includes('"Doe, ""Jo""\nJunior"') || r.text.includes('"Doe, ""Jo""\r\nJunior"'), r.text);
    const rows = parseCsv(r.text);
    assert.equal(rows.length, 2, JSON.stringify(rows));
    assert.equal(rows[1][0], reg.registrationId);
    assert.equal(rows[1][5].replace(/\r\n/g, '\n'), name);
    assert.equal(rows[1][6], p.email);
  });

  it('guards against CSV injection: "=1+1" is written as "\'=1+1"', async () => {
    const e = await freeEvent();
    const p = await signup(base, 'attendee', { name: '=1+1' });
    await registerOk(base, p.accessToken, e.eventId, 1);
    const r = await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv`, { token: org.accessToken });
    assert.equal(r.status, 200, r.text);
    const rows = parseCsv(r.text);
    assert.equal(rows[1][5], "'=1+1");
    assert.ok(!/(^|,)=1\+1/m.test(r.text), 'no bare formula');
  });

  it('guards the other formula starters too: +, -, @', async () => {
    const e = await freeEvent();
    const names = ['+1+1', '-1+1', '@SUM(A1)'];
    for (const name of names) {
      const p = await signup(base, 'attendee', { name });
      await registerOk(base, p.accessToken, e.eventId, 1);
    }
    const r = await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv`, { token: org.accessToken });
    const got = parseCsv(r.text).slice(1).map((row) => row[5]).sort();
    assert.deepEqual(got, names.map((n) => `'${n}`).sort());
  });

  it('an empty event gives just the header row', async () => {
    const e = await freeEvent();
    const r = await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv`, { token: org.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(parseCsv(r.text), [CSV_HEADER]);
  });
});

describe('GET /api/events/{id}/analytics', () => {
  it('counts seats by state, check-ins, revenue and registrations by day', async () => {
    const e = await freeEvent({ capacity: 20 });
    const a = await registerOk(base, att.accessToken, e.eventId, 2);
    const b = await registerOk(base, att2.accessToken, e.eventId, 3);
    let r = await api(base, 'GET', `/api/events/${e.eventId}/analytics`, { token: org.accessToken });
    assert.equal(r.status, 200, r.text);
    // Days are the event's local days (Europe/Berlin here), not UTC days.
    const today = localDay(a.registeredAt, 'Europe/Berlin');
    assert.equal(r.json.capacity, 20);
    assert.equal(r.json.registeredCount, 5);
    assert.equal(r.json.confirmed, 5);
    assert.equal(r.json.pending, 0);
    assert.equal(r.json.cancelled, 0);
    assert.equal(r.json.checkedIn, 0);
    assert.equal(r.json.revenue, 0);
    assert.equal(r.json.currency, 'EUR');
    assert.deepEqual(r.json.byDay, [{ date: today, registrations: 5, revenue: 0, discount: 0 }]);

    assert.equal((await cancelReg(b.registrationId, att2.accessToken)).status, 200);
    const v = await api(base, 'POST', '/api/tickets/validate', { token: org.accessToken, body: { qrCode: a.tickets[0].qrCode } });
    assert.equal(v.json?.result, 'valid', v.text);
    r = await api(base, 'GET', `/api/events/${e.eventId}/analytics`, { token: org.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.registeredCount, 2);
    assert.equal(r.json.confirmed, 2);
    assert.equal(r.json.cancelled, 3);
    assert.equal(r.json.checkedIn, 1);
    assert.ok(Array.isArray(r.json.byDay));
    for (const d of r.json.byDay) {
      assert.match(d.date, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(typeof d.registrations, 'number');
      assert.equal(typeof d.revenue, 'number');
    }
  });

  it('groups registrations by the event\'s local day, wherever its time zone is', async () => {
    for (const timezone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
      const e = await freeEvent({ timezone });
      const a = await registerOk(base, att.accessToken, e.eventId, 1);
      const r = await api(base, 'GET', `/api/events/${e.eventId}/analytics`, { token: org.accessToken });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.byDay, [{ date: localDay(a.registeredAt, timezone), registrations: 1, revenue: 0, discount: 0 }], timezone);
    }
  });

  it('paid event: pending seats are counted, revenue only from confirmed amounts', async () => {
    const e = await createEvent(base, org.accessToken, { price: 19.99, currency: 'USD', capacity: 20 });
    await registerOk(base, att.accessToken, e.eventId, 2);
    const r = await api(base, 'GET', `/api/events/${e.eventId}/analytics`, { token: org.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.registeredCount, 2);
    assert.equal(r.json.pending, 2);
    assert.equal(r.json.confirmed, 0);
    assert.equal(r.json.revenue, 0);
    assert.equal(r.json.currency, 'USD');
  });

  it('403 for another organizer and an attendee; 401 anonymous; 404 unknown', async () => {
    const e = await freeEvent();
    const path = `/api/events/${e.eventId}/analytics`;
    assertProblem(await api(base, 'GET', path, { token: org2.accessToken }), 403, 'other organizer');
    assertProblem(await api(base, 'GET', path, { token: att.accessToken }), 403, 'attendee');
    assertProblem(await api(base, 'GET', path), 401, 'anonymous');
    assertProblem(await api(base, 'GET', '/api/events/AAAAAAAAAAAAAAAAAAAAAA/analytics', { token: org.accessToken }), 404, 'unknown');
  });
});

describe('event capacity and registrations', () => {
  it('PUT cannot drop capacity below the seats taken (409); down to exactly that is fine, and then it is sold out', async () => {
    const e = await freeEvent({ capacity: 10, maxPerAttendee: 3 });
    await registerOk(base, att.accessToken, e.eventId, 3);
    await registerOk(base, att2.accessToken, e.eventId, 2);
    const low = await api(base, 'PUT', `/api/events/${e.eventId}`, { token: org.accessToken, body: { capacity: 4 } });
    assertProblem(low, 409, 'capacity below sold');
    assert.equal((await getEvent(e.eventId)).capacity, 10);
    const exact = await api(base, 'PUT', `/api/events/${e.eventId}`, { token: org.accessToken, body: { capacity: 5 } });
    assert.equal(exact.status, 200, exact.text);
    const r = await registerFor(base, att2.accessToken, e.eventId, 1);
    assertProblem(r, 409, 'sold out after shrinking');
    assert.equal(r.json.type, 'urn:admit:problem:sold-out');
    const grow = await api(base, 'PUT', `/api/events/${e.eventId}`, { token: org.accessToken, body: { capacity: 6 } });
    assert.equal(grow.status, 200, grow.text);
    await registerOk(base, att2.accessToken, e.eventId, 1);
    assert.equal((await getEvent(e.eventId)).registeredCount, 6);
  });

  it('held seats of a paid event count against a capacity change too', async () => {
    const e = await createEvent(base, org.accessToken, { price: 10, capacity: 10, maxPerAttendee: 2 });
    await registerOk(base, att.accessToken, e.eventId, 2);
    await registerOk(base, att2.accessToken, e.eventId, 2);
    assertProblem(await api(base, 'PUT', `/api/events/${e.eventId}`, { token: org.accessToken, body: { capacity: 3 } }), 409, 'below held');
  });
});

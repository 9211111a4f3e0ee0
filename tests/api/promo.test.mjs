// Promo and access codes: the organizer's CRUD (with audit rows), every bad input a 4xx that
// changes nothing, the one 400 for unknown / expired / not yet valid / other events' codes,
// 409 when used up (in all and per buyer), 429 for guessing, hidden types a code unlocks,
// discounts per ticket rounded half-up, the amount charged through create-intent, analytics,
// the Idempotency-Key covering the code, and uses given back by expiry and cancellations.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startWithAccounts, startServer, api, signup, createEvent, assertProblem, assertFieldError, futureDate, mapPool,
  databaseSql, sleep, getRegistration, PG_MODE,
} from './harness.mjs';

let srv;
let base;
let org;
let org2;

before(async () => {
  ({ srv, base, accounts: [org, org2] } = await startWithAccounts(['organizer', 'organizer'],
    { env: { ADMIT_ARGON2_MEMORY_KIB: '1024', ADMIT_PROMO_ATTEMPTS_PER_HOUR: '10000' } }));
});

after(async () => {
  await srv?.stop();
});

const attendee = async () => (await signup(base, 'attendee')).accessToken;
const newEvent = (over = {}) => createEvent(base, org.accessToken, { price: undefined, capacity: 50, maxPerAttendee: 20,
  ticketTypes: [{ name: 'Regular', price: 9.99 }, { name: 'VIP', price: 90 }, { name: 'Crew', price: 5, hidden: true }],
  ...over });
const typeId = (event, name) => event.ticketTypes.find((t) => t.name === name).ticketTypeId;
const addCode = (eventId, body, token = org.accessToken) =>
  api(base, 'POST', `/api/events/${eventId}/promo-codes`, { token, body });
const codeOk = async (eventId, body) => {
  const r = await addCode(eventId, body);
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const getCode = async (eventId, id) => {
  const r = await api(base, 'GET', `/api/events/${eventId}/promo-codes/${id}`, { token: org.accessToken });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const order = (token, eventId, items, extra = {}, headers = {}) =>
  api(base, 'POST', '/api/registrations', { token, body: { eventId, items, ...extra }, headers });
const auditActions = async (eventId) => {
  const r = await api(base, 'GET', `/api/events/${eventId}/audit?limit=100`, { token: org.accessToken });
  assert.equal(r.status, 200, r.text);
  return r.json.items.map((e) => e.action);
};
const waitFor = async (what, check, ms = 15_000) => {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
};

describe('organizer CRUD', () => {
  it('creates, lists, reads, replaces and deletes codes, with an audit row for each change', async () => {
    const e = await newEvent();
    const c = await codeOk(e.eventId, { code: 'EarlyBird', discountPercent: 12.5, maxUses: 100, maxUsesPerBuyer: 2,
      ticketTypeIds: [typeId(e, 'Regular')], validUntil: futureDate(5) });
    assert.equal(c.code, 'EarlyBird');
    assert.equal(c.discountPercent, 12.5);
    assert.equal(c.discountAmount, null);
    assert.deepEqual(c.ticketTypeIds, [typeId(e, 'Regular')]);
    assert.deepEqual(c.unlocksTicketTypeIds, []);
    assert.equal(c.maxUses, 100);
    assert.equal(c.maxUsesPerBuyer, 2);
    assert.equal(c.uses, 0);
    assert.equal(c.eventId, e.eventId);
    const access = await codeOk(e.eventId, { code: 'crew-door', unlocksTicketTypeIds: [typeId(e, 'Crew')] });
    const listed = await api(base, 'GET', `/api/events/${e.eventId}/promo-codes?limit=1`, { token: org.accessToken });
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.json.items.length, 1);
    assert.equal(listed.json.items[0].code, 'crew-door', 'by code, ignoring case');
    const rest = await api(base, 'GET',
      `/api/events/${e.eventId}/promo-codes?limit=1&cursor=${listed.json.nextCursor}`, { token: org.accessToken });
    assert.deepEqual(rest.json.items.map((x) => x.code), ['EarlyBird']);
    assert.equal(rest.json.nextCursor, null);
    const put = await api(base, 'PUT', `/api/events/${e.eventId}/promo-codes/${c.promoCodeId}`,
      { token: org.accessToken, body: { code: 'EARLYBIRD', discountAmount: 2 } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.discountPercent, null, 'a PUT replaces the whole code');
    assert.equal(put.json.discountAmount, 2);
    assert.equal(put.json.maxUses, null);
    const del = await api(base, 'DELETE', `/api/events/${e.eventId}/promo-codes/${access.promoCodeId}`,
      { token: org.accessToken });
    assert.equal(del.status, 204, del.text);
    const gone = await api(base, 'GET', `/api/events/${e.eventId}/promo-codes/${access.promoCodeId}`,
      { token: org.accessToken });
    assertProblem(gone, 404);
    const actions = await auditActions(e.eventId);
    for (const a of ['promo_code.created', 'promo_code.updated', 'promo_code.deleted']) {
      assert.ok(actions.includes(a), `${a} in ${actions}`);
    }
  });

  it('only the organizer: another organizer gets 403, an attendee 403, nobody 401', async () => {
    const e = await newEvent();
    assertProblem(await addCode(e.eventId, { code: 'MINE', discountPercent: 10 }, org2.accessToken), 403);
    assertProblem(await addCode(e.eventId, { code: 'MINE', discountPercent: 10 }, await attendee()), 403);
    assertProblem(await api(base, 'GET', `/api/events/${e.eventId}/promo-codes`), 401);
  });

  it('every bad input is a 4xx naming the field, and nothing is made', async () => {
    const e = await newEvent();
    const other = await newEvent();
    const bad = [
      [{ code: 'X', discountPercent: 10 }, 'code'],
      [{ code: 'has space', discountPercent: 10 }, 'code'],
      [{ code: 'BOTH', discountPercent: 10, discountAmount: 1 }, 'discountAmount'],
      [{ code: 'NEITHER' }, 'discountPercent'],
      [{ code: 'ZERO', discountPercent: 0 }, 'discountPercent'],
      [{ code: 'OVER', discountPercent: 100.01 }, 'discountPercent'],
      [{ code: 'NEG', discountPercent: -5 }, 'discountPercent'],
      [{ code: 'FINE', discountPercent: 10.005 }, 'discountPercent'],
      [{ code: 'NEGAMT', discountAmount: -1 }, 'discountAmount'],
      [{ code: 'CENTS', discountAmount: 1.001 }, 'discountAmount'],
      [{ code: 'FOREIGN', discountPercent: 10, ticketTypeIds: [typeId(other, 'Regular')] }, 'ticketTypeIds[0]'],
      [{ code: 'UNLOCKX', unlocksTicketTypeIds: ['nope'] }, 'unlocksTicketTypeIds[0]'],
      [{ code: 'MAXNEG', discountPercent: 10, maxUses: -1 }, 'maxUses'],
      [{ code: 'PERBUY', discountPercent: 10, maxUsesPerBuyer: 0 }, 'maxUsesPerBuyer'],
      [{ code: 'WINDOW', discountPercent: 10, validFrom: futureDate(3), validUntil: futureDate(2) }, 'validUntil'],
      [{ code: 'BADTIME', discountPercent: 10, validFrom: 'tomorrow' }, 'validFrom'],
      [{ code: 'EXTRA', discountPercent: 10, uses: 5 }, 'uses'],
    ];
    for (const [body, field] of bad) {
      const r = await addCode(e.eventId, body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assertFieldError(r, field, JSON.stringify(body));
    }
    await codeOk(e.eventId, { code: 'Taken', discountPercent: 10 });
    const dup = await addCode(e.eventId, { code: 'TAKEN', discountPercent: 20 });
    assertProblem(dup, 409, 'codes are unique per event ignoring case');
    const listed = await api(base, 'GET', `/api/events/${e.eventId}/promo-codes`, { token: org.accessToken });
    assert.deepEqual(listed.json.items.map((c) => c.code), ['Taken'], 'nothing else was made');
  });
});

describe('ordering with a code', () => {
  it('discounts per ticket, rounded half-up, and the amounts add up: items, discount, amount, intent', async () => {
    const e = await newEvent();
    await codeOk(e.eventId, { code: 'FIFTEEN', discountPercent: 15, ticketTypeIds: [typeId(e, 'Regular')] });
    const token = await attendee();
    const r = await order(token, e.eventId,
      [{ ticketTypeId: typeId(e, 'Regular'), quantity: 3 }, { ticketTypeId: typeId(e, 'VIP'), quantity: 1 }],
      { promoCode: 'fifteen' });
    assert.equal(r.status, 201, r.text);
    const [regular, vip] = r.json.items;
    assert.equal(regular.unitPrice, 9.99);
    assert.equal(regular.discountedUnitPrice, 8.49, '9.99 − 1.4985 rounded half-up to 1.50');
    assert.equal(regular.amount, 25.47);
    assert.equal(vip.unitPrice, 90);
    assert.equal(vip.discountedUnitPrice, 90, 'the code is limited to Regular');
    assert.equal(r.json.discount, 4.5);
    assert.equal(r.json.amount, 115.47);
    assert.equal(r.json.promoCode, 'FIFTEEN');
    const intent = await api(base, 'POST', '/api/payments/create-intent',
      { token, body: { registrationId: r.json.registrationId } });
    assert.equal(intent.status, 200, intent.text);
    assert.equal(intent.json.amount, r.json.amount, 'the intent charges the discounted amount');
    const paid = await api(base, 'POST', '/api/payments/sandbox/confirm',
      { token, body: { paymentIntentId: intent.json.paymentIntentId, cardNumber: '4242424242424242' } });
    assert.equal(paid.status, 200, paid.text);
    await waitFor('confirmed', async () =>
      (await getRegistration(base, r.json.registrationId, token)).status === 'confirmed');
    const stats = await api(base, 'GET', `/api/events/${e.eventId}/analytics`, { token: org.accessToken });
    assert.equal(stats.json.revenue, 115.47);
    assert.equal(stats.json.discount, 4.5);
    assert.equal(stats.json.byDay.reduce((s, d) => s + d.discount, 0), 4.5);
  });

  it('an amount off is capped at the price; a 100 % code makes a paid order free and confirmed', async () => {
    const e = await newEvent();
    await codeOk(e.eventId, { code: 'TENOFF', discountAmount: 10 });
    await codeOk(e.eventId, { code: 'FREEBIE', discountPercent: 100 });
    const capped = await order(await attendee(), e.eventId, [{ ticketTypeId: typeId(e, 'Regular'), quantity: 2 }],
      { promoCode: 'TENOFF' });
    assert.equal(capped.status, 201, capped.text);
    assert.equal(capped.json.items[0].discountedUnitPrice, 0);
    assert.equal(capped.json.amount, 0);
    assert.equal(capped.json.discount, 19.98);
    assert.equal(capped.json.status, 'confirmed');
    assert.equal(capped.json.tickets.length, 2);
    const free = await order(await attendee(), e.eventId, [{ ticketTypeId: typeId(e, 'VIP'), quantity: 1 }],
      { promoCode: 'FREEBIE' });
    assert.equal(free.json.amount, 0);
    assert.equal(free.json.status, 'confirmed');
  });

  it('unknown, expired, not yet valid and other events\' codes get the very same 400; nothing is held', async () => {
    const e = await newEvent();
    const other = await newEvent();
    await codeOk(other.eventId, { code: 'ELSEWHERE', discountPercent: 10 });
    const expired = await codeOk(e.eventId, { code: 'LATE', discountPercent: 10 });
    await codeOk(e.eventId, { code: 'SOON', discountPercent: 10, validFrom: futureDate(2) });
    // Expired: moved into the past behind the API's back (validUntil must lie after validFrom).
    await databaseSql(srv, `UPDATE promo_codes SET valid_until = 1000 WHERE id = '${expired.promoCodeId}';`);
    const token = await attendee();
    const answers = [];
    for (const promoCode of ['NOPE', 'LATE', 'soon', 'ELSEWHERE']) {
      const r = await order(token, e.eventId, [{ ticketTypeId: typeId(e, 'Regular'), quantity: 1 }], { promoCode });
      assertFieldError(r, 'promoCode', promoCode);
      assert.equal(r.status, 400);
      answers.push({ ...r.json, requestId: undefined });
    }
    for (const a of answers.slice(1)) assert.deepEqual(a, answers[0], 'one answer for every kind of bad code');
    const after = await api(base, 'GET', `/api/events/${e.eventId}`);
    assert.equal(after.json.registeredCount, 0, 'no seat was taken');
    const page = await api(base, 'GET', `/api/events/${e.eventId}?code=late`);
    assertProblem(page, 404);
    const unknown = await api(base, 'GET', `/api/events/${e.eventId}?code=NOPE`);
    assert.deepEqual({ ...page.json, requestId: undefined }, { ...unknown.json, requestId: undefined });
  });

  it('used up → 409, in all and per buyer; an expired hold and a cancelled order give their use back', async () => {
    const e = await newEvent();
    const c = await codeOk(e.eventId, { code: 'TWICE', discountPercent: 50, maxUses: 2, maxUsesPerBuyer: 1 });
    const [a, b, d] = await Promise.all([attendee(), attendee(), attendee()]);
    const item = [{ ticketTypeId: typeId(e, 'Regular'), quantity: 1 }];
    const first = await order(a, e.eventId, item, { promoCode: 'twice' });
    assert.equal(first.status, 201, first.text);
    // The same buyer again (after letting the first hold go, so the one-unpaid-order rule allows it):
    // still one use of theirs while the first order holds it.
    const again = await order(a, e.eventId, [{ ticketTypeId: typeId(e, 'VIP'), quantity: 1 }], { promoCode: 'TWICE' });
    assert.equal(again.status, 409, again.text);
    const second = await order(b, e.eventId, item, { promoCode: 'TWICE' });
    assert.equal(second.status, 201, second.text);
    const third = await order(d, e.eventId, item, { promoCode: 'TWICE' });
    assertProblem(third, 409);
    assert.match(third.json.type, /promo-code-used-up$/);
    assert.equal((await getCode(e.eventId, c.promoCodeId)).uses, 2);
    // The first order's hold expires: its use comes back.
    await databaseSql(srv, `UPDATE registrations SET hold_expires_at = 1000 WHERE id = '${first.json.registrationId}';`);
    await waitFor('the hold to expire', async () =>
      (await getRegistration(base, first.json.registrationId, a)).status === 'expired');
    assert.equal((await getCode(e.eventId, c.promoCodeId)).uses, 1);
    const fourth = await order(d, e.eventId, item, { promoCode: 'TWICE' });
    assert.equal(fourth.status, 201, fourth.text);
    // A cancelled order gives its use back too.
    const cancel = await api(base, 'POST', `/api/registrations/${second.json.registrationId}/cancel`, { token: b });
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal((await getCode(e.eventId, c.promoCodeId)).uses, 1);
    // maxUses below the uses → 409; a used code cannot be deleted.
    const lower = await api(base, 'PUT', `/api/events/${e.eventId}/promo-codes/${c.promoCodeId}`,
      { token: org.accessToken, body: { code: 'TWICE', discountPercent: 50, maxUses: 0 } });
    assertProblem(lower, 409);
    const del = await api(base, 'DELETE', `/api/events/${e.eventId}/promo-codes/${c.promoCodeId}`,
      { token: org.accessToken });
    assertProblem(del, 409);
    assert.match(del.json.type, /promo-code-used$/);
    // The event cancelled: every order's use comes back.
    const gone = await api(base, 'DELETE', `/api/events/${e.eventId}`, { token: org.accessToken });
    assert.equal(gone.status, 200, gone.text);
    assert.equal((await getCode(e.eventId, c.promoCodeId)).uses, 0);
  });

  it('hidden types a code unlocks are shown with ?code= and orderable with it, and only with it', async () => {
    const e = await newEvent();
    await codeOk(e.eventId, { code: 'CREW', unlocksTicketTypeIds: [typeId(e, 'Crew')] });
    const plain = await api(base, 'GET', `/api/events/${e.eventId}`);
    assert.ok(!plain.json.ticketTypes.some((t) => t.name === 'Crew'));
    assert.equal(plain.json.promo, undefined);
    const withCode = await api(base, 'GET', `/api/events/${e.eventId}?code=crew`);
    assert.equal(withCode.status, 200, withCode.text);
    assert.ok(withCode.json.ticketTypes.some((t) => t.name === 'Crew'));
    assert.deepEqual(withCode.json.promo,
      { code: 'CREW', discountPercent: null, discountAmount: null, ticketTypeIds: [],
        unlocksTicketTypeIds: [typeId(e, 'Crew')] });
    const token = await attendee();
    const without = await order(token, e.eventId, [{ ticketTypeId: typeId(e, 'Crew'), quantity: 1 }]);
    assertFieldError(without, 'items[0].ticketTypeId');
    const withIt = await order(token, e.eventId, [{ ticketTypeId: typeId(e, 'Crew'), quantity: 1 }],
      { promoCode: 'Crew' });
    assert.equal(withIt.status, 201, withIt.text);
    assert.equal(withIt.json.amount, 5);
  });

  it('the Idempotency-Key covers the code: the same body replays, another code is a mismatch', async () => {
    const e = await newEvent();
    await codeOk(e.eventId, { code: 'KEYED', discountPercent: 10 });
    await codeOk(e.eventId, { code: 'OTHER', discountPercent: 20 });
    const token = await attendee();
    const item = [{ ticketTypeId: typeId(e, 'Regular'), quantity: 1 }];
    const headers = { 'Idempotency-Key': 'promo-key-1' };
    const first = await order(token, e.eventId, item, { promoCode: 'KEYED' }, headers);
    assert.equal(first.status, 201, first.text);
    const replay = await order(token, e.eventId, item, { promoCode: 'keyed' }, headers);
    assert.equal(replay.status, 201, replay.text);
    assert.equal(replay.json.registrationId, first.json.registrationId);
    const other = await order(token, e.eventId, item, { promoCode: 'OTHER' }, headers);
    assertProblem(other, 409);
    assert.match(other.json.type, /idempotency-mismatch$/);
    const none = await order(token, e.eventId, item, {}, headers);
    assert.match(none.json.type, /idempotency-mismatch$/);
  });

  it('guests use codes too; per buyer means per guest address', async () => {
    const e = await newEvent();
    await codeOk(e.eventId, { code: 'GUEST1', discountPercent: 10, maxUsesPerBuyer: 1 });
    const buyer = { name: 'Gus Guest', email: `gus-${Date.now()}@example.com` };
    const item = [{ ticketTypeId: typeId(e, 'Regular'), quantity: 1 }];
    const r = await order(undefined, e.eventId, item, { promoCode: 'guest1', buyer });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.discount, 1);
    assert.equal(r.json.items[0].discountedUnitPrice, 8.99);
  });
});

describe('guessing codes', () => {
  it('too many wrong codes from one client → 429 with Retry-After, also for a right code', async () => {
    const s = await startServer({ env: { ADMIT_PROMO_ATTEMPTS_PER_HOUR: '3', ADMIT_ARGON2_MEMORY_KIB: '1024' } });
    try {
      const o = await signup(s.baseUrl, 'organizer');
      const e = await createEvent(s.baseUrl, o.accessToken, { price: 10, capacity: 10 });
      const ok = await api(s.baseUrl, 'POST', `/api/events/${e.eventId}/promo-codes`,
        { token: o.accessToken, body: { code: 'REAL', discountPercent: 10 } });
      assert.equal(ok.status, 201, ok.text);
      const t = (await signup(s.baseUrl, 'attendee')).accessToken;
      for (let i = 0; i < 3; i += 1) {
        const r = i % 2
          ? await api(s.baseUrl, 'GET', `/api/events/${e.eventId}?code=GUESS${i}`)
          : await api(s.baseUrl, 'POST', '/api/registrations',
            { token: t, body: { eventId: e.eventId, quantity: 1, promoCode: `GUESS${i}` } });
        assert.ok(r.status === 400 || r.status === 404, r.text);
      }
      const over = await api(s.baseUrl, 'POST', '/api/registrations',
        { token: t, body: { eventId: e.eventId, quantity: 1, promoCode: 'REAL' } });
      assertProblem(over, 429);
      assert.match(over.json.type, /too-many-code-attempts$/);
      assert.ok(Number(over.headers.get('retry-after')) >= 1);
      const page = await api(s.baseUrl, 'GET', `/api/events/${e.eventId}?code=REAL`);
      assertProblem(page, 429);
      // Orders without a code are not held back.
      const plain = await api(s.baseUrl, 'POST', '/api/registrations',
        { token: t, body: { eventId: e.eventId, quantity: 1 } });
      assert.equal(plain.status, 201, plain.text);
    } finally {
      await s.stop();
    }
  });
});

describe('the invariant under concurrency', () => {
  it('a code with maxUses N hammered by many buyers at once: uses never exceed N and equal the orders holding it',
    async () => {
      const e = await createEvent(base, org.accessToken, { price: 20, capacity: 500, maxPerAttendee: 5 });
      const n = 7;
      const c = await codeOk(e.eventId, { code: 'RUSH', discountPercent: 25, maxUses: n });
      const tokens = await mapPool(Array.from({ length: 40 }, (_, i) => i), 8, () => attendee());
      const results = await mapPool(tokens, 40, (token) =>
        api(base, 'POST', '/api/registrations', { token, body: { eventId: e.eventId, quantity: 1, promoCode: 'RUSH' } }));
      const placed = results.filter((r) => r.status === 201);
      for (const r of results) {
        assert.ok(r.status === 201 || (r.status === 409 && /promo-code-used-up$/.test(r.json.type)), r.text);
      }
      assert.equal(placed.length, n, 'exactly N orders got the code');
      const code = await getCode(e.eventId, c.promoCodeId);
      assert.equal(code.uses, n);
      const holding = await databaseSql(srv, `SELECT COUNT(*) FROM registrations WHERE promo_code_id = '${c.promoCodeId}' `
        + "AND status IN ('pending_payment', 'confirmed');");
      assert.equal(Number(holding.trim()), n, 'uses equal the orders that hold the code');
    });
});

assert.ok(PG_MODE !== undefined);

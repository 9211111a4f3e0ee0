// Events: create, read, update, cancel, list/search/paginate, organizer's own list.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startWithAccounts, api, signup, futureDate, eventBody, createEvent, uniqueWord,
  assertProblem, assertFieldError, RFC3339,
} from './harness.mjs';

let srv;
let base;
let org;      // organizer
let org2;     // another organizer
let att;      // attendee

before(async () => {
  ({ srv, base, accounts: [org, org2, att] } = await startWithAccounts(['organizer', 'organizer', 'attendee']));
});

after(async () => {
  await srv?.stop();
});

const sameInstant = (a, b) => Date.parse(a) === Date.parse(b);

/** Every item of GET /api/events matching `query`, following cursors. */
async function listAll(query, path = '/api/events', token) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < 50; page++) {
    const qs = new URLSearchParams(query);
    if (cursor) qs.set('cursor', cursor);
    const r = await api(base, 'GET', `${path}?${qs}`, { token });
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    cursor = r.json.nextCursor;
    if (cursor === null) return items;
  }
  throw new Error('pagination did not end');
}

async function search(query) {
  const r = await api(base, 'GET', `/api/events?${new URLSearchParams(query)}`);
  assert.equal(r.status, 200, r.text);
  assert.ok(Array.isArray(r.json.items), r.text);
  assert.ok('nextCursor' in r.json, `nextCursor missing: ${r.text}`);
  return r.json;
}

function assertEventShape(e) {
  for (const k of ['eventId', 'name', 'description', 'date', 'timezone', 'location', 'organizerId',
    'currency', 'status', 'createdAt', 'updatedAt']) {
    assert.equal(typeof e[k], 'string', `event.${k} should be a string: ${JSON.stringify(e)}`);
  }
  for (const k of ['capacity', 'registeredCount', 'seatsLeft', 'maxPerAttendee', 'price']) {
    assert.equal(typeof e[k], 'number', `event.${k} should be a number: ${JSON.stringify(e)}`);
  }
  assert.match(e.date, RFC3339);
  assert.match(e.createdAt, RFC3339);
  assert.match(e.updatedAt, RFC3339);
}

describe('POST /api/events', () => {
  it('creates an event: 201, full shape, Location header', async () => {
    const body = eventBody({ capacity: 100, price: 25.5, currency: 'EUR' });
    const r = await api(base, 'POST', '/api/events', { token: org.accessToken, body });
    assert.equal(r.status, 201, r.text);
    const e = r.json;
    assertEventShape(e);
    assert.ok(e.eventId.length > 0);
    assert.equal(e.name, body.name);
    assert.equal(e.description, body.description);
    assert.ok(sameInstant(e.date, body.date), `date ${e.date} vs ${body.date}`);
    assert.equal(e.timezone, 'Europe/Berlin');
    assert.equal(e.location, body.location);
    assert.equal(e.capacity, 100);
    assert.equal(e.registeredCount, 0);
    assert.equal(e.seatsLeft, 100);
    assert.equal(e.maxPerAttendee, 10);
    assert.equal(e.organizerId, org.user.userId);
    assert.equal(e.price, 25.5);
    assert.equal(e.currency, 'EUR');
    assert.equal(e.status, 'published');
    assert.equal(r.headers.get('location'), `/api/events/${e.eventId}`);
  });

  it('defaults maxPerAttendee to min(10, capacity) and keeps an explicit value', async () => {
    const small = await createEvent(base, org.accessToken, { capacity: 3 });
    assert.equal(small.maxPerAttendee, 3);
    const explicit = await createEvent(base, org.accessToken, { capacity: 50, maxPerAttendee: 4 });
    assert.equal(explicit.maxPerAttendee, 4);
    const equal = await createEvent(base, org.accessToken, { capacity: 5, maxPerAttendee: 5 });
    assert.equal(equal.maxPerAttendee, 5);
  });

  it('accepts a free event and defaults currency to USD', async () => {
    const body = eventBody({ price: 0 });
    delete body.currency;
    const r = await api(base, 'POST', '/api/events', { token: org.accessToken, body });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.price, 0);
    assert.equal(r.json.currency, 'USD');
  });

  it('keeps two-decimal prices exact', async () => {
    const e = await createEvent(base, org.accessToken, { price: 99.99, currency: 'USD' });
    assert.equal(e.price, 99.99);
    const e2 = await createEvent(base, org.accessToken, { price: 0.1, currency: 'USD' });
    assert.equal(e2.price, 0.1);
  });

  it('JPY: 1500 is fine, 15.5 is not', async () => {
    const ok = await createEvent(base, org.accessToken, { price: 1500, currency: 'JPY' });
    assert.equal(ok.price, 1500);
    assert.equal(ok.currency, 'JPY');
    const bad = await api(base, 'POST', '/api/events',
      { token: org.accessToken, body: eventBody({ price: 15.5, currency: 'JPY' }) });
    assertFieldError(bad, 'price', 'JPY 15.5');
  });

  it('403 for an attendee, 401 without a token', async () => {
    assertProblem(await api(base, 'POST', '/api/events', { token: att.accessToken, body: eventBody() }), 403, 'attendee');
    assertProblem(await api(base, 'POST', '/api/events', { body: eventBody() }), 401, 'anonymous');
  });

  const invalid = [
    ['missing name', (b) => { delete b.name; }, 'name'],
    ['empty name', (b) => { b.name = ''; }, 'name'],
    ['missing date', (b) => { delete b.date; }, 'date'],
    ['missing location', (b) => { delete b.location; }, 'location'],
    ['missing capacity', (b) => { delete b.capacity; }, 'capacity'],
    ['capacity 0', (b) => { b.capacity = 0; }, 'capacity'],
    ['capacity -5', (b) => { b.capacity = -5; }, 'capacity'],
    ['capacity "ten"', (b) => { b.capacity = 'ten'; }, 'capacity'],
    ['capacity 2.5', (b) => { b.capacity = 2.5; }, 'capacity'],
    ['price -1', (b) => { b.price = -1; }, 'price'],
    ['price 10.999', (b) => { b.price = 10.999; }, 'price'],
    ['price "10"', (b) => { b.price = '10'; }, 'price'],
    ['timezone Mars/Base', (b) => { b.timezone = 'Mars/Base'; }, 'timezone'],
    ['currency XXX', (b) => { b.currency = 'XXX'; }, 'currency'],
    ['currency usd-ish', (b) => { b.currency = 'DOLLARS'; }, 'currency'],
    ['date "tomorrow"', (b) => { b.date = 'tomorrow'; }, 'date'],
    ['maxPerAttendee > capacity', (b) => { b.capacity = 5; b.maxPerAttendee = 6; }, 'maxPerAttendee'],
    ['maxPerAttendee 0', (b) => { b.maxPerAttendee = 0; }, 'maxPerAttendee'],
    ['unknown field registeredCount', (b) => { b.registeredCount = 50; }, 'registeredCount'],
    ['unknown field organizerId', (b) => { b.organizerId = 'someone-else'; }, 'organizerId'],
    ['status cancelled (only draft or published on create)', (b) => { b.status = 'cancelled'; }, 'status'],
    ['unknown field eventId', (b) => { b.eventId = 'chosen-id'; }, 'eventId'],
  ];
  for (const [label, mutate, field] of invalid) {
    it(`400 for ${label} (errors[] names ${field})`, async () => {
      const body = eventBody();
      mutate(body);
      const r = await api(base, 'POST', '/api/events', { token: org.accessToken, body });
      assertFieldError(r, field, label);
    });
  }

  it('names every bad field at once', async () => {
    const body = eventBody({ capacity: 0, price: -1, timezone: 'Mars/Base' });
    delete body.name;
    const r = await api(base, 'POST', '/api/events', { token: org.accessToken, body });
    for (const f of ['name', 'capacity', 'price', 'timezone']) assertFieldError(r, f, 'several bad fields');
  });

  it('creates nothing on a validation error', async () => {
    const word = uniqueWord('inv');
    const r = await api(base, 'POST', '/api/events',
      { token: org.accessToken, body: eventBody({ name: `Invalid ${word}`, price: -1 }) });
    assert.equal(r.status, 400);
    assert.equal((await search({ q: word })).items.length, 0);
  });

  it('400 malformed JSON with type urn:admit:problem:malformed-json', async () => {
    const r = await api(base, 'POST', '/api/events', { token: org.accessToken, rawBody: '{"name": "x",' });
    assertProblem(r, 400, 'malformed JSON');
    assert.equal(r.json.type, 'urn:admit:problem:malformed-json');
  });

  it('400 when the body is not an object', async () => {
    for (const raw of ['[]', '"a string"', '42', 'null']) {
      const r = await api(base, 'POST', '/api/events', { token: org.accessToken, rawBody: raw });
      assertProblem(r, 400, `body ${raw}`);
    }
  });

  it('400 for an empty body', async () => {
    const r = await api(base, 'POST', '/api/events', { token: org.accessToken, rawBody: '' });
    assertProblem(r, 400, 'empty body');
  });

  it('415 for a JSON body sent as text/plain', async () => {
    const r = await api(base, 'POST', '/api/events', {
      token: org.accessToken, rawBody: JSON.stringify(eventBody()), headers: { 'Content-Type': 'text/plain' },
    });
    assertProblem(r, 415, 'text/plain');
  });

  it('accepts application/json with a charset parameter', async () => {
    const r = await api(base, 'POST', '/api/events', {
      token: org.accessToken, rawBody: JSON.stringify(eventBody()),
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    assert.equal(r.status, 201, r.text);
  });

  it('round-trips unicode text', async () => {
    const e = await createEvent(base, org.accessToken, {
      name: 'Café ünïcödé 🎉 "quoted" \\ back', description: 'line1\nline2\ttab', location: 'Zürich',
    });
    const r = await api(base, 'GET', `/api/events/${e.eventId}`);
    assert.equal(r.json.name, 'Café ünïcödé 🎉 "quoted" \\ back');
    assert.equal(r.json.description, 'line1\nline2\ttab');
    assert.equal(r.json.location, 'Zürich');
  });
});

describe('GET /api/events/{id}', () => {
  it('is public and returns the event', async () => {
    const e = await createEvent(base, org.accessToken);
    const r = await api(base, 'GET', `/api/events/${e.eventId}`);
    assert.equal(r.status, 200, r.text);
    assertEventShape(r.json);
    assert.deepEqual(r.json, e);
  });

  it('404 problem for an unknown id', async () => {
    assertProblem(await api(base, 'GET', '/api/events/does-not-exist'), 404, 'unknown id');
    assertProblem(await api(base, 'GET', '/api/events/00000000000000000000000000'), 404, 'unknown id');
  });
});

describe('PUT /api/events/{id}', () => {
  it('owner partial update changes only the given fields', async () => {
    const e = await createEvent(base, org.accessToken, { capacity: 40 });
    await new Promise((r) => setTimeout(r, 1100));
    const r = await api(base, 'PUT', `/api/events/${e.eventId}`,
      { token: org.accessToken, body: { name: 'Renamed', capacity: 60 } });
    assert.equal(r.status, 200, r.text);
    assertEventShape(r.json);
    assert.equal(r.json.name, 'Renamed');
    assert.equal(r.json.capacity, 60);
    assert.equal(r.json.seatsLeft, 60);
    for (const k of ['eventId', 'description', 'timezone', 'location', 'price', 'currency', 'organizerId',
      'status', 'createdAt', 'maxPerAttendee', 'registeredCount']) {
      assert.deepEqual(r.json[k], e[k], `${k} should not change`);
    }
    assert.ok(sameInstant(r.json.date, e.date));
    assert.ok(Date.parse(r.json.updatedAt) > Date.parse(e.updatedAt), `updatedAt ${e.updatedAt} -> ${r.json.updatedAt}`);
    const g = await api(base, 'GET', `/api/events/${e.eventId}`);
    assert.deepEqual(g.json, r.json);
  });

  it('updates date, timezone, price and currency', async () => {
    const e = await createEvent(base, org.accessToken);
    const date = futureDate(45);
    const r = await api(base, 'PUT', `/api/events/${e.eventId}`, {
      token: org.accessToken, body: { date, timezone: 'America/New_York', price: 12.34, currency: 'USD', description: 'new' },
    });
    assert.equal(r.status, 200, r.text);
    assert.ok(sameInstant(r.json.date, date));
    assert.equal(r.json.timezone, 'America/New_York');
    assert.equal(r.json.price, 12.34);
    assert.equal(r.json.currency, 'USD');
    assert.equal(r.json.description, 'new');
    assert.equal(r.json.name, e.name);
  });

  it('403 for another organizer and for an attendee; 401 anonymous', async () => {
    const e = await createEvent(base, org.accessToken);
    assertProblem(await api(base, 'PUT', `/api/events/${e.eventId}`, { token: org2.accessToken, body: { name: 'Hijack' } }), 403, 'other organizer');
    assertProblem(await api(base, 'PUT', `/api/events/${e.eventId}`, { token: att.accessToken, body: { name: 'Hijack' } }), 403, 'attendee');
    assertProblem(await api(base, 'PUT', `/api/events/${e.eventId}`, { body: { name: 'Hijack' } }), 401, 'anonymous');
    const g = await api(base, 'GET', `/api/events/${e.eventId}`);
    assert.equal(g.json.name, e.name);
  });

  it('404 for an unknown id', async () => {
    assertProblem(await api(base, 'PUT', '/api/events/does-not-exist', { token: org.accessToken, body: { name: 'x' } }), 404, 'unknown');
  });

  const badUpdates = [
    [{ capacity: 0 }, 'capacity'],
    [{ price: -1 }, 'price'],
    [{ price: 1.005 }, 'price'],
    [{ timezone: 'Mars/Base' }, 'timezone'],
    [{ date: 'tomorrow' }, 'date'],
    [{ currency: 'XXX' }, 'currency'],
    [{ name: '' }, 'name'],
    [{ maxPerAttendee: 1000 }, 'maxPerAttendee'],
    [{ registeredCount: 99 }, 'registeredCount'],
    [{ organizerId: 'x' }, 'organizerId'],
    [{ status: 'cancelled' }, 'status'],
  ];
  for (const [update, field] of badUpdates) {
    it(`400 and nothing changed for ${JSON.stringify(update)}`, async () => {
      const e = await createEvent(base, org.accessToken, { capacity: 40 });
      const r = await api(base, 'PUT', `/api/events/${e.eventId}`,
        { token: org.accessToken, body: { name: 'Should not stick', ...update } });
      assertFieldError(r, field, JSON.stringify(update));
      const g = await api(base, 'GET', `/api/events/${e.eventId}`);
      assert.deepEqual(g.json, e, 'nothing changed');
    });
  }

  it('400 for malformed JSON and 415 for text/plain', async () => {
    const e = await createEvent(base, org.accessToken);
    const m = await api(base, 'PUT', `/api/events/${e.eventId}`, { token: org.accessToken, rawBody: '{' });
    assertProblem(m, 400, 'malformed');
    assert.equal(m.json.type, 'urn:admit:problem:malformed-json');
    const t = await api(base, 'PUT', `/api/events/${e.eventId}`,
      { token: org.accessToken, rawBody: '{"name":"x"}', headers: { 'Content-Type': 'text/plain' } });
    assertProblem(t, 415, 'text/plain');
  });
});

describe('DELETE /api/events/{id}', () => {
  it('owner cancels; unlisted; still readable; PUT → 409', async () => {
    const word = uniqueWord('del');
    const e = await createEvent(base, org.accessToken, { name: `Doomed ${word}` });
    assert.equal((await search({ q: word })).items.length, 1);

    const r = await api(base, 'DELETE', `/api/events/${e.eventId}`, { token: org.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'cancelled');
    assert.equal(r.json.eventId, e.eventId);

    assert.equal((await search({ q: word })).items.length, 0, 'cancelled events are not listed');
    const g = await api(base, 'GET', `/api/events/${e.eventId}`);
    assert.equal(g.status, 200, g.text);
    assert.equal(g.json.status, 'cancelled');

    const put = await api(base, 'PUT', `/api/events/${e.eventId}`, { token: org.accessToken, body: { name: 'Revived' } });
    assertProblem(put, 409, 'PUT on a cancelled event');
  });

  it('403 for another organizer and for an attendee; 401 anonymous; 404 unknown', async () => {
    const e = await createEvent(base, org.accessToken);
    assertProblem(await api(base, 'DELETE', `/api/events/${e.eventId}`, { token: org2.accessToken }), 403, 'other organizer');
    assertProblem(await api(base, 'DELETE', `/api/events/${e.eventId}`, { token: att.accessToken }), 403, 'attendee');
    assertProblem(await api(base, 'DELETE', `/api/events/${e.eventId}`), 401, 'anonymous');
    assertProblem(await api(base, 'DELETE', '/api/events/does-not-exist', { token: org.accessToken }), 404, 'unknown');
    const g = await api(base, 'GET', `/api/events/${e.eventId}`);
    assert.equal(g.json.status, 'published');
  });

  it('cancelling twice does not un-cancel', async () => {
    const e = await createEvent(base, org.accessToken);
    assert.equal((await api(base, 'DELETE', `/api/events/${e.eventId}`, { token: org.accessToken })).status, 200);
    const again = await api(base, 'DELETE', `/api/events/${e.eventId}`, { token: org.accessToken });
    assert.ok([200, 409].includes(again.status), `second cancel: ${again.status} ${again.text}`);
    const g = await api(base, 'GET', `/api/events/${e.eventId}`);
    assert.equal(g.json.status, 'cancelled');
  });
});

describe('GET /api/events', () => {
  it('is public and returns {items, nextCursor}', async () => {
    const r = await api(base, 'GET', '/api/events');
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.json.items));
    assert.ok(r.json.items.length <= 20, 'default limit 20');
    for (const e of r.json.items) {
      assertEventShape(e);
      assert.equal(e.status, 'published');
    }
  });

  it('lists only upcoming events (a past date is allowed but unlisted)', async () => {
    const word = uniqueWord('past');
    const past = await createEvent(base, org.accessToken, { name: `Past ${word}`, date: futureDate(-2) });
    const future = await createEvent(base, org.accessToken, { name: `Future ${word}`, date: futureDate(2) });
    const items = (await search({ q: word })).items;
    assert.deepEqual(items.map((e) => e.eventId), [future.eventId]);
    const g = await api(base, 'GET', `/api/events/${past.eventId}`);
    assert.equal(g.status, 200);
  });

  it('sorts by date ascending, then by id', async () => {
    const word = uniqueWord('sort');
    const d = [futureDate(30), futureDate(10), futureDate(20)];
    const created = [];
    for (const date of d) created.push(await createEvent(base, org.accessToken, { name: `Sort ${word}`, date }));
    const tieDate = futureDate(15);
    const ties = [];
    for (let i = 0; i < 3; i++) ties.push(await createEvent(base, org.accessToken, { name: `Sort ${word}`, date: tieDate }));
    const items = (await search({ q: word })).items;
    assert.equal(items.length, 6);
    const dates = items.map((e) => Date.parse(e.date));
    for (let i = 1; i < items.length; i++) {
      assert.ok(dates[i - 1] < dates[i] || (dates[i - 1] === dates[i] && items[i - 1].eventId < items[i].eventId),
        `order at ${i}: ${items.map((e) => `${e.date} ${e.eventId}`).join(', ')}`);
    }
    assert.equal(items[0].eventId, created[1].eventId);
    assert.deepEqual(items.slice(1, 4).map((e) => e.eventId).sort(), ties.map((e) => e.eventId).sort());
    assert.equal(items[5].eventId, created[0].eventId);
  });

  it('q matches name, description or location, case-insensitively', async () => {
    const word = uniqueWord('q');
    const inName = await createEvent(base, org.accessToken, { name: `Gala ${word.toUpperCase()} night` });
    const inDesc = await createEvent(base, org.accessToken, { description: `All about ${word}.` });
    const inLoc = await createEvent(base, org.accessToken, { location: `Hall ${word.toUpperCase()}` });
    await createEvent(base, org.accessToken, { name: 'Unrelated event' });
    const ids = (await search({ q: word })).items.map((e) => e.eventId).sort();
    assert.deepEqual(ids, [inName.eventId, inDesc.eventId, inLoc.eventId].sort());
    const upper = (await search({ q: word.toUpperCase() })).items.map((e) => e.eventId).sort();
    assert.deepEqual(upper, ids);
  });

  it('q with SQL/LIKE metacharacters is treated as text', async () => {
    const word = uniqueWord('pct');
    await createEvent(base, org.accessToken, { name: `Sale ${word}` });
    for (const q of ['%', '_', "' OR '1'='1", `${word}%`]) {
      const r = await api(base, 'GET', `/api/events?${new URLSearchParams({ q })}`);
      assert.equal(r.status, 200, `${q}: ${r.text}`);
      for (const e of r.json.items) {
        const hay = `${e.name} ${e.description} ${e.location}`.toLowerCase();
        assert.ok(hay.includes(q.toLowerCase()), `q=${q} matched ${e.name}`);
      }
    }
  });

  it('from/to filter by date, inclusive', async () => {
    const word = uniqueWord('range');
    const d1 = futureDate(40);
    const d2 = futureDate(41);
    const d3 = futureDate(42);
    const e1 = await createEvent(base, org.accessToken, { name: `R ${word}`, date: d1 });
    const e2 = await createEvent(base, org.accessToken, { name: `R ${word}`, date: d2 });
    const e3 = await createEvent(base, org.accessToken, { name: `R ${word}`, date: d3 });
    const ids = async (q) => (await search({ q: word, ...q })).items.map((e) => e.eventId);
    assert.deepEqual(await ids({ from: d2 }), [e2.eventId, e3.eventId]);
    assert.deepEqual(await ids({ to: d2 }), [e1.eventId, e2.eventId]);
    assert.deepEqual(await ids({ from: d2, to: d2 }), [e2.eventId]);
    assert.deepEqual(await ids({ from: d1, to: d3 }), [e1.eventId, e2.eventId, e3.eventId]);
    assert.deepEqual(await ids({ from: futureDate(43) }), []);
  });

  it('400 for a malformed from/to', async () => {
    assertProblem(await api(base, 'GET', '/api/events?from=yesterday'), 400, 'from=yesterday');
    assertProblem(await api(base, 'GET', '/api/events?to=2026-13-45'), 400, 'to=2026-13-45');
  });

  it('limit must be 1..100', async () => {
    for (const limit of ['0', '101', 'abc', '-1', '1.5']) {
      assertProblem(await api(base, 'GET', `/api/events?limit=${limit}`), 400, `limit=${limit}`);
    }
    for (const limit of ['1', '100']) {
      const r = await api(base, 'GET', `/api/events?limit=${limit}`);
      assert.equal(r.status, 200, `limit=${limit}: ${r.text}`);
      assert.ok(r.json.items.length <= Number(limit));
    }
  });

  it('paginates 25 events as 10, 10, 5 in order without duplicates', async () => {
    const word = uniqueWord('page');
    const created = [];
    for (let i = 0; i < 25; i++) {
      // Groups of three share a date so the id tie-break crosses page boundaries.
      const date = futureDate(60 + Math.floor(i / 3));
      created.push(await createEvent(base, org.accessToken, { name: `Page ${word} ${i}`, date }));
    }
    const expected = [...created].sort((a, b) => (Date.parse(a.date) - Date.parse(b.date)) ||
      (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)).map((e) => e.eventId);

    const sizes = [];
    const seen = [];
    let cursor = null;
    for (let page = 0; page < 5; page++) {
      const qs = new URLSearchParams({ q: word, limit: '10' });
      if (cursor) qs.set('cursor', cursor);
      const r = await api(base, 'GET', `/api/events?${qs}`);
      assert.equal(r.status, 200, r.text);
      sizes.push(r.json.items.length);
      seen.push(...r.json.items.map((e) => e.eventId));
      cursor = r.json.nextCursor;
      if (cursor === null) break;
      assert.equal(typeof cursor, 'string');
    }
    assert.deepEqual(sizes, [10, 10, 5]);
    assert.equal(cursor, null);
    assert.equal(new Set(seen).size, 25, 'no duplicates');
    assert.deepEqual(seen, expected, 'all 25 in date, id order');
  });

  it('400 for a garbage cursor', async () => {
    assertProblem(await api(base, 'GET', '/api/events?cursor=garbage!!'), 400, 'garbage cursor');
    assertProblem(await api(base, 'GET', '/api/events?cursor=eyJmb28iOiJiYXIifQ'), 400, 'well-formed base64 of junk');
  });
});

describe('GET /api/me/events', () => {
  it('lists the organizer\'s own events only, including cancelled ones', async () => {
    const mine = await signup(base, 'organizer');
    const a = await createEvent(base, mine.accessToken, { name: 'Mine A' });
    const b = await createEvent(base, mine.accessToken, { name: 'Mine B', date: futureDate(-5) });
    const c = await createEvent(base, mine.accessToken, { name: 'Mine C' });
    assert.equal((await api(base, 'DELETE', `/api/events/${c.eventId}`, { token: mine.accessToken })).status, 200);
    await createEvent(base, org2.accessToken, { name: 'Not mine' });

    const items = await listAll({}, '/api/me/events', mine.accessToken);
    assert.deepEqual(items.map((e) => e.eventId).sort(), [a.eventId, b.eventId, c.eventId].sort());
    for (const e of items) assert.equal(e.organizerId, mine.user.userId);
    assert.equal(items.find((e) => e.eventId === c.eventId).status, 'cancelled');
  });

  it('401 anonymous', async () => {
    assertProblem(await api(base, 'GET', '/api/me/events'), 401, 'anonymous');
  });

  it('an attendee sees no events of others', async () => {
    const r = await api(base, 'GET', '/api/me/events', { token: att.accessToken });
    if (r.status === 200) assert.deepEqual(r.json.items, []);
    else assertProblem(r, 403, 'attendee');
  });
});

// Ticket types: created with the event or later, in the event's JSON, orders of several types
// (all or nothing, per-type and per-event capacity, per-order limits, hidden types, sales
// windows judged by the server's clock), the price rules of PUT /api/events/{id}, deleting a
// type with sales, and errors naming fields as paths.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startWithAccounts, api, signup, createEvent, assertProblem, assertFieldError, futureDate, mapPool, inspectPdf,
} from './harness.mjs';

let srv;
let base;
let org;
let org2;
let att;

before(async () => {
  ({ srv, base, accounts: [org, org2, att] } = await startWithAccounts(['organizer', 'organizer', 'attendee'],
    { env: { ADMIT_ARGON2_MEMORY_KIB: '1024' } }));
});

after(async () => {
  await srv?.stop();
});

const typed = (ticketTypes, over = {}) =>
  createEvent(base, org.accessToken, { price: undefined, capacity: 100, maxPerAttendee: 20, ticketTypes, ...over });
const getEvent = async (id, token) => {
  const r = await api(base, 'GET', `/api/events/${id}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const order = (token, eventId, items, extra = {}) =>
  api(base, 'POST', '/api/registrations', { token, body: { eventId, items, ...extra } });
const typeNamed = (event, name) => event.ticketTypes.find((t) => t.name === name);

describe('ticket types on the event', () => {
  it('an event made the old way has one "General admission" type from its price and capacity', async () => {
    const e = await createEvent(base, org.accessToken, { price: 12.5, capacity: 40 });
    assert.equal(e.ticketTypes.length, 1);
    const [t] = e.ticketTypes;
    assert.equal(t.name, 'General admission');
    assert.equal(t.price, 12.5);
    assert.equal(t.capacity, null, 'only the event capacity limits it');
    assert.equal(t.sold, 0);
    assert.equal(t.available, 40);
    assert.equal(t.salesStart, null);
    assert.equal(t.salesEnd, null);
    assert.equal(t.minPerOrder, 1);
    assert.equal(t.maxPerOrder, 100);
    assert.equal(t.hidden, false);
    assert.equal(typeof t.ticketTypeId, 'string');
  });

  it('ticketTypes on create: price is the lowest visible one; hidden types only for the organizer', async () => {
    const e = await typed([
      { name: 'VIP', price: 90, capacity: 5, description: 'Front row' },
      { name: 'Regular', price: 25 },
      { name: 'Crew', price: 5, hidden: true },
    ]);
    assert.equal(e.price, 25, 'the lowest visible price');
    assert.equal(e.ticketTypes.length, 3, 'the organizer sees every type');
    const pub = await getEvent(e.eventId);
    assert.deepEqual(pub.ticketTypes.map((t) => t.name), ['VIP', 'Regular']);
    assert.equal(typeNamed(pub, 'VIP').available, 5);
    assert.equal(typeNamed(pub, 'Regular').available, 100);
    assert.equal(typeNamed(pub, 'VIP').description, 'Front row');
    const listed = await api(base, 'GET', `/api/events?q=${encodeURIComponent(e.name)}`);
    assert.equal(listed.status, 200, listed.text);
    const inList = listed.json.items.find((x) => x.eventId === e.eventId);
    assert.equal(inList?.price, 25, 'the listing shows the "from" price');
    assert.deepEqual(inList.ticketTypes.map((t) => t.name), ['VIP', 'Regular'], 'and the visible types');
    const mine = await api(base, 'GET', '/api/me/events?limit=100', { token: org.accessToken });
    assert.equal(mine.json.items.find((x) => x.eventId === e.eventId).ticketTypes.length, 3, 'the organizer sees all');
  });

  it('400 naming the field as a path for bad types, and price alongside ticketTypes', async () => {
    const r = await api(base, 'POST', '/api/events', {
      token: org.accessToken,
      body: {
        name: 'Bad types', date: futureDate(30), location: 'Hall', capacity: 10, currency: 'EUR',
        ticketTypes: [{ name: 'A', price: 1 }, { name: '', price: -1, maxPerOrder: 0 }, { price: 2 }],
      },
    });
    assertFieldError(r, 'ticketTypes[1].name');
    assertFieldError(r, 'ticketTypes[1].price');
    assertFieldError(r, 'ticketTypes[1].maxPerOrder');
    assertFieldError(r, 'ticketTypes[2].name');
    const both = await api(base, 'POST', '/api/events', {
      token: org.accessToken,
      body: { name: 'Both', date: futureDate(30), location: 'Hall', capacity: 10, price: 3, ticketTypes: [{ name: 'A', price: 1 }] },
    });
    assertFieldError(both, 'price');
    const unknown = await api(base, 'POST', '/api/events', {
      token: org.accessToken,
      body: { name: 'X', date: futureDate(30), location: 'Hall', capacity: 10, ticketTypes: [{ name: 'A', price: 1, colour: 'red' }] },
    });
    assertFieldError(unknown, 'ticketTypes[0].colour');
  });
});

describe('POST/PUT/DELETE /api/events/{id}/ticket-types', () => {
  it('adds, changes and deletes a type; only its organizer may', async () => {
    const e = await createEvent(base, org.accessToken, { price: 20, capacity: 50 });
    const path = `/api/events/${e.eventId}/ticket-types`;
    assertProblem(await api(base, 'POST', path, { token: org2.accessToken, body: { name: 'VIP', price: 80 } }), 403);
    assertProblem(await api(base, 'POST', path, { token: att.accessToken, body: { name: 'VIP', price: 80 } }), 403);
    const added = await api(base, 'POST', path, { token: org.accessToken, body: { name: 'Early bird', price: 15, capacity: 10 } });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.json.name, 'Early bird');
    assert.equal(added.json.capacity, 10);
    assert.equal(added.json.available, 10);
    assert.equal((await getEvent(e.eventId)).price, 15, 'the event now shows the lowest price');
    const id = added.json.ticketTypeId;
    const changed = await api(base, 'PUT', `${path}/${id}`, { token: org.accessToken, body: { price: 18, maxPerOrder: 4 } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.price, 18);
    assert.equal(changed.json.maxPerOrder, 4);
    assert.equal(changed.json.name, 'Early bird', 'absent fields keep their value');
    assertFieldError(await api(base, 'PUT', `${path}/${id}`, { token: org.accessToken, body: { minPerOrder: 5 } }), 'maxPerOrder');
    assertProblem(await api(base, 'PUT', `${path}/nope`, { token: org.accessToken, body: { price: 1 } }), 404);
    const gone = await api(base, 'DELETE', `${path}/${id}`, { token: org.accessToken });
    assert.equal(gone.status, 204, gone.text);
    assert.equal((await getEvent(e.eventId)).ticketTypes.length, 1);
    assertProblem(await api(base, 'DELETE', `${path}/${e.ticketTypes[0].ticketTypeId}`, { token: org.accessToken }), 409,
      'the last type stays');
  });

  it('a type with sales cannot be deleted (409); its price change applies to new orders only', async () => {
    const e = await typed([{ name: 'Free', price: 0 }, { name: 'Other', price: 0 }]);
    const free = typeNamed(e, 'Free');
    const first = await order(att.accessToken, e.eventId, [{ ticketTypeId: free.ticketTypeId, quantity: 2 }]);
    assert.equal(first.status, 201, first.text);
    const path = `/api/events/${e.eventId}/ticket-types/${free.ticketTypeId}`;
    assertProblem(await api(base, 'DELETE', path, { token: org.accessToken }), 409);
    const repriced = await api(base, 'PUT', path, { token: org.accessToken, body: { price: 7 } });
    assert.equal(repriced.status, 200, repriced.text);
    const again = await api(base, 'GET', `/api/registrations/${first.json.registrationId}`, { token: att.accessToken });
    assert.equal(again.json.amount, 0, 'the earlier order keeps its price');
    assert.equal(again.json.items[0].unitPrice, 0);
    assertProblem(await api(base, 'PUT', path, { token: org.accessToken, body: { capacity: 1 } }), 409,
      'a quota below the seats taken');
  });

  it("PUT of the event's price works with one type and is a 400 naming price with several", async () => {
    const one = await createEvent(base, org.accessToken, { price: 10 });
    const r = await api(base, 'PUT', `/api/events/${one.eventId}`, { token: org.accessToken, body: { price: 12 } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.price, 12);
    assert.equal(r.json.ticketTypes[0].price, 12, 'the one type follows');
    const several = await typed([{ name: 'A', price: 10 }, { name: 'B', price: 20 }]);
    assertFieldError(await api(base, 'PUT', `/api/events/${several.eventId}`, { token: org.accessToken, body: { price: 5 } }), 'price');
    const renamed = await api(base, 'PUT', `/api/events/${several.eventId}`, { token: org.accessToken, body: { name: 'Renamed' } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.deepEqual(renamed.json.ticketTypes.map((t) => t.price), [10, 20], 'other changes leave the types alone');
  });
});

describe('orders of several types', () => {
  it('one order of two types: items, amount, tickets of each type; counters per type', async () => {
    const e = await typed([{ name: 'Regular', price: 0 }, { name: 'Small', price: 0, capacity: 3 }], { capacity: 10, maxPerAttendee: 5 });
    const [regular, small] = [typeNamed(e, 'Regular'), typeNamed(e, 'Small')];
    const p = await signup(base, 'attendee');
    const r = await order(p.accessToken, e.eventId, [
      { ticketTypeId: regular.ticketTypeId, quantity: 2 },
      { ticketTypeId: small.ticketTypeId, quantity: 1 },
    ]);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.quantity, 3);
    assert.equal(r.json.amount, 0);
    assert.deepEqual(r.json.items.map((i) => [i.ticketTypeId, i.name, i.quantity, i.unitPrice, i.discountedUnitPrice, i.amount]), [
      [regular.ticketTypeId, 'Regular', 2, 0, 0, 0],
      [small.ticketTypeId, 'Small', 1, 0, 0, 0],
    ]);
    assert.deepEqual(r.json.tickets.map((t) => t.ticketTypeId), [regular.ticketTypeId, regular.ticketTypeId, small.ticketTypeId]);
    const after = await getEvent(e.eventId);
    assert.equal(after.registeredCount, 3);
    assert.equal(typeNamed(after, 'Regular').sold, 2);
    assert.equal(typeNamed(after, 'Small').sold, 1);
    assert.equal(typeNamed(after, 'Small').available, 2);
    assert.equal(typeNamed(after, 'Regular').available, 7, 'the event capacity left');
  });

  it("each ticket's PDF prints its own type and the price its item was ordered at", async () => {
    const e = await typed([{ name: 'Balcony', price: 0 }, { name: 'Standing', price: 0 }]);
    const p = await signup(base, 'attendee');
    const r = await order(p.accessToken, e.eventId, [
      { ticketTypeId: typeNamed(e, 'Balcony').ticketTypeId, quantity: 1 },
      { ticketTypeId: typeNamed(e, 'Standing').ticketTypeId, quantity: 1 },
    ]);
    assert.equal(r.status, 201, r.text);
    for (const [ticket, name] of [[r.json.tickets[0], 'Balcony'], [r.json.tickets[1], 'Standing']]) {
      const link = await api(base, 'GET', `/api/tickets/${ticket.ticketId}/download`, { token: p.accessToken });
      assert.equal(link.status, 200, link.text);
      const pdf = await fetch(new URL(link.json.url, base));
      assert.equal(pdf.status, 200);
      const { text } = await inspectPdf(Buffer.from(await pdf.arrayBuffer()));
      assert.ok(text.includes(name), `the PDF names ${name}:\n${text}`);
    }
  });

  it('a paid order of two types costs the sum of its items', async () => {
    const e = await typed([{ name: 'VIP', price: 90 }, { name: 'Regular', price: 25.5 }]);
    const p = await signup(base, 'attendee');
    const r = await order(p.accessToken, e.eventId, [
      { ticketTypeId: typeNamed(e, 'VIP').ticketTypeId, quantity: 1 },
      { ticketTypeId: typeNamed(e, 'Regular').ticketTypeId, quantity: 2 },
    ]);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'pending_payment');
    assert.equal(r.json.amount, 141);
    assert.deepEqual(r.json.items.map((i) => i.amount), [90, 51]);
  });

  it('the old {eventId, quantity} orders the first visible type', async () => {
    const e = await typed([{ name: 'Hidden', price: 0, hidden: true }, { name: 'Open', price: 0 }]);
    const p = await signup(base, 'attendee');
    const r = await api(base, 'POST', '/api/registrations', { token: p.accessToken, body: { eventId: e.eventId, quantity: 2 } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.items[0].ticketTypeId, typeNamed(e, 'Open').ticketTypeId);
  });

  it('all or nothing: a type too small refuses the whole order and changes nothing', async () => {
    const e = await typed([{ name: 'Regular', price: 0 }, { name: 'Small', price: 0, capacity: 1 }]);
    const p = await signup(base, 'attendee');
    const r = await order(p.accessToken, e.eventId, [
      { ticketTypeId: typeNamed(e, 'Regular').ticketTypeId, quantity: 2 },
      { ticketTypeId: typeNamed(e, 'Small').ticketTypeId, quantity: 2 },
    ]);
    assertProblem(r, 409);
    assert.match(r.json.type, /sold-out$/);
    const after = await getEvent(e.eventId);
    assert.equal(after.registeredCount, 0);
    assert.deepEqual(after.ticketTypes.map((t) => t.sold), [0, 0]);
    const mine = await api(base, 'GET', '/api/registrations', { token: p.accessToken });
    assert.equal(mine.json.items.length, 0);
  });

  it('the per-attendee limit counts across types', async () => {
    const e = await typed([{ name: 'A', price: 0 }, { name: 'B', price: 0 }], { maxPerAttendee: 3 });
    const p = await signup(base, 'attendee');
    const items = [{ ticketTypeId: typeNamed(e, 'A').ticketTypeId, quantity: 2 }, { ticketTypeId: typeNamed(e, 'B').ticketTypeId, quantity: 2 }];
    assertProblem(await order(p.accessToken, e.eventId, items), 409);
    items[1].quantity = 1;
    assert.equal((await order(p.accessToken, e.eventId, items)).status, 201);
  });

  it('400 naming the item: unknown type, another event\'s type, hidden type, quantity 0, over the maximum, duplicates', async () => {
    const e = await typed([{ name: 'A', price: 0, maxPerOrder: 2 }, { name: 'Secret', price: 0, hidden: true }]);
    const other = await createEvent(base, org.accessToken, { price: 0 });
    const a = typeNamed(e, 'A').ticketTypeId;
    const p = await signup(base, 'attendee');
    const cases = [
      [[{ ticketTypeId: a, quantity: 1 }, { ticketTypeId: 'AAAAAAAAAAAAAAAAAAAAAA', quantity: 1 }], 'items[1].ticketTypeId'],
      [[{ ticketTypeId: a, quantity: 1 }, { ticketTypeId: other.ticketTypes[0].ticketTypeId, quantity: 1 }], 'items[1].ticketTypeId'],
      [[{ ticketTypeId: typeNamed(e, 'Secret').ticketTypeId, quantity: 1 }], 'items[0].ticketTypeId'],
      [[{ ticketTypeId: a, quantity: 0 }], 'items[0].quantity'],
      [[{ ticketTypeId: a, quantity: 3 }], 'items[0].quantity'],
      [[{ ticketTypeId: a, quantity: 1 }, { ticketTypeId: a, quantity: 1 }], 'items[1].ticketTypeId'],
      [[{ quantity: 1 }], 'items[0].ticketTypeId'],
      [[{ ticketTypeId: a, quantity: 'two' }], 'items[0].quantity'],
    ];
    for (const [items, field] of cases) {
      assertFieldError(await order(p.accessToken, e.eventId, items), field, JSON.stringify(items));
    }
    assertFieldError(await order(p.accessToken, e.eventId, []), 'items');
    assertFieldError(await order(p.accessToken, e.eventId, [{ ticketTypeId: a, quantity: 1 }], { quantity: 1 }), 'quantity');
    assert.equal((await getEvent(e.eventId)).registeredCount, 0, 'nothing changed');
    // The organizer may order the hidden type (an access code will open it to others later).
    assert.equal((await order(org.accessToken, e.eventId, [{ ticketTypeId: typeNamed(e, 'Secret').ticketTypeId, quantity: 1 }])).status, 201);
  });

  it('outside the sales window: 409 sales-closed, judged by the server clock', async () => {
    const e = await typed([
      { name: 'Later', price: 0, salesStart: futureDate(2) },
      { name: 'Over', price: 0, salesEnd: futureDate(-1) },
      { name: 'Now', price: 0, salesStart: futureDate(-1), salesEnd: futureDate(1) },
    ]);
    const p = await signup(base, 'attendee');
    for (const name of ['Later', 'Over']) {
      const r = await order(p.accessToken, e.eventId, [{ ticketTypeId: typeNamed(e, name).ticketTypeId, quantity: 1 }]);
      assertProblem(r, 409, name);
      assert.match(r.json.type, /sales-closed$/, name);
    }
    assert.equal((await order(p.accessToken, e.eventId, [{ ticketTypeId: typeNamed(e, 'Now').ticketTypeId, quantity: 1 }])).status, 201);
    assertFieldError(await api(base, 'POST', `/api/events/${e.eventId}/ticket-types`, {
      token: org.accessToken, body: { name: 'Bad window', price: 0, salesStart: futureDate(2), salesEnd: futureDate(1) },
    }), 'salesEnd');
  });

  it('concurrent mixed orders never exceed a small type nor the event', async () => {
    const e = await typed([{ name: 'Regular', price: 0 }, { name: 'Small', price: 0, capacity: 5 }], { capacity: 30 });
    const [regular, small] = [typeNamed(e, 'Regular').ticketTypeId, typeNamed(e, 'Small').ticketTypeId];
    const people = await mapPool(Array.from({ length: 40 }, (_, i) => i), 8, () => signup(base, 'attendee'));
    const results = await mapPool(people, 20, (p) => order(p.accessToken, e.eventId, [
      { ticketTypeId: small, quantity: 1 }, { ticketTypeId: regular, quantity: 1 },
    ]));
    const placed = results.filter((r) => r.status === 201).length;
    assert.ok(results.every((r) => r.status === 201 || r.status === 409), results.map((r) => r.status).join());
    assert.equal(placed, 5);
    const after = await getEvent(e.eventId);
    assert.equal(typeNamed(after, 'Small').sold, 5);
    assert.equal(typeNamed(after, 'Small').available, 0);
    assert.equal(typeNamed(after, 'Regular').sold, 5);
    assert.equal(after.registeredCount, 10);
    const listed = await api(base, 'GET', `/api/events?q=${encodeURIComponent(e.name)}`);
    const inList = listed.json.items.find((x) => x.eventId === e.eventId);
    assert.deepEqual(inList.ticketTypes.map((t) => [t.name, t.available]), [['Regular', 20], ['Small', 0]],
      'the listing shows the small type sold out');
  });
});

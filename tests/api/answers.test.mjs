// Answers and a named holder on every ticket (issue 14, "Questions" and "Orders and guests"):
// `attendees` names each ticket's holder (in the order of `items`, each item's tickets in turn)
// and carries the per-ticket answers; `answers` carries the per-order ones. The server checks
// them against the event's questions; a refusal is a 400 naming the field and writes nothing.
// Tickets without a named holder carry the buyer's name. A paid order's holders reach its
// tickets when it is paid.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithAccounts, api, createEvent, assertFieldError, databaseSql, getRegistration, parseCsv, inspectPdf } from './harness.mjs';

let srv, base, org, att;

before(async () => {
  ({ srv, base, accounts: [org, att] } = await startWithAccounts(['organizer', 'attendee'], {
    env: { ADMIT_ARGON2_MEMORY_KIB: '1024', ADMIT_PAYMENT_PROVIDER: 'sandbox', ADMIT_STRIPE_WEBHOOK_SECRET: 'whsec_test_secret' },
  }));
});

after(async () => {
  await srv?.stop();
});

const order = (body, token = att.accessToken) => api(base, 'POST', '/api/registrations', { token, body });
const ask = async (eventId, body) => {
  const r = await api(base, 'POST', `/api/events/${eventId}/questions`, { token: org.accessToken, body });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
/** A free event with two types, "Regular" and "VIP". */
async function twoTypes(over = {}) {
  const e = await createEvent(base, org.accessToken, {
    price: undefined, capacity: 50, maxPerAttendee: 20,
    ticketTypes: [{ name: 'Regular', price: 0 }, { name: 'VIP', price: 0 }], ...over,
  });
  const id = (name) => e.ticketTypes.find((t) => t.name === name).ticketTypeId;
  return { e, regular: id('Regular'), vip: id('VIP') };
}
const seatsTaken = async (eventId) => (await api(base, 'GET', `/api/events/${eventId}`)).json.registeredCount;
const rowsOf = async (eventId) =>
  Number((await databaseSql(srv, `SELECT COUNT(*) FROM registrations WHERE event_id = '${eventId}';`)).trim());

describe('holders and answers are written with the order and shown', () => {
  it('without attendees every ticket carries the buyer\'s name, and no answers', async () => {
    const { e, regular } = await twoTypes();
    const r = await order({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 2 }] });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.answers, {});
    assert.deepEqual(r.json.tickets.map((t) => t.holderName), [att.name, att.name]);
    for (const t of r.json.tickets) {
      assert.equal(t.holderEmail, undefined);
      assert.equal(t.answers, undefined);
    }
  });

  it('attendees name each ticket in the order of items; answers come back canonical; GET and the organizer\'s list show them', async () => {
    const { e, regular, vip } = await twoTypes();
    const diet = await ask(e.eventId, { label: 'Diet', type: 'select', options: ['None', 'Vegan'], required: true, scope: 'ticket' });
    const workshops = await ask(e.eventId, { label: 'Workshops', type: 'multiselect', options: ['A', 'B', 'C'], required: false, scope: 'ticket', ticketTypeIds: [vip] });
    const company = await ask(e.eventId, { label: 'Company', type: 'text', required: true, scope: 'order' });
    const size = await ask(e.eventId, { label: 'Team size', type: 'number', required: false, scope: 'order' });
    const r = await order({
      eventId: e.eventId,
      items: [{ ticketTypeId: vip, quantity: 1 }, { ticketTypeId: regular, quantity: 2 }],
      attendees: [
        { name: '  Ada Lovelace ', email: 'Ada@Example.org', answers: { [diet.questionId]: 'Vegan', [workshops.questionId]: ['C', 'A'] } },
        { name: 'Bob', answers: { [diet.questionId]: 'None' } },
        { name: 'Cyd', answers: { [diet.questionId]: 'None' } },
      ],
      answers: { [company.questionId]: ' ACME ', [size.questionId]: 12.5 },
    });
    assert.equal(r.status, 201, r.text);
    const reg = r.json;
    assert.deepEqual(reg.answers, { [company.questionId]: 'ACME', [size.questionId]: 12.5 });
    assert.deepEqual(reg.tickets.map((t) => [t.ticketTypeId, t.holderName, t.holderEmail]),
      [[vip, 'Ada Lovelace', 'ada@example.org'], [regular, 'Bob', undefined], [regular, 'Cyd', undefined]]);
    assert.deepEqual(reg.tickets[0].answers, { [diet.questionId]: 'Vegan', [workshops.questionId]: ['A', 'C'] }, 'choices in the order of the options');
    assert.deepEqual(reg.tickets[1].answers, { [diet.questionId]: 'None' });

    const got = await getRegistration(base, reg.registrationId, att.accessToken);
    assert.deepEqual(got.answers, reg.answers);
    assert.deepEqual(got.tickets.map((t) => [t.holderName, t.holderEmail, t.answers]), reg.tickets.map((t) => [t.holderName, t.holderEmail, t.answers]));
    const ticket = await api(base, 'GET', `/api/tickets/${reg.tickets[0].ticketId}`, { token: att.accessToken });
    assert.equal(ticket.status, 200, ticket.text);
    assert.equal(ticket.json.holderName, 'Ada Lovelace');
    const link = await api(base, 'GET', `/api/tickets/${reg.tickets[0].ticketId}/download`, { token: att.accessToken });
    assert.equal(link.status, 200, link.text);
    const pdf = Buffer.from(await (await fetch(new URL(link.json.url, base))).arrayBuffer());
    const { text } = await inspectPdf(pdf);
    assert.ok(text.includes('Ada Lovelace'), `the PDF names the ticket's holder; got:\n${text}`);
    assert.ok(!text.includes(att.name), `not the buyer's account; got:\n${text}`);

    const listed = await api(base, 'GET', `/api/events/${e.eventId}/registrations`, { token: org.accessToken });
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.json.items.find((x) => x.registrationId === reg.registrationId).answers, reg.answers);
  });

  it('a paid order keeps its holders until it is paid; its tickets then carry them', async () => {
    const e = await createEvent(base, org.accessToken, { price: 10, currency: 'EUR', capacity: 10 });
    const r = await order({ eventId: e.eventId, quantity: 2, attendees: [{ name: 'Paid One', email: 'one@example.org' }, { name: 'Paid Two' }] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'pending_payment');
    assert.deepEqual(r.json.tickets, []);
    const intent = await api(base, 'POST', '/api/payments/create-intent', { token: att.accessToken, body: { registrationId: r.json.registrationId } });
    assert.equal(intent.status, 200, intent.text);
    const paid = await api(base, 'POST', '/api/payments/sandbox/confirm', {
      token: att.accessToken, body: { paymentIntentId: intent.json.paymentIntentId, cardNumber: '4242424242424242' },
    });
    assert.equal(paid.status, 200, paid.text);
    let reg;
    for (let i = 0; i < 100; i++) {
      reg = await getRegistration(base, r.json.registrationId, att.accessToken);
      if (reg.status === 'confirmed') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal(reg.status, 'confirmed');
    assert.deepEqual(reg.tickets.map((t) => [t.holderName, t.holderEmail]), [['Paid One', 'one@example.org'], ['Paid Two', undefined]]);
  });
});

describe('the organizer\'s CSV', () => {
  it('one column per per-order question after the existing ones, headed by its label; answers shown as text, formula-guarded', async () => {
    const { e, regular } = await twoTypes();
    const company = await ask(e.eventId, { label: '=Company', type: 'text', required: false, scope: 'order' });
    await ask(e.eventId, { label: 'Diet', type: 'text', required: false, scope: 'ticket' });
    const days = await ask(e.eventId, { label: 'Days', type: 'multiselect', options: ['Mon', 'Tue'], required: false, scope: 'order' });
    const consent = await ask(e.eventId, { label: 'Consent', type: 'checkbox', required: false, scope: 'order' });
    const r = await order({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 1 }],
      answers: { [company.questionId]: '+ACME', [days.questionId]: ['Tue', 'Mon'], [consent.questionId]: true } });
    assert.equal(r.status, 201, r.text);
    const plain = await order({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 1 }] });
    assert.equal(plain.status, 201, plain.text);
    const csv = await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv`, { token: org.accessToken });
    assert.equal(csv.status, 200, csv.text);
    const [header, ...rows] = parseCsv(csv.text);
    assert.deepEqual(header, ['registrationId', 'status', 'quantity', 'amount', 'currency', 'attendeeName', 'attendeeEmail',
      'registeredAt', 'checkedIn', 'paymentId', 'emailStatus', 'ticketTypes', 'source', 'discount', 'refundedAmount',
      "'=Company", 'Days', 'Consent']);
    const answered = rows.find((row) => row[0] === r.json.registrationId);
    assert.deepEqual(answered.slice(15), ["'+ACME", 'Mon; Tue', 'yes']);
    assert.deepEqual(rows.find((row) => row[0] === plain.json.registrationId).slice(15), ['', '', '']);
  });
});

describe('the ticket-per-row CSV (rows=tickets)', () => {
  it('one row per ticket with its holder, type, status and check-in, then one column per per-ticket question', async () => {
    const { e, regular, vip } = await twoTypes();
    const diet = await ask(e.eventId, { label: 'Diet', type: 'select', options: ['None', '-Vegan'], required: false, scope: 'ticket' });
    await ask(e.eventId, { label: 'Company', type: 'text', required: false, scope: 'order' });
    const r = await order({
      eventId: e.eventId,
      items: [{ ticketTypeId: vip, quantity: 1 }, { ticketTypeId: regular, quantity: 1 }],
      attendees: [{ name: '@Ada', email: 'ada@example.org', answers: { [diet.questionId]: '-Vegan' } }, { name: 'Bob' }],
    });
    assert.equal(r.status, 201, r.text);
    const plain = await order({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 1 }] });
    assert.equal(plain.status, 201, plain.text);
    const csv = await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv&rows=tickets`, { token: org.accessToken });
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    const [header, ...rows] = parseCsv(csv.text);
    assert.deepEqual(header, ['ticketId', 'registrationId', 'ticketType', 'holderName', 'holderEmail', 'status', 'checkedInAt', 'Diet']);
    assert.deepEqual(rows, [
      [r.json.tickets[0].ticketId, r.json.registrationId, 'VIP', "'@Ada", 'ada@example.org', 'valid', '', "'-Vegan"],
      [r.json.tickets[1].ticketId, r.json.registrationId, 'Regular', 'Bob', '', 'valid', '', ''],
      [plain.json.tickets[0].ticketId, plain.json.registrationId, 'Regular', att.name, '', 'valid', '', ''],
    ]);
    const other = await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv&rows=tickets`, { token: att.accessToken });
    assert.ok([403, 404].includes(other.status), `not the organizer: ${other.status}`);
    assertFieldError(await api(base, 'GET', `/api/events/${e.eventId}/registrations?rows=tickets`, { token: org.accessToken }), 'rows');
    assertFieldError(await api(base, 'GET', `/api/events/${e.eventId}/registrations?format=csv&rows=seats`, { token: org.accessToken }), 'rows');
  });
});

describe('bad answers and attendees are a 400 naming the field, and change nothing', () => {
  it('a missing required answer, a value outside the options, an unknown question, a wrong count, an empty name, a bad email', async () => {
    const { e, regular, vip } = await twoTypes();
    const diet = await ask(e.eventId, { label: 'Diet', type: 'select', options: ['None', 'Vegan'], required: true, scope: 'ticket' });
    const consent = await ask(e.eventId, { label: 'House rules', type: 'checkbox', required: true, scope: 'order' });
    const items = [{ ticketTypeId: regular, quantity: 1 }, { ticketTypeId: vip, quantity: 1 }];
    const fine = { eventId: e.eventId, items, answers: { [consent.questionId]: true },
      attendees: [{ name: 'A', answers: { [diet.questionId]: 'None' } }, { name: 'B', answers: { [diet.questionId]: 'Vegan' } }] };
    const cases = [
      [{ ...fine, attendees: [fine.attendees[0], { name: 'B' }] }, `attendees[1].answers.${diet.questionId}`],
      [{ ...fine, attendees: undefined }, `attendees[0].answers.${diet.questionId}`],
      [{ ...fine, attendees: [fine.attendees[0], { name: 'B', answers: { [diet.questionId]: 'Meat' } }] }, `attendees[1].answers.${diet.questionId}`],
      [{ ...fine, attendees: [fine.attendees[0], { name: 'B', answers: { [diet.questionId]: 'None', nope: 'x' } }] }, 'attendees[1].answers.nope'],
      [{ ...fine, answers: {} }, `answers.${consent.questionId}`],
      [{ ...fine, answers: { [consent.questionId]: 'yes' } }, `answers.${consent.questionId}`],
      [{ ...fine, answers: { [consent.questionId]: { deep: 1 } } }, `answers.${consent.questionId}`],
      [{ ...fine, attendees: [fine.attendees[0]] }, 'attendees'],
      [{ ...fine, attendees: [fine.attendees[0], { ...fine.attendees[1], name: '   ' }] }, 'attendees[1].name'],
      [{ ...fine, attendees: [fine.attendees[0], { ...fine.attendees[1], name: undefined }] }, 'attendees[1].name'],
      [{ ...fine, attendees: [{ ...fine.attendees[0], email: 'not-an-address' }, fine.attendees[1]] }, 'attendees[0].email'],
      [{ ...fine, attendees: [{ ...fine.attendees[0], name: 'x'.repeat(201) }, fine.attendees[1]] }, 'attendees[0].name'],
      [{ ...fine, attendees: [fine.attendees[0], { ...fine.attendees[1], answers: { [diet.questionId]: 'x'.repeat(10_000) } }] },
        `attendees[1].answers.${diet.questionId}`],
    ];
    for (const [body, field] of cases) assertFieldError(await order(body), field, field);
    assert.equal(await seatsTaken(e.eventId), 0, 'no seat taken');
    assert.equal(await rowsOf(e.eventId), 0, 'no registration written');
    assert.equal((await order(fine)).status, 201, 'the same order, answered, is taken');
  });

  it('an event without questions refuses answers to questions it does not ask', async () => {
    const { e, regular } = await twoTypes();
    const r = await order({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 1 }], answers: { q: 'x' } });
    assertFieldError(r, 'answers.q');
    const t = await order({ eventId: e.eventId, items: [{ ticketTypeId: regular, quantity: 1 }], attendees: [{ name: 'A', answers: { q: 'x' } }] });
    assertFieldError(t, 'attendees[0].answers.q');
    assert.equal(await rowsOf(e.eventId), 0);
  });
});

// The questions an organizer asks at checkout (issue 14, "Questions"): created, replaced and
// deleted by the event's organizer only, read by anyone (the form needs them) in the order the
// form asks them; bad input is a 400 naming the field and changes nothing; a ticket type of
// another event is refused; an event has at most 50 questions.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithAccounts, api, createEvent, assertProblem, assertFieldError, databaseSql } from './harness.mjs';

let srv, base, org, org2, att;

before(async () => {
  ({ srv, base, accounts: [org, org2, att] } = await startWithAccounts(['organizer', 'organizer', 'attendee'], { env: { ADMIT_ARGON2_MEMORY_KIB: '1024' } }));
});

after(async () => {
  await srv?.stop();
});

const ask = (eventId, body, token = org.accessToken) => api(base, 'POST', `/api/events/${eventId}/questions`, { token, body });
const replace = (eventId, id, body, token = org.accessToken) =>
  api(base, 'PUT', `/api/events/${eventId}/questions/${id}`, { token, body });
const remove = (eventId, id, token = org.accessToken) => api(base, 'DELETE', `/api/events/${eventId}/questions/${id}`, { token });
const listed = async (eventId, token) => {
  const r = await api(base, 'GET', `/api/events/${eventId}/questions`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json.items;
};
const askOk = async (eventId, body) => {
  const r = await ask(eventId, body);
  assert.equal(r.status, 201, r.text);
  return r.json;
};
/** The event's ticket type ids, read from the database (the event's JSON does not list them yet). */
const ticketTypeIds = async (eventId) =>
  (await databaseSql(srv, `SELECT id FROM ticket_types WHERE event_id = '${eventId}';`)).split('\n').map((s) => s.trim()).filter(Boolean);

const diet = { label: 'Dietary requirements', type: 'select', options: ['None', 'Vegetarian', 'Vegan'], required: true, scope: 'ticket' };
const company = { label: 'Company', type: 'text', required: false, scope: 'order' };

describe('an organizer asks questions', () => {
  it('201 with the question as stored; defaults for what was left out; Location names it', async () => {
    const e = await createEvent(base, org.accessToken);
    const [typeId] = await ticketTypeIds(e.eventId);
    const r = await ask(e.eventId, { ...diet, ticketTypeIds: [typeId] });
    assert.equal(r.status, 201, r.text);
    const q = r.json;
    assert.equal(typeof q.questionId, 'string');
    assert.deepEqual(q, { questionId: q.questionId, eventId: e.eventId, label: 'Dietary requirements', type: 'select', options: ['None', 'Vegetarian', 'Vegan'], required: true, scope: 'ticket', ticketTypeIds: [typeId], position: 0 });
    assert.equal(r.headers.get('location'), `/api/events/${e.eventId}/questions/${q.questionId}`);
    const plain = await askOk(e.eventId, company);
    assert.deepEqual(plain.options, []);
    assert.deepEqual(plain.ticketTypeIds, [], 'no ticket types: asked of every type');
    assert.equal(plain.position, 1, 'after the last question');
  });

  it('anyone reads them, without a token, in the order the form asks them (position, then id)', async () => {
    const e = await createEvent(base, org.accessToken);
    const third = await askOk(e.eventId, { ...company, position: 5 });
    const first = await askOk(e.eventId, { ...diet, position: -1 });
    const consent = await askOk(e.eventId, { label: 'I accept the house rules', type: 'checkbox', required: true, scope: 'order', position: 2 });
    for (const token of [undefined, att.accessToken, org2.accessToken, org.accessToken]) {
      const items = await listed(e.eventId, token);
      assert.deepEqual(items.map((q) => q.questionId), [first.questionId, consent.questionId, third.questionId]);
      assert.deepEqual(items[0], first);
    }
    assert.deepEqual(await listed((await createEvent(base, org.accessToken)).eventId), [], 'an event without questions');
    assertProblem(await api(base, 'GET', '/api/events/no-such-event/questions'), 404, 'unknown event');
  });

  it('every question type the contract names is accepted', async () => {
    const e = await createEvent(base, org.accessToken);
    for (const type of ['text', 'multiline', 'number', 'email', 'phone', 'date', 'checkbox']) {
      assert.equal((await askOk(e.eventId, { label: type, type, required: false, scope: 'order' })).type, type);
    }
    assert.equal((await askOk(e.eventId, { label: 'Workshops', type: 'multiselect', options: ['A', 'B'], required: false, scope: 'ticket' })).type, 'multiselect');
    assert.equal((await listed(e.eventId)).length, 8);
  });
});

describe('bad input is a 400 naming the field, and changes nothing', () => {
  it('missing fields are named together', async () => {
    const e = await createEvent(base, org.accessToken);
    const r = await ask(e.eventId, { options: ['x'] });
    for (const field of ['label', 'type', 'required', 'scope']) assertFieldError(r, field, `missing ${field}`);
    assert.ok(!r.json.errors.some((x) => x.field === 'options'), 'no rule about options before the type is known');
    assert.deepEqual(await listed(e.eventId), []);
  });

  it('names the field: label, type, scope, required, options, options[i], ticketTypeIds[i], position, unknown fields', async () => {
    const e = await createEvent(base, org.accessToken);
    const other = await createEvent(base, org.accessToken);
    const [own] = await ticketTypeIds(e.eventId);
    const [foreign] = await ticketTypeIds(other.eventId);
    const cases = [
      [{ ...diet, label: '   ' }, 'label'],
      [{ ...diet, label: 'x'.repeat(201) }, 'label'],
      [{ ...diet, type: 'radio' }, 'type'],
      [{ ...diet, scope: 'event' }, 'scope'],
      [{ ...diet, required: 'yes' }, 'required'],
      [{ ...diet, options: [] }, 'options'],
      [{ ...diet, options: ['A', 'B', 'A'] }, 'options[2]'],
      [{ ...diet, options: ['A', 7] }, 'options[1]'],
      [{ ...diet, options: ['A', ' B'] }, 'options[1]'],
      [{ ...company, options: ['A'] }, 'options'],
      [{ ...diet, ticketTypeIds: [foreign] }, 'ticketTypeIds[0]'],
      [{ ...diet, ticketTypeIds: [own, 'no-such-type'] }, 'ticketTypeIds[1]'],
      [{ ...diet, ticketTypeIds: [own, own] }, 'ticketTypeIds[1]'],
      [{ ...diet, position: 2 ** 31 }, 'position'],
      [{ ...diet, position: 'first' }, 'position'],
      [{ ...diet, eventId: other.eventId }, 'eventId'],
    ];
    for (const [body, field] of cases) {
      assertFieldError(await ask(e.eventId, body), field, JSON.stringify(body).slice(0, 120));
    }
    assertProblem(await api(base, 'POST', `/api/events/${e.eventId}/questions`, { token: org.accessToken, rawBody: '{"label":' }), 400, 'malformed JSON');
    assert.deepEqual(await listed(e.eventId), []);
    const q = await askOk(e.eventId, diet);
    for (const [body, field] of cases) {
      assertFieldError(await replace(e.eventId, q.questionId, body), field, `PUT ${JSON.stringify(body).slice(0, 120)}`);
    }
    assert.deepEqual(await listed(e.eventId), [q], 'the refused changes changed nothing');
  });
});

describe('replacing and deleting', () => {
  it('PUT replaces the whole question (keeping its place when no position is sent); DELETE removes it once', async () => {
    const e = await createEvent(base, org.accessToken);
    await askOk(e.eventId, company);
    const q = await askOk(e.eventId, diet);
    const r = await replace(e.eventId, q.questionId, { label: 'T-shirt size', type: 'select', options: ['S', 'M', 'L'], required: false, scope: 'ticket' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { ...q, label: 'T-shirt size', options: ['S', 'M', 'L'], required: false });
    assert.deepEqual((await listed(e.eventId))[1], r.json);
    const moved = await replace(e.eventId, q.questionId, { ...company, position: -3 });
    assert.equal(moved.status, 200, moved.text);
    assert.deepEqual(moved.json.options, [], 'a replacement drops the old choices');
    assert.equal((await listed(e.eventId))[0].questionId, q.questionId, 'moved first');

    const d = await remove(e.eventId, q.questionId);
    assert.equal(d.status, 204, d.text);
    assert.equal(d.text, '');
    assert.deepEqual((await listed(e.eventId)).map((x) => x.questionId).includes(q.questionId), false);
    assertProblem(await remove(e.eventId, q.questionId), 404, 'deleted twice');
    assertProblem(await replace(e.eventId, q.questionId, diet), 404, 'replacing a deleted question');
  });

  it('a question is reached only through its own event', async () => {
    const e = await createEvent(base, org.accessToken);
    const mine = await createEvent(base, org.accessToken);
    const q = await askOk(e.eventId, diet);
    assertProblem(await replace(mine.eventId, q.questionId, company), 404, 'PUT through another event');
    assertProblem(await remove(mine.eventId, q.questionId), 404, 'DELETE through another event');
    assert.deepEqual(await listed(e.eventId), [q]);
  });
});

describe('who may change questions', () => {
  it('only the event\'s organizer: another organizer and an attendee 403, no token 401, unknown event 404', async () => {
    const e = await createEvent(base, org.accessToken);
    const q = await askOk(e.eventId, diet);
    for (const [token, status, who] of [[org2.accessToken, 403, 'another organizer'], [att.accessToken, 403, 'an attendee'], [null, 401, 'anonymous']]) {
      assertProblem(await ask(e.eventId, company, token), status, `POST by ${who}`);
      assertProblem(await replace(e.eventId, q.questionId, company, token), status, `PUT by ${who}`);
      assertProblem(await remove(e.eventId, q.questionId, token), status, `DELETE by ${who}`);
    }
    assertProblem(await ask('no-such-event', diet), 404, 'POST to an unknown event');
    assert.deepEqual(await listed(e.eventId), [q], 'nothing changed');
    const audit = await databaseSql(srv, `SELECT COUNT(*) FROM audit_log WHERE subject_id = '${q.questionId}' AND action = 'question.created';`);
    assert.equal(audit.trim(), '1');
  });

  it('a cancelled event\'s questions no longer change (409), and are still read', async () => {
    const e = await createEvent(base, org.accessToken);
    const q = await askOk(e.eventId, diet);
    assert.equal((await api(base, 'DELETE', `/api/events/${e.eventId}`, { token: org.accessToken })).status, 200);
    assertProblem(await ask(e.eventId, company), 409, 'POST');
    assertProblem(await replace(e.eventId, q.questionId, company), 409, 'PUT');
    assertProblem(await remove(e.eventId, q.questionId), 409, 'DELETE');
    assert.deepEqual(await listed(e.eventId), [q]);
  });
});

describe('at most 50 questions per event', () => {
  it('the 51st is a 409 conflict; deleting one makes room again', async () => {
    const e = await createEvent(base, org.accessToken);
    const made = [];
    for (let i = 0; i < 50; i++) made.push(await askOk(e.eventId, { ...company, label: `Question ${i}` }));
    const r = await ask(e.eventId, { ...company, label: 'One too many' });
    assertProblem(r, 409, 'the 51st');
    assert.match(r.json.detail, /50/);
    assert.equal((await listed(e.eventId)).length, 50);
    assert.equal((await remove(e.eventId, made[7].questionId)).status, 204);
    await askOk(e.eventId, { ...company, label: 'Now there is room' });
    assert.equal((await listed(e.eventId)).length, 50);
  });
});

describe('a draft\'s questions', () => {
  it('are its organizer\'s alone until it is published (404 for anyone else, as the draft itself)', async () => {
    const e = await createEvent(base, org.accessToken, { status: 'draft' });
    const q = await askOk(e.eventId, diet);
    assert.deepEqual(await listed(e.eventId, org.accessToken), [q]);
    for (const [token, who] of [[null, 'anonymous'], [att.accessToken, 'an attendee'], [org2.accessToken, 'another organizer']]) {
      assertProblem(await api(base, 'GET', `/api/events/${e.eventId}/questions`, { token }), 404, `GET by ${who}`);
    }
    assertProblem(await ask(e.eventId, company, org2.accessToken), 404, 'POST by another organizer');
    assertProblem(await remove(e.eventId, q.questionId, org2.accessToken), 404, 'DELETE by another organizer');
    assertProblem(await api(base, 'GET', `/api/events/${e.eventId}/questions`, { token: 'not-a-token' }), 401, 'a bad token');
    assert.equal((await api(base, 'POST', `/api/events/${e.eventId}/publish`, { token: org.accessToken })).status, 200);
    assert.deepEqual(await listed(e.eventId), [q], 'published: anyone reads them');
  });
});

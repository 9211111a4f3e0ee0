// Draft events and an event's end (issue 14), black-box: a draft is 404 to everyone but its
// organizer everywhere (detail, listing, search, registration, scans and scan keys, staff,
// registrations and analytics, changes), the organizer sees, edits, cancels and publishes it,
// and once published it is everyone's and on sale. `endDate` is validated, kept, cleared, and
// becomes the DTEND of the confirmation's .ics. Runs on SQLite and on PostgreSQL (run.sh).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  startServer, api, signup, createEvent, eventBody, registerFor, registerOk, assertProblem, assertFieldError,
  futureDate, uniqueWord, verifyEmail, waitForMailIdle, collectPages,
} from './harness.mjs';
import { parseIcs, parseMail } from './support/smtp_peer.mjs';

/** "2027-01-06T19:00:00Z" → "20270106T190000Z" (iCalendar's UTC DATE-TIME). */
const icsUtc = (rfc3339) => rfc3339.replace(/[-:]/g, '').replace(/\.\d+/, '');

describe('draft events', () => {
  let srv, base, org, rival, att, door;

  before(async () => {
    srv = await startServer({ env: { ADMIT_ARGON2_MEMORY_KIB: '1024' } });
    base = srv.baseUrl;
    [org, rival, att, door] = await Promise.all([
      signup(base, 'organizer'), signup(base, 'organizer'), signup(base, 'attendee'), signup(base, 'attendee'),
    ]);
    await verifyEmail(base, org.email);
  });

  after(async () => {
    await srv?.stop();
  });

  const get = (id, token) => api(base, 'GET', `/api/events/${id}`, { token });
  /** The event ids of every page of a listing (`path` may carry a query). */
  const listed = async (path, token) => (await collectPages(base, path, token, { limit: 100 })).items.map((e) => e.eventId);

  it('a draft leaks nowhere until its organizer publishes it, then it is everyone\'s and on sale', async () => {
    const word = uniqueWord('draftword');
    const r = await api(base, 'POST', '/api/events', {
      token: org.accessToken, body: eventBody({ name: `Rehearsal ${word}`, price: 0, status: 'draft' }),
    });
    assert.equal(r.status, 201, r.text);
    const draft = r.json;
    assert.equal(draft.status, 'draft');
    const id = draft.eventId;

    // The organizer sees it: the detail and their own listing.
    const own = await get(id, org.accessToken);
    assert.equal(own.status, 200, own.text);
    assert.equal(own.json.status, 'draft');
    const mine = (await collectPages(base, '/api/me/events', org.accessToken, { limit: 100 })).items;
    assert.equal(mine.find((e) => e.eventId === id)?.status, 'draft', 'in the organizer\'s own listing, as a draft');

    // Nobody else learns it exists.
    for (const [who, token] of [['anonymous', undefined], ['an attendee', att.accessToken], ['another organizer', rival.accessToken]]) {
      assertProblem(await get(id, token), 404, `detail for ${who}`);
      assert.ok(!(await listed('/api/events', token)).includes(id), `listing for ${who}`);
      assert.deepEqual(await listed(`/api/events?q=${word}`, token), [], `search for ${who}`);
    }
    assert.ok(!(await listed('/api/me/events', rival.accessToken)).includes(id), 'another organizer\'s own listing');
    assertProblem(await registerFor(base, att.accessToken, id, 1), 404, 'registration by an attendee');
    assertProblem(await registerFor(base, rival.accessToken, id, 1), 404, 'registration by another organizer');
    for (const token of [att.accessToken, rival.accessToken]) {
      assertProblem(await api(base, 'POST', '/api/tickets/validate', { token, body: { qrCode: 'ADMIT-not-a-code', eventId: id } }),
        404, 'a scan naming the draft');
      assertProblem(await api(base, 'GET', `/api/events/${id}/scan-keys`, { token }), 404, 'scan keys');
    }
    for (const [method, path, body] of [
      ['GET', `/api/events/${id}/registrations`], ['GET', `/api/events/${id}/registrations?format=csv`],
      ['GET', `/api/events/${id}/analytics`], ['GET', `/api/events/${id}/staff`],
      ['POST', `/api/events/${id}/staff`, { email: door.email }],
      ['POST', `/api/events/${id}/scan-keys/rotate`],
      ['PUT', `/api/events/${id}`, { name: 'Taken over' }], ['DELETE', `/api/events/${id}`],
      ['POST', `/api/events/${id}/publish`],
    ]) {
      assertProblem(await api(base, method, path, { token: rival.accessToken, body }), 404, `${method} ${path} by another organizer`);
    }
    // Not on sale, even for its organizer; no door staff before it is public.
    assertProblem(await registerFor(base, org.accessToken, id, 1), 409, 'registration by its organizer');
    assertProblem(await api(base, 'POST', `/api/events/${id}/staff`, { token: org.accessToken, body: { email: door.email } }),
      409, 'inviting door staff to a draft');
    assert.deepEqual((await api(base, 'GET', '/api/me/staff-invitations', { token: door.accessToken })).json.items ?? [], [],
      'no invitation names the draft');
    assert.equal((await api(base, 'GET', `/api/events/${id}/scan-keys`, { token: org.accessToken })).status, 200,
      'its organizer may see its scan keys');
    const stats = await api(base, 'GET', `/api/events/${id}/analytics`, { token: org.accessToken });
    assert.equal(stats.status, 200, stats.text);
    const unchanged = await get(id, org.accessToken);
    assert.equal(unchanged.json.name, `Rehearsal ${word}`, 'nothing changed by the refused requests');
    assert.equal(unchanged.json.status, 'draft');

    // Published: everyone's, and on sale.
    const published = await api(base, 'POST', `/api/events/${id}/publish`, { token: org.accessToken });
    assert.equal(published.status, 200, published.text);
    assert.equal(published.json.status, 'published');
    assert.equal(published.json.eventId, id);
    const again = await api(base, 'POST', `/api/events/${id}/publish`, { token: org.accessToken });
    assert.equal(again.status, 200, 'publishing a published event changes nothing');
    assert.equal(again.json.updatedAt, published.json.updatedAt);
    assert.equal((await get(id)).json.status, 'published');
    assert.ok((await listed('/api/events')).includes(id), 'in the public listing');
    assert.deepEqual(await listed(`/api/events?q=${word}`), [id], 'found by search');
    const reg = await registerOk(base, att.accessToken, id, 1);
    assert.equal(reg.status, 'confirmed');
    const invited = await api(base, 'POST', `/api/events/${id}/staff`, { token: org.accessToken, body: { email: door.email } });
    assert.ok([200, 201].includes(invited.status), invited.text);
    // Other organizers are back to "not yours" rather than "not found".
    assertProblem(await api(base, 'GET', `/api/events/${id}/analytics`, { token: rival.accessToken }), 403, 'analytics');
    assertProblem(await api(base, 'POST', `/api/events/${id}/publish`, { token: rival.accessToken }), 403, 'publish');
  });

  it('the organizer edits and cancels a draft; a cancelled event is never published', async () => {
    const draft = await createEvent(base, org.accessToken, { status: 'draft' });
    const edited = await api(base, 'PUT', `/api/events/${draft.eventId}`, { token: org.accessToken, body: { name: 'Renamed draft', capacity: 7, maxPerAttendee: 2 } });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.json.name, 'Renamed draft');
    assert.equal(edited.json.capacity, 7);
    assert.equal(edited.json.status, 'draft', 'an edit does not publish');
    const cancelled = await api(base, 'DELETE', `/api/events/${draft.eventId}`, { token: org.accessToken });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.json.status, 'cancelled');
    assertProblem(await api(base, 'POST', `/api/events/${draft.eventId}/publish`, { token: org.accessToken }), 409, 'publish a cancelled event');
    assert.equal((await get(draft.eventId)).json.status, 'cancelled', 'a cancelled draft shows as cancelled, as any cancelled event');
    assertProblem(await api(base, 'POST', '/api/events/no-such-event/publish', { token: org.accessToken }), 404, 'unknown id');
    assertProblem(await api(base, 'POST', `/api/events/${draft.eventId}/publish`, { token: att.accessToken }), 403, 'attendees publish nothing');
    assertProblem(await api(base, 'POST', `/api/events/${draft.eventId}/publish`), 401, 'no token');
  });

  it('status on create is "draft" or "published" (the default); PUT cannot change it', async () => {
    const plain = await createEvent(base, org.accessToken);
    assert.equal(plain.status, 'published');
    assert.equal((await createEvent(base, org.accessToken, { status: 'published' })).status, 'published');
    for (const status of ['cancelled', 'Draft', '', 3, true]) {
      const r = await api(base, 'POST', '/api/events', { token: org.accessToken, body: eventBody({ status }) });
      assertFieldError(r, 'status', JSON.stringify(status));
    }
    const put = await api(base, 'PUT', `/api/events/${plain.eventId}`, { token: org.accessToken, body: { status: 'draft' } });
    assertFieldError(put, 'status', 'PUT');
    assert.equal((await get(plain.eventId)).json.status, 'published', 'nothing changed');
  });

  it('a bad token on an event\'s detail is 401, not an anonymous view', async () => {
    const e = await createEvent(base, org.accessToken);
    assertProblem(await api(base, 'GET', `/api/events/${e.eventId}`, { token: 'not-a-token' }), 401);
    assert.equal((await get(e.eventId)).status, 200);
  });

  it('endDate: optional, after the date, kept, changed and cleared', async () => {
    const date = futureDate(40);
    const end = futureDate(40, 3 * 3600);
    const without = await createEvent(base, org.accessToken, { date });
    assert.equal(without.endDate, null, 'null when unset');
    const e = await createEvent(base, org.accessToken, { date, endDate: end });
    assert.equal(e.endDate, end);
    assert.equal((await get(e.eventId)).json.endDate, end);

    for (const [endDate, what] of [[date, 'at the start'], [futureDate(39), 'before the start'], ['tomorrow', 'not RFC 3339'], [5, 'a number']]) {
      assertFieldError(await api(base, 'POST', '/api/events', { token: org.accessToken, body: eventBody({ date, endDate }) }),
        'endDate', what);
    }
    // A later start must not pass the end.
    assertFieldError(await api(base, 'PUT', `/api/events/${e.eventId}`, { token: org.accessToken, body: { date: futureDate(41) } }),
      'endDate', 'a start after the end');
    assert.equal((await get(e.eventId)).json.date, date, 'nothing changed');
    const later = futureDate(41, 3600);
    const moved = await api(base, 'PUT', `/api/events/${e.eventId}`, { token: org.accessToken, body: { date: futureDate(41), endDate: later } });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.endDate, later);
    const cleared = await api(base, 'PUT', `/api/events/${e.eventId}`, { token: org.accessToken, body: { endDate: null } });
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.json.endDate, null);
    assert.equal((await get(e.eventId)).json.endDate, null);
  });
});

describe('endDate in the confirmation\'s calendar file', () => {
  let srv, base;

  before(async () => {
    srv = await startServer({ env: { ADMIT_ARGON2_MEMORY_KIB: '1024' } });
    base = srv.baseUrl;
  });

  after(async () => {
    await srv?.stop();
  });

  /** The .ics of the confirmation of `registrationId`, from the .eml mailbox under DATA_DIR/mail. */
  async function confirmationIcs(registrationId) {
    await waitForMailIdle(base);
    const dir = join(srv.dataDir, 'mail');
    for (const f of (await readdir(dir)).filter((name) => name.endsWith('.eml'))) {
      const parsed = await parseMail(await readFile(join(dir, f)));
      if (!parsed.messageId?.startsWith(`<registration_confirmed.${registrationId}@`)) continue;
      const ics = parsed.attachments.filter((a) => a.contentType === 'text/calendar');
      assert.equal(ics.length, 1, 'one .ics');
      return parseIcs(ics[0].content).events[0];
    }
    throw new Error(`no confirmation for ${registrationId} in ${dir}`);
  }

  it('DTEND is the event\'s endDate, or two hours after the start without one', async () => {
    const [org, att] = await Promise.all([signup(base, 'organizer'), signup(base, 'attendee')]);
    const date = futureDate(20);
    const endDate = futureDate(21, 1800);  // the next day, half an hour later
    const ending = await createEvent(base, org.accessToken, { price: 0, date, endDate });
    const open = await createEvent(base, org.accessToken, { price: 0, date });

    const withEnd = await confirmationIcs((await registerOk(base, att.accessToken, ending.eventId, 1)).registrationId);
    assert.equal(withEnd.DTSTART, icsUtc(date));
    assert.equal(withEnd.DTEND, icsUtc(endDate), `DTEND is the endDate (${endDate})`);

    const withoutEnd = await confirmationIcs((await registerOk(base, att.accessToken, open.eventId, 1)).registrationId);
    const assumed = new Date(Date.parse(date) + 2 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    assert.equal(withoutEnd.DTEND, icsUtc(assumed), 'two hours after the start');
  });
});

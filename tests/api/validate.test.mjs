// Ticket validation at the door: valid once, already_used, invalid (tampered, forged, unknown),
// cancelled, wrong_event; who may scan (organizer, accepted staff of that event only); inviting staff.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as cryptoSign, randomBytes } from 'node:crypto';
import {
  startWithAccounts, api, signup, createEvent, assertProblem, assertFieldError, RFC3339, uniqueEmail,
  registerOk, parseQr, tamperQrSignature, base32String, verifyQrOffline, makeStaff,
  verifyEmail,
} from './harness.mjs';

let srv, base, org, org2, att, att2;

before(async () => {
  ({ srv, base, accounts: [org, org2, att, att2] } = await startWithAccounts(['organizer', 'organizer', 'attendee', 'attendee'], { env: { ADMIT_ARGON2_MEMORY_KIB: '1024' } }));
});

after(async () => {
  await srv?.stop();
});

const freeEvent = (token = org.accessToken, over = {}) => createEvent(base, token, { price: 0, ...over });
const validate = (token, body) => api(base, 'POST', '/api/tickets/validate', { token, body });
const getTicket = async (id, token = att.accessToken) => {
  const r = await api(base, 'GET', `/api/tickets/${id}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const invite = (eventId, email, token = org.accessToken) =>
  api(base, 'POST', `/api/events/${eventId}/staff`, { token, body: { email } });
const accept = (invitationId, token) => api(base, 'POST', `/api/staff-invitations/${invitationId}/accept`, { token });

/** A fresh access token for `who` (so role changes are certainly in it). */
async function freshToken(who) {
  const r = await api(base, 'POST', '/api/auth/login', { body: { email: who.email, password: who.password } });
  assert.equal(r.status, 200, r.text);
  return r.json.accessToken;
}

async function ticketFor(eventId, token = att.accessToken) {
  return (await registerOk(base, token, eventId, 1)).tickets[0];
}

/** Asserts the ticket was not admitted by what just happened: still valid, and the organizer can admit it once. */
async function assertStillValid(t, msg) {
  const g = await getTicket(t.ticketId, org.accessToken);
  assert.equal(g.status, 'valid', `${msg}: ticket should still be valid: ${JSON.stringify(g)}`);
  assert.equal(g.validatedAt, null, msg);
}

describe('POST /api/tickets/validate', () => {
  it('valid once, then already_used with the first validation time', async () => {
    const e = await freeEvent();
    const t = await ticketFor(e.eventId);
    const first = await validate(org.accessToken, { qrCode: t.qrCode });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.result, 'valid');
    assert.match(first.json.validatedAt, RFC3339);
    assert.ok(Math.abs(Date.parse(first.json.validatedAt) - Date.now()) < 60_000);
    assert.equal(first.json.ticket.ticketId, t.ticketId);
    assert.equal(first.json.ticket.eventId, e.eventId);
    assert.equal(first.json.ticket.holderName, att.name);
    assert.equal(first.json.ticket.status, 'used');
    assert.equal(first.json.ticket.validatedAt, first.json.validatedAt);

    await new Promise((r) => setTimeout(r, 1100));
    for (let i = 0; i < 2; i++) {
      const again = await validate(org.accessToken, { qrCode: t.qrCode, eventId: e.eventId });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.json.result, 'already_used');
      assert.equal(again.json.validatedAt, first.json.validatedAt, 'the first validation time');
      assert.equal(again.json.ticket.ticketId, t.ticketId);
    }
    const g = await getTicket(t.ticketId);
    assert.equal(g.status, 'used');
    assert.equal(g.validatedAt, first.json.validatedAt);
  });

  it('eventId naming the ticket\'s own event is fine', async () => {
    const e = await freeEvent();
    const t = await ticketFor(e.eventId);
    const r = await validate(org.accessToken, { qrCode: t.qrCode, eventId: e.eventId });
    assert.equal(r.json?.result, 'valid', r.text);
  });

  it('a tampered signature is invalid and does not use the ticket', async () => {
    const e = await freeEvent();
    const t = await ticketFor(e.eventId);
    for (const idx of [86, 120, 150, 187]) {
      const bad = tamperQrSignature(t.qrCode, idx);
      assert.notEqual(bad, t.qrCode);
      const r = await validate(org.accessToken, { qrCode: bad });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.result, 'invalid', `index ${idx}: ${r.text}`);
      assert.ok(!r.json.ticket, `no ticket disclosed for a forged signature: ${r.text}`);
    }
    await assertStillValid(t, 'after tampered scans');
    assert.equal((await validate(org.accessToken, { qrCode: t.qrCode })).json.result, 'valid');
  });

  it('a payload re-signed with a key that is not the event\'s is invalid (forgery)', async () => {
    const e = await freeEvent();
    const t = await ticketFor(e.eventId);
    const p = parseQr(t.qrCode);
    const { privateKey } = generateKeyPairSync('ed25519');
    const sig = cryptoSign(null, p.signed, privateKey);
    const forged = `A${base32String(Buffer.concat([p.signed, sig]))}`;
    assert.equal(forged.length, t.qrCode.length);
    const r = await validate(org.accessToken, { qrCode: forged });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.result, 'invalid', r.text);
    await assertStillValid(t, 'after a forged scan');
  });

  it('an unknown ticket id (even correctly shaped) is invalid', async () => {
    const e = await freeEvent();
    const t = await ticketFor(e.eventId);
    const p = parseQr(t.qrCode);
    const bytes = Buffer.from(p.bytes);
    randomBytes(16).copy(bytes, 5); // another ticket id, signature no longer matches
    const r = await validate(org.accessToken, { qrCode: `A${base32String(bytes)}` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.result, 'invalid', r.text);
  });

  it('a code altered to name another event is invalid, never wrong_event or 403', async () => {
    const e = await freeEvent();
    const mine = await freeEvent();
    const theirs = await freeEvent(org2.accessToken);
    const t = await ticketFor(e.eventId);
    const p = parseQr(t.qrCode);
    for (const target of [mine, theirs]) {
      const bytes = Buffer.from(p.bytes);
      Buffer.from(target.eventId, 'base64url').copy(bytes, 21); // the payload now names `target`
      const altered = `A${base32String(bytes)}`;
      for (const body of [{ qrCode: altered }, { qrCode: altered, eventId: e.eventId }]) {
        const r = await validate(org.accessToken, body);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.result, 'invalid', `${JSON.stringify(Object.keys(body))}: ${r.text}`);
        assert.ok(!r.json.ticket, r.text);
      }
    }
    await assertStillValid(t, 'after altered scans');
  });

  it('another ticket\'s authentic code under this ticket\'s id is invalid', async () => {
    const e = await freeEvent();
    const reg = await registerOk(base, att.accessToken, e.eventId, 2);
    const [first, second] = reg.tickets;
    const p = parseQr(first.qrCode);
    const q = parseQr(second.qrCode);
    // The first ticket's id with the second ticket's signature: each part authentic alone.
    const mixed = `A${base32String(Buffer.concat([p.signed, q.signature]))}`;
    const r = await validate(org.accessToken, { qrCode: mixed });
    assert.equal(r.json?.result, 'invalid', r.text);
    await assertStillValid(first, 'after a mixed code');
    await assertStillValid(second, 'after a mixed code');
  });

  for (const qrCode of ['hello', 'A', 'AAAA', 'a'.repeat(189), 'A' + '0'.repeat(188), 'A'.repeat(189), '']) {
    it(`garbage qrCode ${JSON.stringify(qrCode.slice(0, 12))}… → invalid (or a 400 problem)`, async () => {
      const r = await validate(org.accessToken, { qrCode });
      if (r.status === 400) {
        assertProblem(r, 400, 'garbage qrCode');
      } else {
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.result, 'invalid', r.text);
      }
    });
  }

  it('a cancelled registration\'s ticket → cancelled, and stays unusable', async () => {
    const e = await freeEvent();
    const reg = await registerOk(base, att.accessToken, e.eventId, 1);
    const t = reg.tickets[0];
    const c = await api(base, 'POST', `/api/registrations/${reg.registrationId}/cancel`, { token: att.accessToken });
    assert.equal(c.status, 200, c.text);
    for (let i = 0; i < 2; i++) {
      const r = await validate(org.accessToken, { qrCode: t.qrCode });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.result, 'cancelled', r.text);
    }
    const g = await getTicket(t.ticketId);
    assert.equal(g.status, 'cancelled');
    assert.equal(g.validatedAt, null);
  });

  it('cancelling the event (DELETE) voids its tickets', async () => {
    const e = await freeEvent();
    const t = await ticketFor(e.eventId);
    assert.equal((await api(base, 'DELETE', `/api/events/${e.eventId}`, { token: org.accessToken })).status, 200);
    assert.equal((await getTicket(t.ticketId)).status, 'cancelled');
    const r = await validate(org.accessToken, { qrCode: t.qrCode });
    assert.equal(r.json?.result, 'cancelled', r.text);
  });

  it('wrong_event when the scanner names another of the caller\'s events; the ticket stays valid', async () => {
    const e1 = await freeEvent();
    const e2 = await freeEvent();
    const t = await ticketFor(e1.eventId);
    const r = await validate(org.accessToken, { qrCode: t.qrCode, eventId: e2.eventId });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.result, 'wrong_event', r.text);
    await assertStillValid(t, 'after wrong_event');
    assert.equal((await validate(org.accessToken, { qrCode: t.qrCode, eventId: e1.eventId })).json.result, 'valid');
  });

  it('another organizer gets 403 (with or without eventId) and the ticket stays valid', async () => {
    const e = await freeEvent();
    const own = await freeEvent(org2.accessToken);
    const t = await ticketFor(e.eventId);
    assertProblem(await validate(org2.accessToken, { qrCode: t.qrCode }), 403, 'other organizer');
    const named = await validate(org2.accessToken, { qrCode: t.qrCode, eventId: e.eventId });
    assertProblem(named, 403, 'other organizer naming the event');
    const r = await validate(org2.accessToken, { qrCode: t.qrCode, eventId: own.eventId });
    assert.ok(r.status === 403 || (r.status === 200 && r.json.result === 'wrong_event'), `${r.status} ${r.text}`);
    await assertStillValid(t, 'after another organizer scanned');
  });

  it('an attendee (even the holder) gets 403 and the ticket stays valid; 401 anonymous', async () => {
    const e = await freeEvent();
    const t = await ticketFor(e.eventId);
    assertProblem(await validate(att.accessToken, { qrCode: t.qrCode }), 403, 'holder');
    assertProblem(await validate(att2.accessToken, { qrCode: t.qrCode }), 403, 'another attendee');
    assertProblem(await validate(undefined, { qrCode: t.qrCode }), 401, 'anonymous');
    await assertStillValid(t, 'after attendees scanned');
  });

  it('400 for a missing or non-string qrCode, an unknown field, malformed JSON', async () => {
    assertFieldError(await validate(org.accessToken, {}), 'qrCode', 'missing');
    assertFieldError(await validate(org.accessToken, { qrCode: 42 }), 'qrCode', 'number');
    assertFieldError(await validate(org.accessToken, { qrCode: null }), 'qrCode', 'null');
    const e = await freeEvent();
    const t = await ticketFor(e.eventId);
    assertFieldError(await validate(org.accessToken, { qrCode: t.qrCode, force: true }), 'force', 'unknown field');
    assertFieldError(await validate(org.accessToken, { qrCode: t.qrCode, eventId: 7 }), 'eventId', 'numeric eventId');
    assertProblem(await api(base, 'POST', '/api/tickets/validate', { token: org.accessToken, rawBody: '{"qrCode":' }), 400, 'malformed');
    await assertStillValid(t, 'after bad requests');
  });

  it('a cancelled ticket reports cancelled even after it was used', async () => {
    // Organizer cancels a registration whose ticket was already scanned: the answer must not be "valid".
    const e = await freeEvent();
    const reg = await registerOk(base, att.accessToken, e.eventId, 1);
    const t = reg.tickets[0];
    assert.equal((await validate(org.accessToken, { qrCode: t.qrCode })).json.result, 'valid');
    // The holder may not cancel a used registration; the organizer may, giving a reason.
    const holder = await api(base, 'POST', `/api/registrations/${reg.registrationId}/cancel`, { token: att.accessToken });
    assertProblem(holder, 409, 'the holder cancelling a used registration');
    assert.equal(holder.json.type, 'urn:admit:problem:cancellation-closed');
    const c = await api(base, 'POST', `/api/registrations/${reg.registrationId}/cancel`,
      { token: org.accessToken, body: { reason: 'Scanned by mistake' } });
    assert.equal(c.status, 200, c.text);
    const r = await validate(org.accessToken, { qrCode: t.qrCode });
    assert.ok(['cancelled', 'already_used'].includes(r.json?.result), r.text);
  });
});

describe('door staff by invitation (POST /api/events/{id}/staff, then accept)', () => {
  it('accepted staff validate this event\'s tickets only', async () => {
    const e1 = await freeEvent();
    const e2 = await freeEvent();
    const staff = await signup(base, 'attendee');
    await verifyEmail(base, staff.email);
    const r = await invite(e1.eventId, staff.email);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.eventId, e1.eventId);
    assert.equal(r.json.email, staff.email);
    assert.equal(r.json.status, 'invited');
    assert.equal(r.json.userId, undefined, 'no user id');
    assert.equal(r.json.name, undefined, 'no name');
    const t1 = await ticketFor(e1.eventId);
    const t2 = await ticketFor(e2.eventId);
    assertProblem(await validate(staff.accessToken, { qrCode: t1.qrCode }), 403, 'invited, not yet accepted');
    await assertStillValid(t1, 'scanned before accepting');
    assert.equal((await accept(r.json.invitationId, staff.accessToken)).status, 200);

    const v = await validate(staff.accessToken, { qrCode: t1.qrCode });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.result, 'valid');
    assert.equal((await validate(staff.accessToken, { qrCode: t1.qrCode, eventId: e1.eventId })).json.result, 'already_used');

    assertProblem(await validate(staff.accessToken, { qrCode: t2.qrCode }), 403, 'staff of e1 scanning an e2 ticket');
    assertProblem(await validate(staff.accessToken, { qrCode: t2.qrCode, eventId: e2.eventId }), 403, 'staff naming e2');
    const atDoor = await validate(staff.accessToken, { qrCode: t2.qrCode, eventId: e1.eventId });
    assert.ok(atDoor.status === 403 || (atDoor.status === 200 && atDoor.json.result === 'wrong_event'),
      `an e2 ticket at e1's door: ${atDoor.status} ${atDoor.text}`);
    await assertStillValid(t2, 'e2 ticket after e1 staff scanned it');

    const keys = await api(base, 'GET', `/api/events/${e1.eventId}/scan-keys`, { token: staff.accessToken });
    assert.equal(keys.status, 200, keys.text);
    assert.ok(verifyQrOffline(t1.qrCode, keys.json.keys), 'staff can verify offline');
    assertProblem(await api(base, 'GET', `/api/events/${e2.eventId}/scan-keys`, { token: staff.accessToken }), 403, 'staff, other event keys');
  });

  it('accepting takes effect at once, with the token the person already had and with a fresh one', async () => {
    const e = await freeEvent();
    const staff = await signup(base, 'attendee');
    const t = await ticketFor(e.eventId);
    assertProblem(await validate(staff.accessToken, { qrCode: t.qrCode }), 403, 'not staff yet');
    await makeStaff(base, org.accessToken, e.eventId, staff);
    const v = await validate(staff.accessToken, { qrCode: t.qrCode });
    assert.equal(v.status, 200, `staff with the token they already had: ${v.status} ${v.text}`);
    assert.equal(v.json.result, 'valid');
    const k = await api(base, 'GET', `/api/events/${e.eventId}/scan-keys`, { token: await freshToken(staff) });
    assert.equal(k.status, 200, `scan keys with a fresh token: ${k.status} ${k.text}`);
  });

  it('staff may not read the organizer\'s lists, rotate keys or invite staff', async () => {
    const e = await freeEvent();
    const staff = await signup(base, 'attendee');
    await makeStaff(base, org.accessToken, e.eventId, staff);
    staff.accessToken = await freshToken(staff);
    assertProblem(await api(base, 'GET', `/api/events/${e.eventId}/registrations`, { token: staff.accessToken }), 403, 'staff list');
    assertProblem(await api(base, 'GET', `/api/events/${e.eventId}/analytics`, { token: staff.accessToken }), 403, 'staff analytics');
    assertProblem(await api(base, 'GET', `/api/events/${e.eventId}/staff`, { token: staff.accessToken }), 403, 'staff, staff list');
    assertProblem(await api(base, 'POST', `/api/events/${e.eventId}/scan-keys/rotate`, { token: staff.accessToken }), 403, 'staff rotate');
    const other = await signup(base, 'attendee');
    assertProblem(await invite(e.eventId, other.email, staff.accessToken), 403, 'staff inviting staff');
  });

  it('an organizer can be staff of another organizer\'s event', async () => {
    const e = await freeEvent();
    await makeStaff(base, org.accessToken, e.eventId, org2);
    const t = await ticketFor(e.eventId);
    assert.equal((await validate(org2.accessToken, { qrCode: t.qrCode })).json?.result, 'valid');
  });

  it('403 for another organizer or an attendee; 401 anonymous; 404 unknown event; 400 naming email', async () => {
    const e = await freeEvent();
    const someone = await signup(base, 'attendee');
    assertProblem(await invite(e.eventId, someone.email, org2.accessToken), 403, 'other organizer');
    assertProblem(await invite(e.eventId, someone.email, att.accessToken), 403, 'attendee');
    assertProblem(await api(base, 'POST', `/api/events/${e.eventId}/staff`, { body: { email: someone.email } }), 401, 'anonymous');
    assertProblem(await invite('AAAAAAAAAAAAAAAAAAAAAA', someone.email), 404, 'unknown event');
    assertFieldError(await api(base, 'POST', `/api/events/${e.eventId}/staff`, { token: org.accessToken, body: {} }), 'email', 'missing email');
    for (const bad of ['not-an-address', 'a@b', '', 'two@@example.com', 'x'.repeat(250) + '@example.com']) {
      assertFieldError(await invite(e.eventId, bad), 'email', `email ${JSON.stringify(bad).slice(0, 40)}`);
    }
    assertFieldError(await api(base, 'POST', `/api/events/${e.eventId}/staff`, { token: org.accessToken, body: { email: 7 } }), 'email', 'a number');
    assertFieldError(await api(base, 'POST', `/api/events/${e.eventId}/staff`,
      { token: org.accessToken, body: { email: someone.email, userId: someone.user.userId } }), 'userId', 'an unknown field');
    // None of those invited anybody, nor made `someone` staff.
    assert.deepEqual((await api(base, 'GET', `/api/events/${e.eventId}/staff`, { token: org.accessToken })).json, { items: [] });
    assert.deepEqual((await api(base, 'GET', '/api/me/staff-invitations', { token: someone.accessToken })).json, { items: [] });
    const t = await ticketFor(e.eventId);
    assertProblem(await validate(someone.accessToken, { qrCode: t.qrCode }), 403, 'not staff');
    await assertStillValid(t, 'after a non-staff scan');
  });

  it('inviting the same address again returns the open invitation, and accepting twice keeps them staff', async () => {
    const e = await freeEvent();
    const staff = await signup(base, 'attendee');
    await verifyEmail(base, staff.email);
    const first = await invite(e.eventId, staff.email);
    assert.equal(first.status, 201, first.text);
    const again = await invite(e.eventId, `  ${staff.email.toUpperCase()} `);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.invitationId, first.json.invitationId);
    assert.equal((await accept(first.json.invitationId, staff.accessToken)).status, 200);
    const twice = await accept(first.json.invitationId, staff.accessToken);
    assert.equal(twice.status, 200, twice.text);
    assert.equal(twice.json.status, 'active');
    const afterAccept = await invite(e.eventId, staff.email);
    assert.equal(afterAccept.status, 200, afterAccept.text);
    assert.equal(afterAccept.json.status, 'active');
    assert.equal((await api(base, 'GET', `/api/events/${e.eventId}/staff`, { token: org.accessToken })).json.items.length, 1);
    const t = await ticketFor(e.eventId);
    assert.equal((await validate(await freshToken(staff), { qrCode: t.qrCode })).json?.result, 'valid');
  });
});

// Door staff by invitation (issue 11, defect 6): inviting reveals nothing about the address (no
// account oracle, no name or user id before acceptance), only the person signed in with the
// invited address can accept, declining and expiry (14 days) end an invitation, removal takes
// the right to scan away at once, and no global role is ever granted — not even by a token that
// still names the retired `staff` role.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import {
  startWithAccounts, api, signup, createEvent, assertProblem, registerOk, uniqueEmail, makeStaff, databaseSql,
  verifyEmail, importJose, admitBin, RFC3339,
} from './harness.mjs';

let srv, base, org, org2, att;

before(async () => {
  ({ srv, base, accounts: [org, org2, att] } = await startWithAccounts(['organizer', 'organizer', 'attendee'], { env: { ADMIT_ARGON2_MEMORY_KIB: '1024' } }));
});

after(async () => {
  await srv?.stop();
});

const freeEvent = (token = org.accessToken) => createEvent(base, token, { price: 0 });
const invite = (eventId, email, token = org.accessToken) =>
  api(base, 'POST', `/api/events/${eventId}/staff`, { token, body: { email } });
const accept = (id, token) => api(base, 'POST', `/api/staff-invitations/${id}/accept`, { token });
const decline = (id, token) => api(base, 'POST', `/api/staff-invitations/${id}/decline`, { token });
const remove = (eventId, id, token = org.accessToken) => api(base, 'DELETE', `/api/events/${eventId}/staff/${id}`, { token });
const staffList = async (eventId) => {
  const r = await api(base, 'GET', `/api/events/${eventId}/staff`, { token: org.accessToken });
  assert.equal(r.status, 200, r.text);
  return r.json.items;
};
const myInvitations = async (token) => {
  const r = await api(base, 'GET', '/api/me/staff-invitations', { token });
  assert.equal(r.status, 200, r.text);
  return r.json.items;
};
const scan = (token, qrCode, eventId) => api(base, 'POST', '/api/tickets/validate', { token, body: { qrCode, eventId } });
const ticketFor = async (eventId) => (await registerOk(base, att.accessToken, eventId, 1)).tickets[0];
const me = async (token) => {
  const r = await api(base, 'GET', '/api/me', { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const login = async (who) => {
  const r = await api(base, 'POST', '/api/auth/login', { body: { email: who.email, password: who.password } });
  assert.equal(r.status, 200, r.text);
  return r.json.accessToken;
};
const audited = async (action, subject) =>
  Number((await databaseSql(srv, `SELECT COUNT(*) FROM audit_log WHERE action = '${action}' AND subject_id = '${subject}';`)).trim());

describe('inviting reveals nothing about the address', () => {
  it('the same reply for an address with an account and one without: no name, no user id', async () => {
    const e = await freeEvent();
    const person = await signup(base, 'attendee');
    const nobody = uniqueEmail();
    const known = await invite(e.eventId, person.email);
    const unknown = await invite(e.eventId, nobody);
    assert.equal(known.status, 201, known.text);
    assert.equal(unknown.status, 201, unknown.text);
    for (const [r, email] of [[known, person.email], [unknown, nobody]]) {
      assert.deepEqual(Object.keys(r.json).sort(), ['email', 'eventId', 'expiresAt', 'invitationId', 'status']);
      assert.equal(r.json.email, email);
      assert.equal(r.json.status, 'invited');
      assert.equal(r.json.eventId, e.eventId);
      assert.match(r.json.expiresAt, RFC3339);
      assert.ok(!r.text.includes(person.user.userId) && !r.text.includes(person.name), r.text);
    }
    assert.equal(known.headers.get('content-type'), unknown.headers.get('content-type'));
    // Fourteen days, by the server's clock.
    const days = (Date.parse(known.json.expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 13.99 && days <= 14.001, `expires in ${days} days`);

    const listed = await staffList(e.eventId);
    assert.deepEqual(listed.map((i) => i.email).sort(), [person.email, nobody].sort());
    for (const item of listed) {
      assert.deepEqual(Object.keys(item).sort(), ['email', 'eventId', 'expiresAt', 'invitationId', 'invitedAt', 'status']);
    }
    assert.ok(!JSON.stringify(listed).includes(person.user.userId));
    assert.equal(await audited('staff.invited', known.json.invitationId), 1);
  });

  it('a name appears only once the person accepted', async () => {
    const e = await freeEvent();
    const person = await signup(base, 'attendee');
    await verifyEmail(base, person.email);
    const r = await invite(e.eventId, person.email);
    assert.equal((await staffList(e.eventId))[0].name, undefined);
    assert.equal((await accept(r.json.invitationId, person.accessToken)).status, 200);
    const [item] = await staffList(e.eventId);
    assert.equal(item.status, 'active');
    assert.equal(item.name, person.name);
    assert.equal(item.userId, undefined);
  });
});

describe('accepting', () => {
  it('is for the account with the invited address only: anyone else gets 404, as for no invitation', async () => {
    const e = await freeEvent();
    const person = await signup(base, 'attendee');
    const intruder = await signup(base, 'attendee');
    const r = await invite(e.eventId, person.email);
    const id = r.json.invitationId;
    const wrong = await accept(id, intruder.accessToken);
    const none = await accept('AAAAAAAAAAAAAAAAAAAAAA', intruder.accessToken);
    assertProblem(wrong, 404, 'another account');
    assertProblem(none, 404, 'no such invitation');
    assert.equal(wrong.json.detail, none.json.detail, 'the same answer as for no invitation');
    assertProblem(await accept(id, org.accessToken), 404, 'the organizer who invited');
    assertProblem(await decline(id, intruder.accessToken), 404, 'another account declining');
    assertProblem(await accept(id), 401, 'anonymous');
    assert.deepEqual(await myInvitations(intruder.accessToken), []);
    const t = await ticketFor(e.eventId);
    assertProblem(await scan(intruder.accessToken, t.qrCode), 403, 'the intruder may not scan');
    // Still open for the right person.
    const mine = await myInvitations(person.accessToken);
    assert.deepEqual(mine.map((i) => [i.invitationId, i.eventId, i.eventName, i.status]), [[id, e.eventId, e.name, 'invited']]);
    await verifyEmail(base, person.email);
    const ok = await accept(id, person.accessToken);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json, { invitationId: id, eventId: e.eventId, status: 'active', eventName: e.name });
    assert.equal((await scan(person.accessToken, t.qrCode)).json?.result, 'valid');
    assert.equal(await audited('staff.accepted', id), 1);
  });

  it('the address is matched whatever its case, and an account made after the invitation can accept', async () => {
    const e = await freeEvent();
    const email = uniqueEmail();
    const r = await invite(e.eventId, email.toUpperCase());
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.email, email);
    const late = await signup(base, 'attendee', { email });
    await verifyEmail(base, email);
    const [mine] = await myInvitations(late.accessToken);
    assert.equal(mine.invitationId, r.json.invitationId);
    assert.equal((await accept(r.json.invitationId, late.accessToken)).status, 200);
  });

  it('grants no global role: GET /api/me and fresh tokens show the same roles as before', async () => {
    const e = await freeEvent();
    const person = await signup(base, 'attendee');
    const before = (await me(person.accessToken)).roles;
    await makeStaff(base, org.accessToken, e.eventId, person);
    assert.deepEqual((await me(person.accessToken)).roles, before);
    const fresh = await login(person);
    assert.deepEqual((await me(fresh)).roles, ['attendee']);
    const jose = await importJose();
    assert.deepEqual(jose.decodeJwt(fresh).roles, ['attendee'], 'the token carries no staff role');
    const orgBefore = (await me(org2.accessToken)).roles;
    await makeStaff(base, org.accessToken, e.eventId, org2);
    assert.deepEqual((await me(await login(org2))).roles, orgBefore);
  });
});

describe('declining', () => {
  it('ends the invitation: gone from both lists, cannot be accepted, may be invited again', async () => {
    const e = await freeEvent();
    const person = await signup(base, 'attendee');
    const { invitationId: id } = (await invite(e.eventId, person.email)).json;
    const r = await decline(id, person.accessToken);
    assert.equal(r.status, 204, r.text);
    assert.deepEqual(await myInvitations(person.accessToken), []);
    assert.deepEqual(await staffList(e.eventId), []);
    assertProblem(await accept(id, person.accessToken), 404, 'accepting a declined invitation');
    assertProblem(await decline(id, person.accessToken), 404, 'declining twice');
    const t = await ticketFor(e.eventId);
    assertProblem(await scan(person.accessToken, t.qrCode), 403, 'declined: no scanning');
    assert.equal(await audited('staff.declined', id), 1);
    const again = await invite(e.eventId, person.email);
    assert.equal(again.status, 201, again.text);
    assert.notEqual(again.json.invitationId, id);
  });

  it('an accepted invitation, declined, gives the right up at once', async () => {
    const e = await freeEvent();
    const person = await signup(base, 'attendee');
    const id = await makeStaff(base, org.accessToken, e.eventId, person);
    const [t1, t2] = [await ticketFor(e.eventId), await ticketFor(e.eventId)];
    assert.equal((await scan(person.accessToken, t1.qrCode, e.eventId)).json?.result, 'valid');
    assert.equal((await decline(id, person.accessToken)).status, 204);
    assertProblem(await scan(person.accessToken, t2.qrCode, e.eventId), 403, 'right after stepping down');
  });
});

describe('expiry', () => {
  // The server has no clock to move, and an invitation cannot be back-dated through the API, so
  // the test moves the invitation's own times 15 days into the past in the server's database.
  async function backdate(id) {
    const fifteenDays = 15 * 86400;
    await databaseSql(srv, `UPDATE staff_invitations SET invited_at = invited_at - ${fifteenDays}, ` +
      `expires_at = expires_at - ${fifteenDays} WHERE id = '${id}';`);
  }

  it('an invitation not accepted within 14 days cannot be accepted (410 invitation-expired) and is no longer listed', async () => {
    const e = await freeEvent();
    const person = await signup(base, 'attendee');
    await verifyEmail(base, person.email);
    const { invitationId: id } = (await invite(e.eventId, person.email)).json;
    await backdate(id);
    const r = await accept(id, person.accessToken);
    assertProblem(r, 410, 'expired');
    assert.equal(r.json.type, 'urn:admit:problem:invitation-expired');
    assert.deepEqual(await myInvitations(person.accessToken), []);
    assert.deepEqual(await staffList(e.eventId), []);
    const t = await ticketFor(e.eventId);
    assertProblem(await scan(person.accessToken, t.qrCode), 403, 'expired: no scanning');
    // Another account still learns nothing from an expired invitation.
    const other = await signup(base, 'attendee');
    assertProblem(await accept(id, other.accessToken), 404, 'someone else, expired invitation');
    // The organizer may invite the address again: a new invitation that works.
    const again = await invite(e.eventId, person.email);
    assert.equal(again.status, 201, again.text);
    assert.notEqual(again.json.invitationId, id);
    assert.equal((await accept(again.json.invitationId, person.accessToken)).status, 200);
    assert.equal((await scan(person.accessToken, t.qrCode)).json?.result, 'valid');
  });

  it('an accepted invitation does not expire', async () => {
    const e = await freeEvent();
    const person = await signup(base, 'attendee');
    const id = await makeStaff(base, org.accessToken, e.eventId, person);
    await backdate(id);
    const t = await ticketFor(e.eventId);
    assert.equal((await scan(person.accessToken, t.qrCode)).json?.result, 'valid');
    assert.equal((await staffList(e.eventId))[0].status, 'active');
  });
});

describe('removal', () => {
  it('takes the right to scan away at once, even right after a scan (the scan cache is dropped)', async () => {
    const e = await freeEvent();
    const person = await signup(base, 'attendee');
    const id = await makeStaff(base, org.accessToken, e.eventId, person);
    const [t1, t2, t3] = [await ticketFor(e.eventId), await ticketFor(e.eventId), await ticketFor(e.eventId)];
    assert.equal((await scan(person.accessToken, t1.qrCode, e.eventId)).json?.result, 'valid');
    assert.equal((await scan(person.accessToken, t2.qrCode)).json?.result, 'valid');
    const r = await remove(e.eventId, id);
    assert.equal(r.status, 204, r.text);
    assertProblem(await scan(person.accessToken, t3.qrCode, e.eventId), 403, 'naming the event, right after removal');
    assertProblem(await scan(person.accessToken, t3.qrCode), 403, 'without naming it');
    assertProblem(await api(base, 'GET', `/api/events/${e.eventId}/scan-keys`, { token: person.accessToken }), 403, 'keys');
    const events = await api(base, 'GET', '/api/me/staff-events', { token: person.accessToken });
    assert.deepEqual(events.json.items, []);
    assert.deepEqual(await staffList(e.eventId), []);
    assert.deepEqual(await myInvitations(person.accessToken), []);
    assertProblem(await accept(id, person.accessToken), 404, 'accepting a removed invitation');
    assert.equal((await scan(org.accessToken, t3.qrCode)).json?.result, 'valid', 't3 was never admitted');
    assert.equal(await audited('staff.removed', id), 1);
  });

  it('withdraws an open invitation; only the event\'s organizer may remove, and only through that event', async () => {
    const e = await freeEvent();
    const own = await freeEvent(org2.accessToken);
    const person = await signup(base, 'attendee');
    const { invitationId: id } = (await invite(e.eventId, person.email)).json;
    assertProblem(await remove(e.eventId, id, org2.accessToken), 403, 'another organizer');
    assertProblem(await remove(own.eventId, id, org2.accessToken), 404, 'through another event');
    assertProblem(await remove(e.eventId, id, person.accessToken), 403, 'the invited person');
    assertProblem(await api(base, 'DELETE', `/api/events/${e.eventId}/staff/${id}`), 401, 'anonymous');
    assertProblem(await remove(e.eventId, 'AAAAAAAAAAAAAAAAAAAAAA'), 404, 'no such invitation');
    assert.equal((await staffList(e.eventId)).length, 1);
    assert.equal((await remove(e.eventId, id)).status, 204);
    assertProblem(await remove(e.eventId, id), 404, 'removed twice');
    assertProblem(await accept(id, person.accessToken), 404, 'accepting a withdrawn invitation');
  });
});

describe('the retired global staff role', () => {
  /** An access token signed with the server's own key, as one issued before the role was retired. */
  async function tokenWithStaffRole(who) {
    const jose = await importJose();
    const real = jose.decodeJwt(who.accessToken);
    const header = jose.decodeProtectedHeader(who.accessToken);
    let seed;
    if (srv.databaseUrl && srv.databaseUrl.startsWith('postgres')) {
      seed = Buffer.from((await databaseSql(srv,
        "SELECT encode(value, 'base64') FROM instance_secrets WHERE name = 'jwt-signing-seed';")).replace(/\s/g, ''), 'base64');
    } else {
      seed = Buffer.from(JSON.parse(await readFile(join(srv.dataDir, 'jwt-signing-key.json'), 'utf8')).seed, 'base64url');
    }
    const jwks = (await api(base, 'GET', '/.well-known/jwks.json')).json;
    const pub = jwks.keys.find((k) => k.kid === header.kid);
    const key = await jose.importJWK({ kty: 'OKP', crv: 'Ed25519', x: pub.x, d: seed.toString('base64url') }, 'EdDSA');
    return new jose.SignJWT({ ...real, roles: ['attendee', 'staff'] }).setProtectedHeader(header).sign(key);
  }

  it('a token still naming `staff` is accepted but grants nothing', async () => {
    const e = await freeEvent();
    const person = await signup(base, 'attendee');
    const stale = await tokenWithStaffRole(person);
    const who = await me(stale);
    assert.deepEqual(who.roles, ['attendee']);
    const t = await ticketFor(e.eventId);
    assertProblem(await scan(stale, t.qrCode), 403, 'scan with a stale staff claim');
    assertProblem(await scan(stale, t.qrCode, e.eventId), 403, 'scan naming the event');
    assertProblem(await api(base, 'GET', `/api/events/${e.eventId}/scan-keys`, { token: stale }), 403, 'keys');
    const events = await api(base, 'GET', '/api/me/staff-events', { token: stale });
    assert.deepEqual(events.json.items, []);
  });

  it('`admit user role EMAIL staff` is refused with a message that says why', async () => {
    const person = await signup(base, 'attendee');
    const env = { ...process.env, ADMIT_DATA_DIR: srv.dataDir, ADMIT_LOG_LEVEL: 'warn' };
    if (srv.databaseUrl) env.ADMIT_DATABASE_URL = srv.databaseUrl;
    const run = (args) => new Promise((resolve) => {
      execFile(admitBin(), args, { env, encoding: 'utf8', timeout: 30_000 },
        (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
    });
    const r = await run(['user', 'role', person.email, 'staff']);
    assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /staff is no longer a role: door staff are invited per event/);
    assert.deepEqual((await me(await login(person))).roles, ['attendee']);
    const bad = await run(['user', 'role', person.email, 'superuser']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /ROLE must be attendee, organizer or admin/);
  });
});

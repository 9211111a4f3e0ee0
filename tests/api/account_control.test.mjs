// Who may still use a token: accounts that vanished, subjects that are not ids, roles revoked and
// accounts disabled from the command line (`admit user revoke | disable | enable`).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithAccounts, api, signup, assertProblem, eventBody, createEvent, PASSWORD } from './harness.mjs';
import { sql, admitCli, signedToken } from './account_helpers.mjs';

let srv, base;

before(async () => {
  ({ srv, base } = await startWithAccounts([]));
});

after(async () => {
  await srv?.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A 401 problem document that tells the client its token is no good (RFC 6750 §3.1). */
function assertInvalidToken(r, msg) {
  assertProblem(r, 401, msg);
  assert.equal(r.headers.get('retry-after'), null, `${msg}: a 401 is not to be retried as is`);
  assert.match(r.headers.get('www-authenticate') || '', /^Bearer\b.*\berror="invalid_token"/,
    `${msg}: WWW-Authenticate names invalid_token: ${r.headers.get('www-authenticate')}`);
}

/** Polls `probe` until it gives a status other than `from`; returns [reply, seconds waited]. */
async function waitForChange(probe, from, limitMs = 8000) {
  const start = Date.now();
  for (;;) {
    const r = await probe();
    if (r.status !== from || Date.now() - start > limitMs) return [r, (Date.now() - start) / 1000];
    await sleep(100);
  }
}

describe('tokens of accounts that no longer exist', () => {
  it('are refused with 401 invalid_token on every kind of route, never 503 or 500', async () => {
    const gone = await signup(base, 'organizer');
    const attendee = await signup(base, 'attendee');
    const host = await signup(base, 'organizer');
    const event = await createEvent(base, host.accessToken, { price: 0 });
    // Used once while the account exists, so a node that caches verified tokens has this one.
    assert.equal((await api(base, 'GET', '/api/me', { token: gone.accessToken })).status, 200);
    await sql(srv, `DELETE FROM users WHERE id = '${gone.user.userId}';`);

    const token = gone.accessToken;
    assertInvalidToken(await api(base, 'GET', '/api/me', { token }), 'GET /api/me');
    assertInvalidToken(await api(base, 'POST', '/api/events', { token, body: eventBody() }), 'POST /api/events');
    assertInvalidToken(await api(base, 'POST', '/api/registrations', { token, body: { eventId: event.eventId } }),
      'POST /api/registrations');
    assertInvalidToken(await api(base, 'GET', '/api/registrations', { token }), 'GET /api/registrations');
    assertInvalidToken(await api(base, 'GET', '/api/me/events', { token }), 'GET /api/me/events');
    assertInvalidToken(await api(base, 'POST', '/api/tickets/validate', { token, body: { qrCode: 'A' } }),
      'POST /api/tickets/validate');
    // The refresh token died with the account.
    assertProblem(await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: gone.refreshToken } }), 401,
      'refresh');
    // Nobody else is affected.
    assert.equal((await api(base, 'POST', '/api/registrations',
      { token: attendee.accessToken, body: { eventId: event.eventId } })).status, 201);
  });

  it('a token whose subject is not an account id is 401 invalid_token', async () => {
    const host = await signup(base, 'organizer');
    const event = await createEvent(base, host.accessToken, { price: 0 });
    for (const sub of ['not-an-id', 'x', '🙂', 'a'.repeat(300), "u' OR '1'='1"]) {
      const token = await signedToken(srv, { sub, roles: ['attendee', 'organizer'] });
      assertInvalidToken(await api(base, 'GET', '/api/me', { token }), `GET /api/me with sub ${sub}`);
      assertInvalidToken(await api(base, 'POST', '/api/registrations', { token, body: { eventId: event.eventId } }),
        `POST /api/registrations with sub ${sub}`);
      assertInvalidToken(await api(base, 'POST', '/api/events', { token, body: eventBody() }),
        `POST /api/events with sub ${sub}`);
    }
    // The same key and claims with a real subject work: only the subject made the difference.
    const token = await signedToken(srv, { sub: host.user.userId, roles: ['attendee', 'organizer'] });
    assert.equal((await api(base, 'GET', '/api/me', { token })).status, 200);
  });

  it('a token without credentials is 401 without an error code; a malformed one names invalid_token', async () => {
    const none = await api(base, 'GET', '/api/me');
    assertProblem(none, 401, 'no token');
    assert.doesNotMatch(none.headers.get('www-authenticate') || '', /error=/, 'no error code without a token');
    assert.match(none.headers.get('www-authenticate') || '', /^Bearer\b/);
    assertInvalidToken(await api(base, 'GET', '/api/me', { token: 'a.b.c' }), 'garbage token');
  });
});

describe('admit user revoke | disable | enable', () => {
  it('revoking organizer ends the sessions at once and the old token cannot create events within 5 s', async () => {
    const org = await signup(base, 'organizer');
    await createEvent(base, org.accessToken, { price: 0 });
    const cli = await admitCli(srv, ['user', 'revoke', org.email.toUpperCase(), 'organizer']);
    assert.equal(cli.code, 0, `admit user revoke: ${cli.stderr}`);
    assert.match(cli.stdout, /lost organizer.*roles: none/, cli.stdout);

    // The refresh token is dead at once, on every node (it is checked in the database).
    assertProblem(await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: org.refreshToken } }), 401,
      'refresh after revoke');
    const [r, waited] = await waitForChange(
      () => api(base, 'POST', '/api/events', { token: org.accessToken, body: eventBody({ price: 0 }) }), 201);
    assertInvalidToken(r, 'POST /api/events with a token from before the revoke');
    assert.ok(waited <= 5, `refused ${waited} s after the revoke`);
    // Signing in again gives a token with the roles the account has now.
    const login = await api(base, 'POST', '/api/auth/login', { body: { email: org.email, password: PASSWORD } });
    assert.equal(login.status, 200, login.text);
    assert.deepEqual(login.json.user.roles, []);
    assertProblem(await api(base, 'POST', '/api/events', { token: login.json.accessToken, body: eventBody() }), 403,
      'a fresh token of the account without organizer');
    assert.equal((await api(base, 'GET', '/api/me', { token: login.json.accessToken })).status, 200);
  });

  it('disable: login 401 account-disabled, refresh dead, old token refused within 5 s; enable: login works', async () => {
    const who = await signup(base, 'attendee');
    assert.equal((await api(base, 'GET', '/api/registrations', { token: who.accessToken })).status, 200);
    const cli = await admitCli(srv, ['user', 'disable', who.email]);
    assert.equal(cli.code, 0, `admit user disable: ${cli.stderr}`);
    assert.match(cli.stdout, /disabled/);

    const login = await api(base, 'POST', '/api/auth/login', { body: { email: who.email, password: PASSWORD } });
    assertProblem(login, 401, 'login of a disabled account with the right password');
    assert.equal(login.json.type, 'urn:admit:problem:account-disabled');
    const wrong = await api(base, 'POST', '/api/auth/login', { body: { email: who.email, password: 'not the password' } });
    assertProblem(wrong, 401, 'a wrong password for a disabled account');
    assert.equal(wrong.json.type, 'urn:admit:problem:invalid-credentials', 'only the right password learns "disabled"');
    assertProblem(await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: who.refreshToken } }), 401,
      'refresh of a disabled account');
    const [r, waited] = await waitForChange(() => api(base, 'GET', '/api/registrations', { token: who.accessToken }), 200);
    assertInvalidToken(r, 'GET /api/registrations with a token from before disable');
    assert.ok(waited <= 5, `refused ${waited} s after disable`);

    const enable = await admitCli(srv, ['user', 'enable', who.email]);
    assert.equal(enable.code, 0, `admit user enable: ${enable.stderr}`);
    const again = await api(base, 'POST', '/api/auth/login', { body: { email: who.email, password: PASSWORD } });
    assert.equal(again.status, 200, again.text);
    assert.equal((await api(base, 'GET', '/api/registrations', { token: again.json.accessToken })).status, 200);
    // A token refused stays refused: enabling does not bring back what disabling ended.
    assertInvalidToken(await api(base, 'GET', '/api/registrations', { token: who.accessToken }), 'the old token');
    assertProblem(await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: who.refreshToken } }), 401,
      'the old refresh token');
  });

  it('the commands name what is wrong: an unknown account, a missing argument, an unknown role', async () => {
    const unknown = await admitCli(srv, ['user', 'disable', 'nobody-here@example.com']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No account has this email/);
    const usage = await admitCli(srv, ['user', 'revoke', 'someone@example.com']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: admit user/);
    const role = await admitCli(srv, ['user', 'revoke', 'someone@example.com', 'emperor']);
    assert.equal(role.code, 2);
    assert.match(role.stderr, /ROLE must be/);
  });
});

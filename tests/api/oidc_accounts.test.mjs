// Accounts made by external sign-in, against a real OpenID provider (npm oidc-provider, started
// by support/oidc_admit.mjs as for oidc.test.mjs): GET /api/me says they have no password, and
// DELETE /api/me asks them for a fresh sign-in instead; a role an admin granted stays when the
// provider, which maps the same role, drops it; in resource-server mode the first token of a key
// the server has not seen waits for the key set off the I/O threads, so other requests are served
// meanwhile. Runs on SQLite, and on PostgreSQL with ADMIT_TEST_DATABASE_URL set.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { api, assertProblem, importJose, signup, eventBody, sleep } from './harness.mjs';
import { admitCli } from './account_helpers.mjs';
import { RESOURCE } from './support/oidc_provider.mjs';
import { startWithProvider } from './support/oidc_admit.mjs';

describe('accounts of the external provider', () => {
  let t;
  let people;
  let idp;
  let srv;
  let base;

  before(async () => {
    // One I/O thread: a request that blocked it would hold up every other one.
    t = await startWithProvider({ env: { ADMIT_THREADS: '1' } });
    ({ people, idp, srv, base } = t);
  });
  after(async () => {
    await t?.stop();
  });

  const person = (groups) => t.person(groups);
  const signIn = (login) => t.signIn(login);

  it('resource-server mode: a token of a key not yet seen waits for the key set without holding up other requests', async () => {
    // First in the file: the server has fetched no key set yet, so it may fetch one now (at most
    // once a minute otherwise). The person is linked on the token's first use.
    const login = person(['Organizers']);
    const local = await signup(base, 'attendee');
    const jose = await importJose();
    // A key the provider publishes from now on; the server has only the old set in its cache.
    const { privateKey, publicKey } = await jose.generateKeyPair('RS256');
    const jwk = { ...(await jose.exportJWK(publicKey)), kid: `new-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' };
    const now = Math.floor(Date.now() / 1000);
    const token = await new jose.SignJWT({
      iss: idp.issuer, sub: login, client_id: idp.clientId, aud: RESOURCE, iat: now, exp: now + 300,
      'cognito:groups': ['Organizers'],
    }).setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'at+jwt' }).sign(privateKey);

    const release = idp.holdJwks([jwk]);
    try {
      const first = api(base, 'GET', '/api/me', { token });
      await idp.jwksRequested();
      // While the key set's fetch hangs, the one I/O thread serves others, with and without tokens.
      const started = Date.now();
      const health = await api(base, 'GET', '/healthz');
      assert.equal(health.status, 200);
      const events = await api(base, 'GET', '/api/events');
      assert.equal(events.status, 200);
      const own = await api(base, 'GET', '/api/me', { token: local.accessToken });
      assert.equal(own.status, 200, "Admit's own tokens need no key set");
      assert.ok(Date.now() - started < 1500, `served in ${Date.now() - started} ms while the fetch hung`);
      // A second request with the same new key joins the fetch under way rather than starting one.
      const second = api(base, 'GET', '/api/me', { token });
      await sleep(200);
      assert.equal(idp.jwksRequests(), 1, 'one fetch for both');
      release();
      const [a, b] = await Promise.all([first, second]);
      assert.equal(a.status, 200, a.text);
      assert.equal(b.status, 200, b.text);
      assert.equal(a.json.userId, b.json.userId);
      assert.deepEqual(a.json.roles, ['organizer']);
    } finally {
      release();
    }
  });

  it('GET /api/me tells an account of the provider (no password) from a local one', async () => {
    const session = await signIn(person(['Attendees']));
    const me = await api(base, 'GET', '/api/me', { token: session.accessToken });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.hasPassword, false);
    const local = await signup(base, 'attendee');
    assert.equal((await api(base, 'GET', '/api/me', { token: local.accessToken })).json.hasPassword, true);
  });

  it('DELETE /api/me: an account without a password confirms by a fresh sign-in, not by an old session', async () => {
    const login = person(['Attendees']);
    const first = await signIn(login);
    // A token from a refresh proves a session, not that the person is at the keyboard now.
    const refreshed = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } });
    assert.equal(refreshed.status, 200, refreshed.text);
    const refused = await api(base, 'DELETE', '/api/me', { token: refreshed.json.accessToken });
    assertProblem(refused, 403);
    assert.match(refused.json.detail, /sign in again/i);
    assert.equal((await api(base, 'GET', '/api/me', { token: refreshed.json.accessToken })).json.name,
      people[login].name, 'nothing changed');
    // A password sent by someone guessing changes nothing either.
    assertProblem(await api(base, 'DELETE', '/api/me',
      { token: refreshed.json.accessToken, body: { password: 'anything at all' } }), 403);

    const fresh = await signIn(login);
    const erased = await api(base, 'DELETE', '/api/me', { token: fresh.accessToken });
    assert.equal(erased.status, 200, erased.text);
    assert.equal(erased.json.user.userId, first.user.userId);
    assert.equal(erased.json.user.name, 'Erased person');
  });

  it('a role an admin granted stays when the provider, which maps it too, drops it', async () => {
    const login = person(['Organizers']);
    const first = await signIn(login);
    assert.deepEqual(first.user.roles, ['organizer']);
    // The admin grants organizer in Admit as well (the command line and the console share the rule).
    const granted = await admitCli(srv, ['user', 'role', first.user.email, 'organizer']);
    assert.equal(granted.code, 0, granted.stderr);
    people[login].groups = ['Attendees'];
    const second = await signIn(login);
    assert.deepEqual(second.user.roles, ['attendee', 'organizer'], 'the provider took back only its own grant');
    const created = await api(base, 'POST', '/api/events', { token: second.accessToken, body: eventBody() });
    assert.equal(created.status, 201, created.text);
    // Once the admin revokes it, the provider alone decides again.
    const local = await signup(base, 'attendee');
    const admin = await admitCli(srv, ['user', 'role', local.email, 'admin']);
    assert.equal(admin.code, 0, admin.stderr);
    const root = await api(base, 'POST', '/api/auth/login', { body: { email: local.email, password: local.password } });
    const revoked = await api(base, 'POST', `/api/admin/users/${first.user.userId}/roles`,
      { token: root.json.accessToken, body: { revoke: ['organizer'] } });
    assert.equal(revoked.status, 200, revoked.text);
    people[login].groups = ['Organizers', 'Attendees'];
    assert.deepEqual((await signIn(login)).user.roles, ['attendee', 'organizer']);
    people[login].groups = ['Attendees'];
    assert.deepEqual((await signIn(login)).user.roles, ['attendee'], 'the provider granted it, the provider took it');
  });

});

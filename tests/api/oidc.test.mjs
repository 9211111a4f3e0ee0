// External sign-in against a real OpenID provider (npm oidc-provider, started here): the whole
// authorization-code flow with PKCE driven over HTTP, groups mapped to roles at every sign-in,
// the flow's state and the one-time code refused when replayed, returnTo kept inside the app,
// and the provider's JWT access tokens in resource-server mode. Runs on SQLite, and on
// PostgreSQL with ADMIT_TEST_DATABASE_URL set.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { api, admitBin, assertProblem, assertFieldError, importJose, signup, startServer, PASSWORD, eventBody } from './harness.mjs';
import { Browser, throughProvider, RESOURCE } from './support/oidc_provider.mjs';
import { startWithProvider } from './support/oidc_admit.mjs';

/** The fragment's parameters of a redirect into the web app. */
function fragment(location) {
  const u = new URL(location);
  return { path: u.pathname, params: new URLSearchParams(u.hash.slice(1)) };
}

describe('external sign-in through oidc-provider', () => {
  let t;
  let people;
  let idp;
  let srv;
  let base;

  before(async () => {
    t = await startWithProvider({ env: { ADMIT_OIDC_DISPLAY_NAME: 'Example Corp' } });
    ({ people, idp, srv, base } = t);
  });
  after(async () => {
    await t?.stop();
  });

  const person = (groups, extra) => t.person(groups, extra);
  const start = (returnTo) => t.start(returnTo);
  const callbackLanding = (login, returnTo) => t.callbackLanding(login, returnTo);
  const signIn = (login, returnTo) => t.signIn(login, returnTo);

  it('says it is on, with the issuer and the name for the button', async () => {
    const r = await api(base, 'GET', '/api/auth/oidc/config');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { enabled: true, issuer: idp.issuer, displayName: 'Example Corp' });
  });

  it('sends the browser to the provider with PKCE S256, a state and a nonce', async () => {
    const { providerUrl } = await start();
    const q = new URL(providerUrl).searchParams;
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('client_id'), idp.clientId);
    assert.equal(q.get('redirect_uri'), `${base}/api/auth/oidc/callback`);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    assert.ok(q.get('state').length >= 32 && q.get('nonce').length >= 32);
    assert.notEqual(q.get('state'), q.get('nonce'));
  });

  it('signs a person in with their groups as roles and their verified address', async () => {
    const login = person(['Organizers', 'Attendees', 'Unmapped']);
    const session = await signIn(login);
    assert.deepEqual(session.user.roles, ['attendee', 'organizer']);
    assert.equal(session.user.email, people[login].email);
    assert.equal(session.user.emailVerified, true);
    assert.equal(session.user.name, people[login].name);
    const me = await api(base, 'GET', '/api/me', { token: session.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.json.userId, session.user.userId);
    // The organizer role works: an event can be created.
    const created = await api(base, 'POST', '/api/events', { token: session.accessToken, body: eventBody() });
    assert.equal(created.status, 201, created.text);
    // Admit's refresh token works as after any log-in.
    const refreshed = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } });
    assert.equal(refreshed.status, 200);
  });

  it('an unverified address at the provider is not verified here', async () => {
    const login = person(['Attendees'], { email_verified: false });
    const session = await signIn(login);
    assert.equal(session.user.emailVerified, false);
  });

  it('maps the groups again at every sign-in: removed from Organizers, the role goes and its tokens end', async () => {
    const login = person(['Organizers']);
    const first = await signIn(login);
    assert.deepEqual(first.user.roles, ['organizer']);
    people[login].groups = ['Attendees'];
    const second = await signIn(login);
    assert.equal(second.user.userId, first.user.userId, 'the same account, linked by issuer and subject');
    assert.deepEqual(second.user.roles, ['attendee']);
    assertProblem(await api(base, 'POST', '/api/events', { token: second.accessToken, body: eventBody() }), 403);
    // What was issued under the old role no longer works.
    assertProblem(await api(base, 'GET', '/api/me', { token: first.accessToken }), 401);
    assertProblem(await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: first.refreshToken } }), 401);
  });

  it('keeps roles an admin granted in Admit across sign-ins', async () => {
    const login = person(['Attendees']);
    const first = await signIn(login);
    const env = { ...process.env, ADMIT_DATA_DIR: srv.dataDir, ADMIT_LOG_LEVEL: 'warn' };
    if (srv.databaseUrl) env.ADMIT_DATABASE_URL = srv.databaseUrl;
    const granted = await new Promise((resolve) => {
      execFile(admitBin(), ['user', 'role', first.user.email, 'organizer'], { env, encoding: 'utf8', timeout: 30_000 },
        (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
    });
    assert.equal(granted.code, 0, granted.stderr);
    people[login].groups = [];
    const second = await signIn(login);
    assert.deepEqual(second.user.roles, ['organizer'], 'the provider took attendee away; organizer was granted here');
  });

  it('never links a person to a local account by email', async () => {
    const local = await signup(base, 'organizer');
    const login = person(['Attendees'], { email: local.email });
    const session = await signIn(login);
    assert.notEqual(session.user.userId, local.user.userId);
    assert.notEqual(session.user.email, local.email);
    assert.match(session.user.email, /\.invalid$/);
    assert.deepEqual(session.user.roles, ['attendee']);
    // The local account is untouched and still signs in with its password.
    const relogin = await api(base, 'POST', '/api/auth/login', { body: { email: local.email, password: PASSWORD } });
    assert.equal(relogin.status, 200);
    assert.equal(relogin.json.user.userId, local.user.userId);
    assert.deepEqual(relogin.json.user.roles, ['organizer']);
  });

  it('refuses a replayed callback (the state works once) and a replayed code', async () => {
    const login = person(['Attendees']);
    const { landing, callback, browser } = await callbackLanding(login, '/');
    const replay = await browser.get(callback);
    assert.equal(replay.status, 302);
    assert.equal(fragment(replay.location).params.get('error'), 'invalid_state');
    assert.equal(fragment(replay.location).params.get('code'), null);

    const code = fragment(landing).params.get('code');
    const first = await api(base, 'POST', '/api/auth/oidc/exchange', { body: { code } });
    assert.equal(first.status, 200);
    assertFieldError(await api(base, 'POST', '/api/auth/oidc/exchange', { body: { code } }), 'code');
    assertFieldError(await api(base, 'POST', '/api/auth/oidc/exchange', { body: { code: 'made-up' } }), 'code');
    assertFieldError(await api(base, 'POST', '/api/auth/oidc/exchange', { body: {} }), 'code');
  });

  it('refuses a callback with a state it never issued', async () => {
    const r = await new Browser().get(`${base}/api/auth/oidc/callback?state=forged&code=whatever`);
    assert.equal(r.status, 302);
    assert.equal(fragment(r.location).params.get('error'), 'invalid_state');
    const none = await new Browser().get(`${base}/api/auth/oidc/callback`);
    assert.equal(fragment(none.location).params.get('error'), 'invalid_state');
  });

  it('tells the web app when the person declined at the provider', async () => {
    const login = person(['Attendees']);
    const { browser, providerUrl } = await start('/my-tickets');
    const callback = await throughProvider(browser, idp.issuer, providerUrl, 'deny');
    assert.match(callback, /error=access_denied/);
    const landing = await browser.get(callback);
    const { params } = fragment(landing.location);
    assert.equal(params.get('error'), 'access_denied');
    assert.equal(params.get('returnTo'), '/my-tickets');
    assert.equal(params.get('code'), null);
    void login;
  });

  it('refuses a code trade whose verifier or nonce do not belong to the flow', async () => {
    // Two flows in one browser: the code of the second presented with the state of the first.
    const login = person(['Attendees']);
    const a = await start('/');
    const b = await start('/');
    const stateA = new URL(a.providerUrl).searchParams.get('state');
    const callbackB = await throughProvider(b.browser, idp.issuer, b.providerUrl, login);
    const codeB = new URL(callbackB).searchParams.get('code');
    const mixed = await b.browser.get(`${base}/api/auth/oidc/callback?state=${encodeURIComponent(stateA)}&code=${encodeURIComponent(codeB)}`);
    assert.equal(fragment(mixed.location).params.get('error'), 'invalid_token');
  });

  it('keeps returnTo inside the app', async () => {
    for (const bad of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'events', '/a\\b', 'javascript:alert(1)']) {
      const r = await api(base, 'GET', `/api/auth/oidc/start?returnTo=${encodeURIComponent(bad)}`);
      assertFieldError(r, 'returnTo', bad);
    }
    const ok = await new Browser().get(`${base}/api/auth/oidc/start?returnTo=${encodeURIComponent('/events/abc?x=1')}`);
    assert.equal(ok.status, 302);
  });

  it('accepts the provider\'s JWT access tokens for the linked person, and not its ID tokens', async () => {
    const login = person(['Organizers']);
    const session = await signIn(login);
    // An API client of the same client id runs its own code flow for Admit's resource.
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirect = `${base}/api/auth/oidc/callback`;
    const authorize = new URL(`${idp.issuer}/auth`);
    Object.entries({
      response_type: 'code', client_id: idp.clientId, redirect_uri: redirect, scope: 'openid api', resource: RESOURCE,
      state: 'client-state', nonce: 'client-nonce', code_challenge: challenge, code_challenge_method: 'S256',
    }).forEach(([k, v]) => authorize.searchParams.set(k, v));
    const back = await throughProvider(new Browser(), idp.issuer, authorize.href, login);
    const code = new URL(back).searchParams.get('code');
    const tokenRes = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${idp.clientId}:${idp.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier: verifier, resource: RESOURCE }),
    });
    const tokens = await tokenRes.json();
    assert.equal(tokenRes.status, 200, JSON.stringify(tokens));
    assert.equal(tokens.access_token.split('.').length, 3, 'a JWT access token');

    const me = await api(base, 'GET', '/api/me', { token: tokens.access_token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.userId, session.user.userId);
    assert.deepEqual(me.json.roles, ['organizer']);
    const created = await api(base, 'POST', '/api/events', { token: tokens.access_token, body: eventBody() });
    assert.equal(created.status, 201, created.text);
    // The ID token names the client as its audience, but it is no access token.
    assertProblem(await api(base, 'GET', '/api/me', { token: tokens.id_token }), 401);
    // Admit's own tokens keep working beside them.
    assert.equal((await api(base, 'GET', '/api/me', { token: session.accessToken })).status, 200);
  });

  it('refuses forged and misdirected access tokens: none, HS256 with the public key, an unknown key, another client, expired', async () => {
    const login = person(['Organizers']);
    const session = await signIn(login);
    const jose = await importJose();
    const rsa = idp.keys.find((k) => k.kid === 'rsa-1');
    const providerKey = await jose.importJWK(rsa, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const claims = (extra = {}) => ({
      iss: idp.issuer, sub: login, client_id: idp.clientId, aud: RESOURCE, iat: now, exp: now + 300,
      'cognito:groups': ['Organizers'], ...extra,
    });
    const signed = (payload, key = providerKey, header = { alg: 'RS256', kid: 'rsa-1', typ: 'at+jwt' }) =>
      new jose.SignJWT(payload).setProtectedHeader(header).sign(key);
    const me = (token) => api(base, 'GET', '/api/me', { token });

    // The provider's own key, everything right: the forging path itself works.
    const good = await me(await signed(claims()));
    assert.equal(good.status, 200, good.text);
    assert.equal(good.json.userId, session.user.userId);

    const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    assertProblem(await me(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`), 401, 'alg none');
    const { d, p, q, dp, dq, qi, ...publicJwk } = rsa;
    const hmacKey = new TextEncoder().encode(JSON.stringify(publicJwk));
    assertProblem(await me(await signed(claims(), hmacKey, { alg: 'HS256', kid: 'rsa-1', typ: 'at+jwt' })), 401, 'HS256');
    const stranger = (await jose.generateKeyPair('RS256')).privateKey;
    assertProblem(await me(await signed(claims(), stranger, { alg: 'RS256', kid: 'rotated-out', typ: 'at+jwt' })), 401,
      'a key the provider does not publish');
    assertProblem(await me(await signed(claims(), stranger)), 401, 'the provider key id, another key');
    assertProblem(await me(await signed(claims({ client_id: 'another-client', aud: 'another-api' }))), 401, 'another client');
    assertProblem(await me(await signed(claims({ exp: now - 120, iat: now - 600 }))), 401, 'expired');
    assertProblem(await me(await signed(claims({ iss: 'https://evil.example' }))), 401, 'another issuer');
    assertProblem(await me(await signed(claims(), providerKey, { alg: 'RS256', kid: 'rsa-1' })), 401,
      'no typ at+jwt and no token_use: not an access token');
  });
});

describe('external sign-in, configured but off or unreachable', () => {
  it('without a provider: config says disabled, the flow routes are 404', async () => {
    const srv = await startServer();
    try {
      const r = await api(srv.baseUrl, 'GET', '/api/auth/oidc/config');
      assert.deepEqual(r.json, { enabled: false });
      assertProblem(await api(srv.baseUrl, 'GET', '/api/auth/oidc/start'), 404);
      assertProblem(await api(srv.baseUrl, 'POST', '/api/auth/oidc/exchange', { body: { code: 'x' } }), 404);
    } finally {
      await srv.stop();
    }
  });

  it('a provider that does not answer makes start a 503, and local accounts can be switched off', async () => {
    const srv = await startServer({
      env: {
        ADMIT_OIDC_ISSUER: 'http://127.0.0.1:9', // discard: nothing listens
        ADMIT_OIDC_CLIENT_ID: 'admit',
        ADMIT_LOCAL_ACCOUNTS: '0',
      },
    });
    try {
      assertProblem(await api(srv.baseUrl, 'GET', '/api/auth/oidc/start?returnTo=/'), 503);
      const body = { email: 'someone@example.com', password: PASSWORD, name: 'Someone' };
      assertProblem(await api(srv.baseUrl, 'POST', '/api/auth/signup', { body }), 403);
      assertProblem(await api(srv.baseUrl, 'POST', '/api/auth/login', { body: { email: body.email, password: PASSWORD } }), 403);
    } finally {
      await srv.stop();
    }
  });
});

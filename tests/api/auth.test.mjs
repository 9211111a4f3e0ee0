// Identity: signup, login, refresh rotation with reuse detection, logout, /api/me, auth rate limit.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, startWithAccounts, api, signup, uniqueEmail, assertProblem, assertFieldError, PASSWORD, RFC3339,
} from './harness.mjs';

let srv, base;

before(async () => {
  ({ srv, base } = await startWithAccounts([]));
});

after(async () => {
  await srv?.stop();
});

function assertUser(u, { email, name, role }) {
  assert.equal(typeof u.userId, 'string');
  assert.ok(u.userId.length > 0);
  assert.equal(u.email, email);
  assert.equal(u.name, name);
  assert.ok(Array.isArray(u.roles), `roles should be an array: ${JSON.stringify(u)}`);
  assert.ok(u.roles.includes(role), `roles should include ${role}: ${JSON.stringify(u.roles)}`);
  assert.ok(!u.roles.includes('admin'), 'a self-signup is never admin');
  assert.match(u.createdAt, RFC3339);
  assert.equal(u.password, undefined, 'no password in user');
  assert.equal(u.passwordHash, undefined, 'no password hash in user');
}

function assertTokenReply(j) {
  assert.equal(typeof j.accessToken, 'string');
  assert.equal(j.accessToken.split('.').length, 3, 'access token is a compact JWT');
  assert.equal(typeof j.refreshToken, 'string');
  assert.ok(j.refreshToken.length >= 16);
  assert.notEqual(j.refreshToken, j.accessToken);
  assert.equal(j.tokenType, 'Bearer');
  assert.equal(j.expiresIn, 900);
}

describe('signup', () => {
  it('creates an attendee: 201 with user and token pair', async () => {
    const email = uniqueEmail();
    const r = await api(base, 'POST', '/api/auth/signup',
      { body: { email, password: PASSWORD, name: 'Ada Attendee', role: 'attendee' } });
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assertUser(r.json.user, { email, name: 'Ada Attendee', role: 'attendee' });
    assert.ok(!r.json.user.roles.includes('organizer'));
    assertTokenReply(r.json);
  });

  it('creates an organizer', async () => {
    const email = uniqueEmail();
    const r = await api(base, 'POST', '/api/auth/signup',
      { body: { email, password: PASSWORD, name: 'Olga Organizer', role: 'organizer' } });
    assert.equal(r.status, 201, r.text);
    assertUser(r.json.user, { email, name: 'Olga Organizer', role: 'organizer' });
    assertTokenReply(r.json);
  });

  it('defaults the role to attendee', async () => {
    const email = uniqueEmail();
    const r = await api(base, 'POST', '/api/auth/signup', { body: { email, password: PASSWORD, name: 'No Role' } });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.user.roles, ['attendee']);
  });

  it('rejects a duplicate email, case-insensitively (409)', async () => {
    const email = uniqueEmail();
    const first = await api(base, 'POST', '/api/auth/signup', { body: { email, password: PASSWORD, name: 'One' } });
    assert.equal(first.status, 201, first.text);
    const same = await api(base, 'POST', '/api/auth/signup', { body: { email, password: PASSWORD, name: 'Two' } });
    assertProblem(same, 409, 'same email');
    const upper = await api(base, 'POST', '/api/auth/signup',
      { body: { email: email.toUpperCase(), password: PASSWORD, name: 'Three' } });
    assertProblem(upper, 409, 'same email in upper case');
  });

  for (const role of ['admin', 'staff', 'superuser']) {
    it(`refuses self-signup with role "${role}" (400)`, async () => {
      const r = await api(base, 'POST', '/api/auth/signup',
        { body: { email: uniqueEmail(), password: PASSWORD, name: 'Mallory', role } });
      assertProblem(r, 400, `role ${role}`);
    });
  }

  it('rejects a short password (400, errors[] names password)', async () => {
    const r = await api(base, 'POST', '/api/auth/signup',
      { body: { email: uniqueEmail(), password: 'short12', name: 'Shorty', role: 'attendee' } });
    assertFieldError(r, 'password', '7-char password');
  });

  it('accepts an 8-char password and rejects a 257-char one', async () => {
    const ok = await api(base, 'POST', '/api/auth/signup',
      { body: { email: uniqueEmail(), password: '12345678', name: 'Eight' } });
    assert.equal(ok.status, 201, ok.text);
    const long = await api(base, 'POST', '/api/auth/signup',
      { body: { email: uniqueEmail(), password: 'x'.repeat(257), name: 'Long' } });
    assertFieldError(long, 'password', '257-char password');
  });

  it('rejects a malformed or missing email (400, errors[] names email)', async () => {
    const bad = await api(base, 'POST', '/api/auth/signup',
      { body: { email: 'not-an-email', password: PASSWORD, name: 'Bad' } });
    assertFieldError(bad, 'email', 'malformed email');
    const missing = await api(base, 'POST', '/api/auth/signup', { body: { password: PASSWORD, name: 'Missing' } });
    assertFieldError(missing, 'email', 'missing email');
  });

  it('does not let the client set roles or userId (mass assignment)', async () => {
    const r = await api(base, 'POST', '/api/auth/signup',
      { body: { email: uniqueEmail(), password: PASSWORD, name: 'Sneaky', roles: ['admin'] } });
    if (r.status === 201) {
      assert.ok(!r.json.user.roles.includes('admin'), `roles taken from input: ${r.text}`);
    } else {
      assertProblem(r, 400, 'unknown field roles');
    }
  });
});

describe('login', () => {
  let acct;
  before(async () => { acct = await signup(base, 'organizer'); });

  it('returns 200 with the same shape as signup', async () => {
    const r = await api(base, 'POST', '/api/auth/login', { body: { email: acct.email, password: acct.password } });
    assert.equal(r.status, 200, r.text);
    assertUser(r.json.user, { email: acct.email, name: acct.name, role: 'organizer' });
    assert.equal(r.json.user.userId, acct.user.userId);
    assertTokenReply(r.json);
    assert.notEqual(r.json.refreshToken, acct.refreshToken);
  });

  it('matches the email case-insensitively', async () => {
    const r = await api(base, 'POST', '/api/auth/login',
      { body: { email: acct.email.toUpperCase(), password: acct.password } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.user.userId, acct.user.userId);
  });

  it('wrong password and unknown email both give 401 with the same detail', async () => {
    const wrong = await api(base, 'POST', '/api/auth/login',
      { body: { email: acct.email, password: 'wrong password!' } });
    assertProblem(wrong, 401, 'wrong password');
    const unknown = await api(base, 'POST', '/api/auth/login',
      { body: { email: uniqueEmail(), password: 'wrong password!' } });
    assertProblem(unknown, 401, 'unknown email');
    assert.equal(unknown.json.detail, wrong.json.detail, 'no account enumeration through detail');
    assert.equal(unknown.json.type, wrong.json.type);
    assert.ok(!wrong.json.accessToken && !unknown.json.accessToken);
  });
});

describe('refresh tokens', () => {
  it('rotates: a new pair with a different refresh token that works', async () => {
    const acct = await signup(base, 'attendee');
    const r = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: acct.refreshToken } });
    assert.equal(r.status, 200, r.text);
    assertTokenReply(r.json);
    assert.notEqual(r.json.refreshToken, acct.refreshToken);
    const me = await api(base, 'GET', '/api/me', { token: r.json.accessToken });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.userId, acct.user.userId);
  });

  it('reusing a rotated refresh token is rejected and revokes the whole family', async () => {
    const acct = await signup(base, 'attendee');
    const first = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: acct.refreshToken } });
    assert.equal(first.status, 200, first.text);
    const newer = first.json.refreshToken;

    const reuse = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: acct.refreshToken } });
    assertProblem(reuse, 401, 'reused refresh token');

    const afterReuse = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: newer } });
    assertProblem(afterReuse, 401, 'newer token of a family whose old token was reused');
  });

  it('a family revocation does not touch the user\'s other sessions', async () => {
    const acct = await signup(base, 'attendee');
    const login = await api(base, 'POST', '/api/auth/login', { body: { email: acct.email, password: acct.password } });
    assert.equal(login.status, 200, login.text);
    const rot = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: acct.refreshToken } });
    assert.equal(rot.status, 200, rot.text);
    const reuse = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: acct.refreshToken } });
    assert.equal(reuse.status, 401, reuse.text);
    const other = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: login.json.refreshToken } });
    assert.equal(other.status, 200, `the separate login session should survive: ${other.text}`);
  });

  it('rejects garbage and access tokens as refresh tokens (401)', async () => {
    const acct = await signup(base, 'attendee');
    const garbage = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: 'not-a-real-token' } });
    assertProblem(garbage, 401, 'garbage refresh token');
    const access = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: acct.accessToken } });
    assertProblem(access, 401, 'access token used as refresh token');
  });

  it('a missing refreshToken is a client error', async () => {
    const r = await api(base, 'POST', '/api/auth/refresh', { body: {} });
    assert.ok(r.status === 400 || r.status === 401, `got ${r.status} ${r.text}`);
    assertProblem(r, r.status);
  });
});

describe('logout', () => {
  it('204, then the refresh token is rejected', async () => {
    const acct = await signup(base, 'attendee');
    const r = await api(base, 'POST', '/api/auth/logout',
      { token: acct.accessToken, body: { refreshToken: acct.refreshToken } });
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    const refresh = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: acct.refreshToken } });
    assertProblem(refresh, 401, 'refresh after logout');
  });

  it('requires a bearer token (401)', async () => {
    const acct = await signup(base, 'attendee');
    const r = await api(base, 'POST', '/api/auth/logout', { body: { refreshToken: acct.refreshToken } });
    assertProblem(r, 401, 'logout without bearer');
    const still = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: acct.refreshToken } });
    assert.equal(still.status, 200, `an unauthenticated logout must not revoke: ${still.text}`);
  });

  it('cannot revoke another user\'s refresh token', async () => {
    const alice = await signup(base, 'attendee');
    const bob = await signup(base, 'attendee');
    const r = await api(base, 'POST', '/api/auth/logout',
      { token: bob.accessToken, body: { refreshToken: alice.refreshToken } });
    assert.ok([204, 400, 403, 404].includes(r.status), `got ${r.status} ${r.text}`);
    const still = await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: alice.refreshToken } });
    assert.equal(still.status, 200, `bob's logout revoked alice's session: ${still.text}`);
  });
});

describe('GET /api/me', () => {
  let acct;
  before(async () => { acct = await signup(base, 'organizer'); });

  it('returns the caller', async () => {
    const r = await api(base, 'GET', '/api/me', { token: acct.accessToken });
    assert.equal(r.status, 200, r.text);
    assertUser(r.json, { email: acct.email, name: acct.name, role: 'organizer' });
    assert.equal(r.json.userId, acct.user.userId);
    assert.equal(r.json.createdAt, acct.user.createdAt);
  });

  it('401 without a token', async () => {
    assertProblem(await api(base, 'GET', '/api/me'), 401, 'no token');
  });

  it('401 with a garbage token', async () => {
    assertProblem(await api(base, 'GET', '/api/me', { token: 'garbage' }), 401, 'garbage');
    assertProblem(await api(base, 'GET', '/api/me', { token: 'a.b.c' }), 401, 'a.b.c');
    assertProblem(await api(base, 'GET', '/api/me', { headers: { Authorization: 'Bearer ' } }), 401, 'empty bearer');
  });

  it('401 with a tampered signature', async () => {
    const [h, p, s] = acct.accessToken.split('.');
    // Flip a character in the middle: the last base64url char may carry only padding bits.
    const i = Math.floor(s.length / 2);
    const flipped = s[i] === 'A' ? 'B' : 'A';
    const tampered = `${h}.${p}.${s.slice(0, i)}${flipped}${s.slice(i + 1)}`;
    assertProblem(await api(base, 'GET', '/api/me', { token: tampered }), 401, 'tampered signature');
  });

  it('401 with a tampered payload', async () => {
    const [h, p, s] = acct.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    claims.roles = ['admin', 'organizer', 'attendee'];
    const p2 = Buffer.from(JSON.stringify(claims)).toString('base64url');
    assertProblem(await api(base, 'GET', '/api/me', { token: `${h}.${p2}.${s}` }), 401, 'tampered payload');
  });

  it('401 with Basic credentials', async () => {
    const basic = Buffer.from(`${acct.email}:${acct.password}`).toString('base64');
    assertProblem(await api(base, 'GET', '/api/me', { headers: { Authorization: `Basic ${basic}` } }), 401, 'Basic');
  });

  it('401 with a refresh token used as a bearer token', async () => {
    assertProblem(await api(base, 'GET', '/api/me', { token: acct.refreshToken }), 401, 'refresh token as bearer');
  });

  it('accepts the scheme name case-insensitively', async () => {
    const r = await api(base, 'GET', '/api/me', { headers: { Authorization: `bearer ${acct.accessToken}` } });
    assert.equal(r.status, 200, r.text);
  });
});

describe('auth rate limit (ADMIT_RATE_LIMIT_AUTH=5)', () => {
  let limited;
  before(async () => { limited = await startServer({ env: { ADMIT_RATE_LIMIT_AUTH: '5' } }); });
  after(async () => { await limited?.stop(); });

  it('answers the 6th rapid login with 429, problem+json and Retry-After', async () => {
    const statuses = [];
    let first429;
    for (let i = 0; i < 8; i++) {
      const r = await api(limited.baseUrl, 'POST', '/api/auth/login',
        { body: { email: 'nobody@example.com', password: 'wrong password!' } });
      statuses.push(r.status);
      if (r.status === 429 && !first429) first429 = r;
    }
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401], `first five: ${statuses}`);
    assert.deepEqual(statuses.slice(5), [429, 429, 429], `6th and later: ${statuses}`);
    assertProblem(first429, 429, 'rate limited');
    const ra = first429.headers.get('retry-after');
    assert.match(ra ?? '', /^\d+$/, `Retry-After should be integer seconds, got ${ra}`);
    assert.ok(Number(ra) >= 1, `Retry-After >= 1, got ${ra}`);
  });

  it('does not limit health endpoints', async () => {
    const r = await api(limited.baseUrl, 'GET', '/healthz');
    assert.equal(r.status, 200);
  });
});

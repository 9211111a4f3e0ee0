// Login throttling per account as well as per client address: an exponential back-off keyed on
// the submitted email whether or not an account has it, which a guesser cannot turn against the
// real owner. Client addresses come from X-Forwarded-For, believed from 127.0.0.1 here.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, signup, uniqueEmail, assertProblem, PASSWORD } from './harness.mjs';

const PER_ADDRESS = 3;
const PER_ACCOUNT = 6;
const ACCOUNT_CAP = 4;
let srv;
let base;

before(async () => {
  srv = await startServer({
    env: {
      ADMIT_TRUSTED_PROXIES: '127.0.0.1',
      ADMIT_LOGIN_FAILURES_PER_ADDRESS: String(PER_ADDRESS),
      ADMIT_LOGIN_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
      ADMIT_LOGIN_MAX_DELAY_PER_ACCOUNT: String(ACCOUNT_CAP),
    },
  });
  base = srv.baseUrl;
});

after(async () => {
  await srv?.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function login(email, password, from) {
  return api(base, 'POST', '/api/auth/login', { body: { email, password }, headers: { 'X-Forwarded-For': from } });
}

/** What a client can observe of a refused sign-in, minus what differs per request anyway. */
function observable(r) {
  const varying = new Set(['date', 'x-request-id', 'traceparent']);
  return {
    status: r.status,
    retryAfter: r.headers.get('retry-after'),
    headers: [...r.headers.keys()].filter((k) => !varying.has(k)).sort(),
    body: r.json && { ...r.json },
  };
}

describe('login throttling', () => {
  it('an address with an account and one without get the same answers, and the wait doubles', async () => {
    const owner = await signup(base, 'attendee');
    const nobody = uniqueEmail();
    const from = '10.20.0.1';
    const seen = { owner: [], nobody: [] };
    const round = async () => {
      // Interleaved, so both meet the same moments.
      const a = await login(owner.email, 'wrong password', from);
      const b = await login(nobody.toUpperCase(), 'wrong password', from);
      seen.owner.push(observable(a));
      seen.nobody.push(observable(b));
      return [a, b];
    };
    for (let i = 0; i < PER_ADDRESS; i++) {
      for (const r of await round()) assertProblem(r, 401, `failure ${i + 1}`);
    }
    const waits = [];
    for (let step = 0; step < 3; step++) {
      const [a] = await round();
      assertProblem(a, 429, `after ${PER_ADDRESS + step} failures`);
      assert.equal(a.json.type, 'urn:admit:problem:login-throttled');
      const wait = Number(a.headers.get('retry-after'));
      waits.push(wait);
      await sleep(wait * 1000 + 50);
      // Allowed again once the wait is over; this failure doubles the next wait.
      for (const r of await round()) assertProblem(r, 401, `after waiting ${wait} s`);
    }
    assert.deepEqual(waits, [1, 2, 4], 'the wait doubles from one second');
    assert.deepEqual(seen.owner, seen.nobody, 'every answer is the same with or without an account');
    // The right password, while refused, is refused the same way (it is not even checked).
    const right = await login(owner.email, PASSWORD, from);
    assertProblem(right, 429, 'the owner from the guesser\'s address');
  });

  it('the owner signs in from another address while a guesser is held back', async () => {
    const owner = await signup(base, 'attendee');
    for (let i = 0; i < 20; i++) await login(owner.email, `guess ${i}`, '10.30.0.1');
    assertProblem(await login(owner.email, PASSWORD, '10.30.0.1'), 429, 'the guesser\'s address');
    const r = await login(owner.email, PASSWORD, '192.0.2.44');
    assert.equal(r.status, 200, `the owner from another address: ${r.status} ${r.text}`);
  });

  it('guesses spread over many addresses slow the account down, but never the owner\'s usual address', async () => {
    const owner = await signup(base, 'attendee');
    const home = '198.51.100.7';
    assert.equal((await login(owner.email, PASSWORD, home)).status, 200, 'the owner signs in from home first');
    let refused;
    for (let i = 0; i < 40 && !refused; i++) {
      const r = await login(owner.email, `guess ${i}`, `10.40.${i >> 8}.${i & 255}`);
      if (r.status === 429) refused = r;
      else assertProblem(r, 401, `guess ${i}`);
    }
    assert.ok(refused, 'fresh addresses are held back once the account has seen many failures');
    assert.ok(Number(refused.headers.get('retry-after')) <= ACCOUNT_CAP, 'never longer than the account cap');
    const home1 = await login(owner.email, PASSWORD, home);
    assert.equal(home1.status, 200, `the owner from home during the attack: ${home1.status} ${home1.text}`);
    // A new address of the owner waits at most the (low) account cap, then gets in.
    const away = await login(owner.email, PASSWORD, '203.0.113.9');
    if (away.status === 429) {
      const wait = Number(away.headers.get('retry-after'));
      assert.ok(wait <= ACCOUNT_CAP, `waits ${wait} s`);
      await sleep(wait * 1000 + 50);
      assert.equal((await login(owner.email, PASSWORD, '203.0.113.9')).status, 200);
    } else {
      assert.equal(away.status, 200, away.text);
    }
  });

  it('sign-up stays under the per-address limit of /api/auth/*', async () => {
    const limited = await startServer({ env: { ADMIT_RATE_LIMIT_AUTH: '3' } });
    try {
      const statuses = [];
      for (let i = 0; i < 6; i++) {
        const r = await api(limited.baseUrl, 'POST', '/api/auth/signup',
          { body: { email: uniqueEmail(), password: PASSWORD, name: 'Many' } });
        statuses.push(r.status);
      }
      assert.ok(statuses.includes(429), `sign-ups are rate-limited: ${statuses}`);
    } finally {
      await limited.stop();
    }
  });
});

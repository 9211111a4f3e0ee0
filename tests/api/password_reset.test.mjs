// Account recovery and address verification (issue 13): POST /api/auth/password/forgot answers
// 202 for every well-formed address, known or not, and is limited per address and per client;
// a reset link works once, within 30 minutes, and ends every session; sign-up sends a
// verification link; emailVerified in the user; accepting a door-staff invitation needs a
// verified address; ADMIT_REQUIRE_VERIFIED_ORGANIZERS keeps unverified organizers from paid
// events.
//
// The links themselves are read from the file mailbox (<data dir>/mail/*.eml), as a person
// would read them in a mail program.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  startServer, startWithAccounts, api, signup, createEvent, assertProblem, assertFieldError, uniqueEmail,
  verifyEmail, PASSWORD,
} from './harness.mjs';
import { admitCli } from './account_helpers.mjs';

let srv, base, org, att;

before(async () => {
  ({ srv, base, accounts: [org, att] } = await startWithAccounts(['organizer', 'attendee'],
    { env: { ADMIT_ARGON2_MEMORY_KIB: '1024' } }));
});

after(async () => {
  await srv?.stop();
});

const forgot = (email, b = base) => api(b, 'POST', '/api/auth/password/forgot', { body: { email } });
const reset = (token, password) => api(base, 'POST', '/api/auth/password/reset', { body: { token, password } });
const verify = (token) => api(base, 'POST', '/api/auth/verify-email', { body: { token } });
const login = (email, password) => api(base, 'POST', '/api/auth/login', { body: { email, password } });
const me = async (token) => {
  const r = await api(base, 'GET', '/api/me', { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};

// ---- the file mailbox ----

/** mailparser from tests/node when installed there (helper "mail" adds it), else null. */
async function importMailparser() {
  const require = createRequire(new URL('../node/package.json', import.meta.url));
  try {
    return await import(pathToFileURL(require.resolve('mailparser')).href);
  } catch {
    return null;
  }
}

/** The text of a message's parts: mailparser's, or a minimal decoding of quoted-printable and base64. */
async function messageText(raw) {
  const mailparser = await importMailparser();
  if (mailparser) {
    const parsed = await mailparser.simpleParser(raw);
    return `${parsed.to?.text ?? ''}\n${parsed.text ?? ''}\n${parsed.html || ''}`;
  }
  const quotedPrintable = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  const base64Blocks = [...raw.matchAll(/(?:^[A-Za-z0-9+/]{4,}={0,2}\r?\n)+/gm)]
    .map((m) => Buffer.from(m[0].replace(/\s+/g, ''), 'base64').toString('utf8'));
  return [quotedPrintable, ...base64Blocks].join('\n');
}

/** Whether the server writes a file mailbox at all (a build with the mail sender does). */
async function mailboxExists(server, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if ((await stat(join(server.dataDir, 'mail'))).isDirectory()) return true;
    } catch { /* not yet */ }
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The token of the newest-arriving link `path` (/reset-password, /verify-email) in a message to
 * `address` that is not among `seen`, waiting up to `ms` for it; null when none comes.
 */
async function linkToken(server, address, path, { seen = [], ms = 15_000 } = {}) {
  const dir = join(server.dataDir, 'mail');
  const pattern = new RegExp(`${path.replace(/[/-]/g, '\\$&')}\\?token=([A-Za-z0-9_-]{43})`, 'g');
  const deadline = Date.now() + ms;
  for (;;) {
    let names = [];
    try { names = (await readdir(dir)).filter((n) => n.endsWith('.eml')); } catch { /* no mailbox yet */ }
    for (const name of names) {
      const text = await messageText(await readFile(join(dir, name), 'utf8'));
      if (!text.toLowerCase().includes(address.toLowerCase())) continue;
      for (const m of text.matchAll(pattern)) if (!seen.includes(m[1])) return m[1];
    }
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Another token of the same length, one character changed. */
const altered = (token) => token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);

// ---- what needs no mail ----

describe('POST /api/auth/password/forgot', () => {
  it('answers 202 alike for an address with an account and one without', async () => {
    const known = await forgot(att.email.toUpperCase());
    const unknown = await forgot(uniqueEmail());
    for (const r of [known, unknown]) {
      assert.equal(r.status, 202, r.text);
      assert.equal(r.text, '');
    }
    assert.deepEqual([...known.headers.keys()].filter((k) => k !== 'date').sort(),
      [...unknown.headers.keys()].filter((k) => k !== 'date').sort(), 'the same headers');
  });

  it('refuses a malformed or missing address with a 400 naming email', async () => {
    for (const email of ['', 'ada', 'ada@', '@example.com', 'ada@example', 'a b@example.com']) {
      assertFieldError(await forgot(email), 'email', JSON.stringify(email));
    }
    assertFieldError(await api(base, 'POST', '/api/auth/password/forgot', { body: {} }), 'email', 'missing');
    assertFieldError(await api(base, 'POST', '/api/auth/password/forgot', { body: { email: 7 } }), 'email', 'a number');
  });

  it('limits links to one address: the sixth within the hour is a 429 with Retry-After', async () => {
    const email = uniqueEmail();
    for (let i = 0; i < 5; i++) assert.equal((await forgot(i % 2 ? email.toUpperCase() : email)).status, 202, `request ${i + 1}`);
    const refused = await forgot(email);
    assertProblem(refused, 429, 'over the per-address limit');
    assert.equal(refused.json.type, 'urn:admit:problem:rate-limited');
    const wait = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(wait) && wait > 0 && wait <= 3600, `Retry-After ${refused.headers.get('retry-after')}`);
    assert.equal((await forgot(uniqueEmail())).status, 202, 'another address is not limited by this one');
  });

  it('limits links asked for from one client over all addresses', async () => {
    const other = await startServer({ env: { ADMIT_ARGON2_MEMORY_KIB: '1024' } });
    try {
      for (let i = 0; i < 20; i++) assert.equal((await forgot(uniqueEmail(), other.baseUrl)).status, 202, `request ${i + 1}`);
      const refused = await forgot(uniqueEmail(), other.baseUrl);
      assertProblem(refused, 429, 'over the per-client limit');
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
    } finally {
      await other.stop();
    }
  });
});

describe('POST /api/auth/password/reset and /api/auth/verify-email with a bad token', () => {
  it('an unknown or altered reset token is a 400 naming token, and the old password still works', async () => {
    for (const token of ['x', 'A'.repeat(43), 'nope-'.repeat(9).slice(0, 43)]) {
      assertFieldError(await reset(token, 'a brand new password'), 'token', token);
    }
    assertFieldError(await api(base, 'POST', '/api/auth/password/reset', { body: { password: 'a brand new password' } }),
      'token', 'missing');
    assertFieldError(await reset('A'.repeat(43), 'short'), 'password', 'too short');
    assert.equal((await login(att.email, PASSWORD)).status, 200, 'nothing changed');
  });

  it('an unknown verification token is a 400 naming token', async () => {
    assertFieldError(await verify('A'.repeat(43)), 'token');
    assertFieldError(await api(base, 'POST', '/api/auth/verify-email', { body: {} }), 'token', 'missing');
    assert.equal((await me(att.accessToken)).emailVerified, false);
  });
});

describe('emailVerified', () => {
  it('is false after sign-up, in the sign-up reply and in GET /api/me', async () => {
    const person = await signup(base, 'attendee');
    assert.equal(person.user.emailVerified, false);
    assert.equal((await me(person.accessToken)).emailVerified, false);
  });

  it('is true for the demo accounts', async () => {
    const demo = await admitCli(srv, ['demo']);
    assert.equal(demo.code, 0, demo.stderr);
    for (const who of ['organizer', 'attendee']) {
      const m = new RegExp(`${who}\\s+(\\S+@demo\\.admit\\.dev)\\s+(\\S+)`).exec(demo.stdout);
      assert.ok(m, `the ${who}'s password is printed: ${demo.stdout}`);
      const r = await login(m[1], m[2]);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.user.emailVerified, true);
      assert.equal((await me(r.json.accessToken)).emailVerified, true);
      // Verified: asking for a link is answered the same and queues nothing.
      const resend = await api(base, 'POST', '/api/auth/verify-email/resend', { token: r.json.accessToken });
      assert.equal(resend.status, 202, resend.text);
    }
  });

  it('a new link can be asked for while signed in only', async () => {
    const person = await signup(base, 'attendee');
    assert.equal((await api(base, 'POST', '/api/auth/verify-email/resend', { token: person.accessToken })).status, 202);
    assertProblem(await api(base, 'POST', '/api/auth/verify-email/resend'), 401, 'anonymous');
  });
});

describe('verified-address rules', () => {
  it('accepting a door-staff invitation needs a verified address', async () => {
    const e = await createEvent(base, org.accessToken, { price: 0 });
    const person = await signup(base, 'attendee');
    const invited = await api(base, 'POST', `/api/events/${e.eventId}/staff`,
      { token: org.accessToken, body: { email: person.email } });
    assert.equal(invited.status, 201, invited.text);
    const accept = () => api(base, 'POST', `/api/staff-invitations/${invited.json.invitationId}/accept`,
      { token: person.accessToken });
    const refused = await accept();
    assertProblem(refused, 403, 'unverified');
    assert.equal(refused.json.type, 'urn:admit:problem:email-unverified');
    assert.match(refused.json.detail, /verify your email/i);
    const [mine] = (await api(base, 'GET', '/api/me/staff-invitations', { token: person.accessToken })).json.items;
    assert.equal(mine.status, 'invited', 'still open');
    // Someone else's invitation stays a 404 for an unverified account, as for anyone.
    const stranger = await signup(base, 'attendee');
    assertProblem(await api(base, 'POST', `/api/staff-invitations/${invited.json.invitationId}/accept`,
      { token: stranger.accessToken }), 404, 'not theirs');

    await verifyEmail(base, person.email);
    const ok = await accept();
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.status, 'active');
  });

  it('unverified organizers sell paid tickets as before unless ADMIT_REQUIRE_VERIFIED_ORGANIZERS=1', async () => {
    assert.equal((await api(base, 'POST', '/api/events', { token: org.accessToken, body: paidEvent() })).status, 201,
      'off by default');
    const strict = await startWithAccounts(['organizer'],
      { env: { ADMIT_ARGON2_MEMORY_KIB: '1024', ADMIT_REQUIRE_VERIFIED_ORGANIZERS: '1' } });
    try {
      const [organizer] = strict.accounts;
      const post = (body) => api(strict.base, 'POST', '/api/events', { token: organizer.accessToken, body });
      const refused = await post(paidEvent());
      assertProblem(refused, 403, 'unverified organizer, paid event');
      assert.equal(refused.json.type, 'urn:admit:problem:email-unverified');
      const free = await post(paidEvent({ price: 0 }));
      assert.equal(free.status, 201, free.text);
      const madePaid = await api(strict.base, 'PUT', `/api/events/${free.json.eventId}`,
        { token: organizer.accessToken, body: { price: 10 } });
      assertProblem(madePaid, 403, 'making a free event paid');
      await verifyEmail(strict.base, organizer.email);
      assert.equal((await post(paidEvent())).status, 201, 'once verified');
    } finally {
      await strict.srv.stop();
    }
  });
});

function paidEvent(overrides = {}) {
  return {
    name: 'Paid night', description: 'x', date: new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    timezone: 'Europe/Berlin', location: 'Berlin', capacity: 10, price: 12.5, currency: 'EUR', ...overrides,
  };
}

// ---- the links, as mailed (needs the mail sender) ----

describe('links by mail', () => {
  before(async () => {
    await signup(base, 'attendee');  // causes a message: the sender writes the mailbox
    assert.ok(await mailboxExists(srv), 'the server writes <data dir>/mail');
  });

  it('a reset link sets a new password once and ends every session', async () => {
    const person = await signup(base, 'attendee');
    assert.equal((await forgot(person.email)).status, 202);
    const token = await linkToken(srv, person.email, '/reset-password');
    assert.ok(token, 'a reset link arrives');

    assertFieldError(await reset(altered(token), 'a brand new password'), 'token', 'altered');
    assert.equal((await login(person.email, PASSWORD)).status, 200, 'an altered token changed nothing');

    const done = await reset(token, 'a brand new password');
    assert.equal(done.status, 204, done.text);
    assertProblem(await login(person.email, PASSWORD), 401, 'the old password');
    assert.equal((await login(person.email, 'a brand new password')).status, 200, 'the new password');
    assertProblem(await api(base, 'POST', '/api/auth/refresh', { body: { refreshToken: person.refreshToken } }), 401,
      'a refresh token from before the reset');
    // An access token from before the reset is refused within seconds (its token version is old).
    const deadline = Date.now() + 5000;
    let status;
    while ((status = (await api(base, 'GET', '/api/me', { token: person.accessToken })).status) === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(status, 401, 'an access token from before the reset');
    const used = await reset(token, 'yet another password');
    assertFieldError(used, 'token', 'used');
    assert.equal((await login(person.email, 'a brand new password')).status, 200, 'a used token changed nothing');
  });

  it('no reset message goes to an address without an account', async () => {
    const nobody = uniqueEmail();
    const person = await signup(base, 'attendee');
    assert.equal((await forgot(nobody)).status, 202);
    assert.equal((await forgot(person.email)).status, 202);
    assert.ok(await linkToken(srv, person.email, '/reset-password'), 'the message asked for later arrives');
    assert.equal(await linkToken(srv, nobody, '/reset-password', { ms: 1000 }), null);
  });

  it('sign-up mails a verification link that works once', async () => {
    const person = await signup(base, 'attendee');
    const token = await linkToken(srv, person.email, '/verify-email');
    assert.ok(token, 'a verification link arrives');
    assertFieldError(await verify(altered(token)), 'token', 'altered');
    assert.equal((await me(person.accessToken)).emailVerified, false);
    assert.equal((await verify(token)).status, 204);
    assert.equal((await me(person.accessToken)).emailVerified, true);
    assertFieldError(await verify(token), 'token', 'used');

    const other = await signup(base, 'attendee');
    const first = await linkToken(srv, other.email, '/verify-email');
    assert.equal((await api(base, 'POST', '/api/auth/verify-email/resend', { token: other.accessToken })).status, 202);
    const second = await linkToken(srv, other.email, '/verify-email', { seen: [first] });
    assert.ok(second && second !== first, 'a fresh link');
    assert.equal((await verify(second)).status, 204);
    assertFieldError(await verify(first), 'token', 'the older link is used up with it');
  });
});

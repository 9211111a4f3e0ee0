// The mail transport against a real SMTP server (npm smtp-server, read back by mailparser),
// driven through `admit mail-test --to ADDRESS`: STARTTLS with AUTH PLAIN and an extra trusted
// CA, no delivery to a certificate it does not trust, no password without TLS, 4xx and 5xx
// replies, smtps, a peer that is down for a while, and the .eml file mailbox.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admitBin } from './harness.mjs';
import { makeTestCertificates, parseIcs, parseMail, startSmtpPeer } from './support/smtp_peer.mjs';

const EVENT_NAME = '東京デベロッパーサミット 2027';
const SUBJECT = `Admit mail test: ${EVENT_NAME}`;
const FROM = 'Admit Tickets 東京 <tickets@admit.test>';
const TO = 'someone@example.com';

let certificates;
let dataDir;

before(async () => {
  certificates = await makeTestCertificates();
  dataDir = await mkdtemp(join(tmpdir(), 'admit-mail-test-'));
});

after(async () => {
  await certificates?.cleanup();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Runs `admit mail-test --to TO` with only the given mail settings; resolves {code, out}. */
function mailTest(env = {}, { to = TO, dir = dataDir } = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ADMIT_')));
  return new Promise((resolve) => {
    execFile(admitBin(), ['mail-test', '--to', to],
      { env: { ...clean, ADMIT_DATA_DIR: dir, ADMIT_MAIL_FROM: FROM, ...env }, encoding: 'utf8', timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: stdout + stderr });
      });
  });
}

/** Every line of a raw message ends in CRLF. */
function assertCrlf(raw, msg) {
  const text = raw.toString('latin1');
  assert.ok(text.endsWith('\r\n'), `${msg}: ends with CRLF`);
  assert.equal(/[^\r]\n/.test(text), false, `${msg}: no bare LF`);
}

/** What every sample message must be once mailparser has read it. */
function assertSampleMessage(parsed, raw, msg) {
  assert.equal(parsed.subject, SUBJECT, `${msg}: the RFC 2047 subject decodes back to the Japanese name`);
  assert.deepEqual(parsed.from.value, [{ address: 'tickets@admit.test', name: 'Admit Tickets 東京' }], msg);
  assert.deepEqual(parsed.to.value.map((v) => v.address), [TO], msg);
  assert.match(parsed.messageId, /^<[0-9a-f]{32}\.mail-test@admit\.test>$/, `${msg}: Message-ID`);
  assert.ok(parsed.date instanceof Date && Math.abs(parsed.date - Date.now()) < 120_000, `${msg}: Date is now`);
  assert.equal(parsed.headers.get('mime-version'), '1.0', msg);
  assert.equal(parsed.headers.get('auto-submitted'), 'auto-generated', `${msg}: no vacation replies (RFC 3834)`);
  assert.ok(parsed.text.includes(EVENT_NAME), `${msg}: the text part: ${parsed.text}`);
  assert.ok(parsed.html.includes(`<strong>${EVENT_NAME}</strong>`), `${msg}: the HTML part: ${parsed.html}`);
  assert.equal(parsed.attachments.length, 1, `${msg}: one attachment`);
  const [ics] = parsed.attachments;
  assert.equal(ics.filename, 'event.ics', msg);
  assert.equal(ics.contentType, 'text/calendar', msg);
  const calendar = parseIcs(ics.content);
  assert.equal(calendar.calendar.METHOD, 'PUBLISH', msg);
  assert.equal(calendar.events.length, 1, msg);
  assert.equal(calendar.events[0].SUMMARY, EVENT_NAME, `${msg}: the .ics names the event`);
  assert.equal(calendar.events[0].LOCATION, '東京国際フォーラム, 東京都千代田区', `${msg}: the comma came back unescaped`);
  assert.match(calendar.events[0].DTSTART, /^\d{8}T\d{6}Z$/, msg);
  assertCrlf(raw, msg);
  // The multipart/alternative with both parts, inside multipart/mixed.
  const text = raw.toString('latin1');
  assert.match(text, /Content-Type: multipart\/mixed/i, msg);
  assert.match(text, /Content-Type: multipart\/alternative/i, msg);
  assert.match(text, /Content-Type: text\/plain; charset=utf-8/i, msg);
  assert.match(text, /Content-Type: text\/html; charset=utf-8/i, msg);
}

describe('admit mail-test over SMTP', () => {
  let peer;
  before(async () => { peer = await startSmtpPeer({ certificates }); });
  after(async () => { await peer?.close(); });

  it('delivers over STARTTLS with AUTH PLAIN, trusting the CA from ADMIT_SMTP_CA_FILE', async () => {
    const before = peer.messages.length;
    const r = await mailTest({ ADMIT_SMTP_URL: peer.url(), ADMIT_SMTP_CA_FILE: peer.caFile });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /delivered/, r.out);
    assert.match(r.out, /reply: 250 2\.0\.0 queued as test/, r.out);
    assert.equal(r.out.includes(peer.password), false, 'the password is never printed');
    assert.match(r.out, new RegExp(`through smtp://127\\.0\\.0\\.1:${peer.port}:`), r.out);

    const message = (await peer.waitForMessages(before + 1, 10_000))[before];
    assert.equal(message.secure, true, 'the message crossed inside TLS');
    assert.equal(message.user, peer.user, 'the session was authenticated');
    const auth = peer.authAttempts.at(-1);
    assert.deepEqual([auth.method, auth.username, auth.password, auth.secure], ['PLAIN', peer.user, peer.password, true],
      'AUTH PLAIN with the percent-decoded credentials, after STARTTLS');
    assert.deepEqual(message.envelope, { mailFrom: 'tickets@admit.test', rcptTo: [TO] });
    assertSampleMessage(message.parsed, message.raw, 'STARTTLS');
  });

  it('refuses a server whose certificate it does not trust: nothing sent, exit 1, the reason named', async () => {
    const before = { messages: peer.messages.length, auth: peer.authAttempts.length, tx: peer.transactions.length };
    const r = await mailTest({ ADMIT_SMTP_URL: peer.url() });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /transient failure/, r.out);
    assert.match(r.out, /certificate/i, r.out);
    assert.equal(peer.messages.length, before.messages, 'no message');
    assert.equal(peer.authAttempts.length, before.auth, 'the password went nowhere');
    assert.equal(peer.transactions.length, before.tx, 'no transaction began');
  });

  it('answers a 451 with exit 1 and the reply, a 550 with exit 2 and the reply', async () => {
    const env = { ADMIT_SMTP_URL: peer.url(), ADMIT_SMTP_CA_FILE: peer.caFile };
    const before = peer.messages.length;
    peer.failFirst(1, '451 4.3.0 try later');
    const soft = await mailTest(env);
    assert.equal(soft.code, 1, soft.out);
    assert.match(soft.out, /transient failure/, soft.out);
    assert.match(soft.out, /reply: 451 4\.3\.0 try later/, soft.out);

    peer.rejectAll('550 5.1.1 no such user');
    const hard = await mailTest(env);
    assert.equal(hard.code, 2, hard.out);
    assert.match(hard.out, /permanent failure/, hard.out);
    assert.match(hard.out, /reply: 550 5\.1\.1 no such user/, hard.out);
    peer.acceptAll();
    assert.equal(peer.messages.length, before, 'neither message was accepted');
    assert.deepEqual(peer.rejected.slice(-2).map((x) => x.reply), ['451 4.3.0 try later', '550 5.1.1 no such user']);

    const again = await mailTest(env);
    assert.equal(again.code, 0, again.out);
  });

  it('fails while the server is down and delivers once it is back on the same port', async () => {
    const env = { ADMIT_SMTP_URL: peer.url(), ADMIT_SMTP_CA_FILE: peer.caFile };
    const port = peer.port;
    await peer.stop();
    const down = await mailTest(env);
    assert.equal(down.code, 1, down.out);
    assert.match(down.out, /connect/i, down.out);
    await peer.restart();
    assert.equal(peer.port, port);
    const before = peer.messages.length;
    const up = await mailTest(env);
    assert.equal(up.code, 0, up.out);
    await peer.waitForMessages(before + 1, 10_000);
  });

  it('refuses a malformed or unsupported ADMIT_SMTP_URL before sending anything', async () => {
    for (const url of ['http://127.0.0.1:25', 'smtp://', `smtp://127.0.0.1:${peer.port}/?x=1`]) {
      const r = await mailTest({ ADMIT_SMTP_URL: url });
      assert.equal(r.code, 2, `${url}: ${r.out}`);
      assert.match(r.out, /ADMIT_SMTP_URL/, r.out);
    }
    const bad = await mailTest({ ADMIT_SMTP_URL: peer.url() }, { to: 'not an address' });
    assert.equal(bad.code, 2, bad.out);
    assert.match(bad.out, /--to/, bad.out);
    const from = await mailTest({ ADMIT_SMTP_URL: peer.url(), ADMIT_MAIL_FROM: 'Admit <a@b>\r\nBcc: x@example.com' });
    assert.equal(from.code, 2, from.out);
    assert.match(from.out, /ADMIT_MAIL_FROM/, from.out);
  });
});

describe('admit mail-test against a server without STARTTLS', () => {
  let peer;
  before(async () => { peer = await startSmtpPeer({ certificates, tls: 'none' }); });
  after(async () => { await peer?.close(); });

  it('never sends the password in clear: with credentials it stops before AUTH', async () => {
    const r = await mailTest({ ADMIT_SMTP_URL: peer.url(), ADMIT_SMTP_CA_FILE: peer.caFile });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /STARTTLS|SSL|TLS/, r.out);
    assert.deepEqual(peer.authAttempts, [], 'the server never saw AUTH');
    assert.deepEqual(peer.transactions, [], 'no transaction began');
    assert.equal(peer.messages.length, 0);
  });
});

describe('admit mail-test without credentials to a server that takes mail in clear', () => {
  let peer;
  before(async () => { peer = await startSmtpPeer({ certificates, tls: 'none', auth: false }); });
  after(async () => { await peer?.close(); });

  it('delivers without TLS when the URL carries no password and the server offers no STARTTLS', async () => {
    const r = await mailTest({ ADMIT_SMTP_URL: peer.url({ credentials: false }) });
    assert.equal(r.code, 0, r.out);
    const [message] = await peer.waitForMessages(1, 10_000);
    assert.equal(message.secure, false);
    assertSampleMessage(message.parsed, message.raw, 'plain');
  });
});

describe('admit mail-test over smtps', () => {
  let peer;
  before(async () => { peer = await startSmtpPeer({ certificates, tls: 'implicit' }); });
  after(async () => { await peer?.close(); });

  it('delivers over TLS from the first byte', async () => {
    assert.match(peer.url(), /^smtps:\/\//);
    const r = await mailTest({ ADMIT_SMTP_URL: peer.url(), ADMIT_SMTP_CA_FILE: peer.caFile });
    assert.equal(r.code, 0, r.out);
    const [message] = await peer.waitForMessages(1, 10_000);
    assert.equal(message.secure, true);
    assert.equal(message.user, peer.user);
    assertSampleMessage(message.parsed, message.raw, 'smtps');
  });

  it('does not trust the server without the CA file', async () => {
    const r = await mailTest({ ADMIT_SMTP_URL: peer.url() });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /certificate/i, r.out);
    assert.equal(peer.messages.length, 1);
  });
});

describe('admit mail-test without ADMIT_SMTP_URL', () => {
  it('writes the message as one .eml file under DATA_DIR/mail/ that mailparser reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'admit-mailbox-'));
    try {
      const r = await mailTest({}, { dir });
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, new RegExp(`through ${join(dir, 'mail').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: delivered`), r.out);
      const files = await readdir(join(dir, 'mail'));
      assert.equal(files.length, 1, `one file: ${files}`);
      assert.match(files[0], /^[0-9a-f]{32}\.mail-test@admit\.test\.eml$/);
      const raw = await readFile(join(dir, 'mail', files[0]));
      assertSampleMessage(await parseMail(raw), raw, '.eml');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

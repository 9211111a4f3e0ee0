// Email delivery end to end: the real server, its outbox and sender, against a real SMTP server
// (npm smtp-server, every message read back by mailparser; support/smtp_peer.mjs) or its file
// mailbox. A confirmation over STARTTLS + AUTH PLAIN with an extra trusted CA (RFC 2047 subject
// decoded back to the Japanese event name, both parts, each ticket's PDF read by pdftoppm +
// zbarimg equal to its qrCode, the .ics parsed), paid orders confirmed only once paid, 451 then
// accepted → delivered once, 550 → failed for the organizer and never retried, the peer down and
// back, an untrusted certificate → nothing sent and no password given away, kill -9 with
// messages queued, the .eml mailbox, the other messages (cancellations, an event cancelled, a
// hold run out, a door-staff invitation), resends (who may, 409, 429), the recipient caps (a
// paid confirmation always goes), names and addresses that try to inject headers, and SIGTERM
// while the SMTP server stalls.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  startServer, api, signup, createEvent, registerOk, registerFor, assertProblem, assertFieldError, parseCsv,
  sleep, uniqueEmail, waitExit, PASSWORD, RFC3339,
} from './harness.mjs';
import { makeTestCertificates, parseIcs, parseMail, qrOfPdf, startSmtpPeer } from './support/smtp_peer.mjs';

const FROM_ADDRESS = 'tickets@admit.test';
const FROM = `Admit Tickets <${FROM_ADDRESS}>`;
const TOKYO = '東京ジャズ・ナイト';

let certificates;  // one throwaway CA for every peer of this file

before(async () => {
  certificates = await makeTestCertificates();
});

after(async () => {
  await certificates?.cleanup();
});

// ---- helpers ----

/** The Message-ID the sender gives the outbox row `outboxId`. */
const messageIdOf = (outboxId) => `<${outboxId}@admit.test>`;

/** The messages `peer` accepted for the outbox row `outboxId`. */
const withId = (peer, outboxId) => peer.messages.filter((m) => m.parsed.messageId === messageIdOf(outboxId));

/** Polls `fn` every `interval` ms until it returns something truthy; throws after `ms` (`what`: a string or a function making one). */
async function waitFor(what, fn, ms = 15_000, interval = 50) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`no ${typeof what === 'function' ? what() : what} within ${ms} ms`);
    await sleep(interval);
  }
}

/** The one message for `outboxId`, once it arrived (and asserts no second copy came with it). */
async function oneMessage(peer, outboxId, ms = 15_000) {
  const [message, ...more] = await waitFor(() => `message ${messageIdOf(outboxId)} at the SMTP peer ` +
    `(it has ${peer.messages.length}: ${peer.messages.map((m) => m.parsed.messageId).join(' ')})`,
  () => { const found = withId(peer, outboxId); return found.length ? found : null; }, ms);
  assert.equal(more.length, 0, `${outboxId} delivered more than once`);
  return message;
}

async function getRegistration(base, id, token) {
  const r = await api(base, 'GET', `/api/registrations/${id}`, { token });
  assert.equal(r.status, 200, `GET /api/registrations/${id}: ${r.status} ${r.text}`);
  return r.json;
}

/** The registration's `email` once `pred` holds for it; also collects every status seen on the way. */
async function waitEmail(base, id, token, pred, ms = 15_000, seen = new Set()) {
  let last;
  try {
    return await waitFor(`email of ${id} as expected`, async () => {
      last = (await getRegistration(base, id, token)).email;
      if (last) seen.add(last.status);
      return last && pred(last) ? last : null;
    }, ms);
  } catch (e) {
    e.message += `; last ${JSON.stringify(last)}, seen ${[...seen].join(',')}`;
    throw e;
  }
}

/** The organizer's registrations of an event, as JSON items and as CSV rows keyed by registrationId. */
async function organizerViews(base, token, eventId) {
  const list = await api(base, 'GET', `/api/events/${eventId}/registrations?limit=100`, { token });
  assert.equal(list.status, 200, list.text);
  const csv = await api(base, 'GET', `/api/events/${eventId}/registrations?format=csv&limit=100`, { token });
  assert.equal(csv.status, 200, csv.text);
  const [header, ...rows] = parseCsv(csv.text);
  const column = header.indexOf('emailStatus');
  assert.ok(column >= 0, `CSV header has emailStatus: ${header}`);
  const idColumn = header.indexOf('registrationId');
  return {
    items: new Map(list.json.items.map((i) => [i.registrationId, i])),
    csvStatus: new Map(rows.map((r) => [r[idColumn], r[column]])),
  };
}

/** `/metrics` as a map from `name{labels}` to its value. */
async function metrics(base) {
  const r = await api(base, 'GET', '/metrics');
  assert.equal(r.status, 200, r.text);
  const out = new Map();
  for (const line of r.text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** Waits until the outbox has nothing queued or retrying (so a scripted reply meets only the next message). */
async function outboxEmpty(base, ms = 15_000) {
  await waitFor('an empty outbox', async () => {
    const m = await metrics(base);
    return m.get('admit_mail_outbox_backlog{state="queued"}') === 0 && m.get('admit_mail_outbox_backlog{state="retrying"}') === 0;
  }, ms, 100);
}

/** "2027-01-06T19:00:00Z" → "20270106T190000Z" (iCalendar's UTC DATE-TIME). */
const icsUtc = (rfc3339) => rfc3339.replace(/[-:]/g, '').replace(/\.\d+/, '');

const pdfsOf = (parsed) => parsed.attachments.filter((a) => a.contentType === 'application/pdf');
const icsOf = (parsed) => {
  const found = parsed.attachments.filter((a) => a.contentType === 'text/calendar');
  assert.equal(found.length, 1, `one .ics: ${parsed.attachments.map((a) => `${a.filename} ${a.contentType}`)}`);
  return parseIcs(found[0].content);
};

/** The QR codes read from the message's PDF attachments, sorted. */
async function qrCodesOf(parsed) {
  const codes = [];
  for (const pdf of pdfsOf(parsed)) codes.push(await qrOfPdf(pdf.content));
  return codes.sort();
}

/** Asserts `address` is the message's only recipient (envelope and To), with no Bcc or Cc and no line break in a name. */
function assertOnlyRecipient(message, address, msg) {
  assert.deepEqual(message.envelope.rcptTo, [address], `${msg}: the envelope names only the attendee`);
  assert.deepEqual(message.parsed.to.value.map((v) => v.address), [address], `${msg}: To`);
  assert.equal(message.parsed.headers.has('bcc'), false, `${msg}: no Bcc header`);
  assert.equal(message.parsed.headers.has('cc'), false, `${msg}: no Cc header`);
  const head = message.raw.toString('latin1').split('\r\n\r\n')[0];
  assert.doesNotMatch(head, /^(bcc|cc):/im, `${msg}: no Bcc/Cc line in the header block`);
  for (const v of message.parsed.to.value) assert.doesNotMatch(v.name, /[\r\n]/, `${msg}: no line break survives in a name`);
}

const SERVER_ENV = {
  ADMIT_ARGON2_MEMORY_KIB: '1024',
  ADMIT_MAIL_FROM: FROM,
  ADMIT_MAIL_RETRY_BASE_MS: '100',
  // One attendee gets many messages in this file; only the caps test below has caps to meet.
  ADMIT_MAIL_CAP_PER_HOUR: '1000',
  ADMIT_MAIL_CAP_PER_DAY: '1000',
  ADMIT_PAYMENT_PROVIDER: 'sandbox',
  ADMIT_STRIPE_WEBHOOK_SECRET: 'whsec_mail_delivery_test',
};

/** A server sending through `peer` (STARTTLS + AUTH PLAIN, trusting the peer's CA unless `trust` is false). */
function serverFor(peer, { env = {}, trust = true } = {}) {
  return startServer({
    env: {
      ...SERVER_ENV,
      ADMIT_SMTP_URL: peer.url(),
      ...(trust ? { ADMIT_SMTP_CA_FILE: peer.caFile } : {}),
      ...env,
    },
  });
}

/** Pays a pending registration with the sandbox's 4242 card; returns the confirmed registration. */
async function payWithCard(base, token, registrationId) {
  const intent = await api(base, 'POST', '/api/payments/create-intent', { token, body: { registrationId } });
  assert.equal(intent.status, 200, `create-intent: ${intent.text}`);
  const paid = await api(base, 'POST', '/api/payments/sandbox/confirm',
    { token, body: { paymentIntentId: intent.json.paymentIntentId, cardNumber: '4242424242424242' } });
  assert.equal(paid.status, 200, `sandbox confirm: ${paid.text}`);
  assert.equal(paid.json.status, 'confirmed', paid.text);
  return paid.json;
}

// ---- one server sending over STARTTLS + AUTH PLAIN to a peer it trusts through ADMIT_SMTP_CA_FILE ----

describe('delivery over SMTP (STARTTLS, AUTH PLAIN, the CA file)', () => {
  let peer, srv, base, org, att;

  before(async () => {
    peer = await startSmtpPeer({ certificates });
    // A short instance hold for the expiry message; events that must be paid set their own.
    srv = await serverFor(peer, { env: { ADMIT_HOLD_SECONDS: '2' } });
    base = srv.baseUrl;
    [org, att] = await Promise.all([signup(base, 'organizer'), signup(base, 'attendee')]);
  });

  after(async () => {
    await srv?.stop();
    await peer?.close();
  });

  const freeEvent = (over = {}) => createEvent(base, org.accessToken, { price: 0, capacity: 50, maxPerAttendee: 10, ...over });
  const paidEvent = (over = {}) =>
    createEvent(base, org.accessToken, { price: 12.5, currency: 'EUR', capacity: 50, holdSeconds: 600, ...over });

  it('a free registration of 2 seats → one message: headers, both parts, the RFC 2047 subject, 2 PDFs whose QR codes are the tickets, the .ics; queued → sent for holder and organizer', async () => {
    const e = await freeEvent({ name: TOKYO, timezone: 'Asia/Tokyo', location: '東京都 渋谷区' });
    const reg = await registerOk(base, att.accessToken, e.eventId, 2);
    assert.deepEqual(reg.email, { status: 'queued', attempts: 0 }, `the 201 reply shows the confirmation queued: ${JSON.stringify(reg.email)}`);
    const outboxId = `registration_confirmed.${reg.registrationId}`;

    const message = await oneMessage(peer, outboxId);
    const { parsed } = message;
    // Over TLS, after AUTH PLAIN with the URL's credentials.
    assert.equal(message.secure, true, 'the transaction ran over TLS (STARTTLS)');
    assert.equal(message.user, peer.user, 'the transaction was authenticated');
    assert.ok(peer.authAttempts.length >= 1 && peer.authAttempts.every((a) => a.secure && a.method === 'PLAIN'),
      `AUTH PLAIN only after STARTTLS: ${JSON.stringify(peer.authAttempts.map((a) => [a.method, a.secure]))}`);
    // Envelope and headers.
    assert.equal(message.envelope.mailFrom, FROM_ADDRESS);
    assertOnlyRecipient(message, att.email, 'confirmation');
    assert.deepEqual(parsed.from.value, [{ address: FROM_ADDRESS, name: 'Admit Tickets' }]);
    assert.equal(parsed.to.value[0].name, att.name);
    assert.ok(parsed.subject.includes(TOKYO), `the subject decodes back to the event's name: ${parsed.subject}`);
    const rawSubject = /^Subject:(.*(?:\r\n[ \t].*)*)/im.exec(message.raw.toString('latin1'))?.[1] ?? '';
    assert.match(rawSubject, /=\?utf-8\?[bq]\?/i, `the raw Subject is RFC 2047 encoded: ${rawSubject}`);
    assert.equal(/[^\x00-\x7f]/.test(message.raw.toString('latin1').split('\r\n\r\n')[0]), false, 'the header block is ASCII');
    assert.equal(parsed.messageId, messageIdOf(outboxId));
    assert.ok(parsed.date instanceof Date && Math.abs(parsed.date - Date.now()) < 120_000, `Date: ${parsed.date}`);
    // Both parts.
    assert.ok(parsed.text.includes(TOKYO), `text part names the event: ${parsed.text.slice(0, 300)}`);
    assert.ok(parsed.html && parsed.html.includes(TOKYO), 'an HTML part that names the event');
    assert.ok(parsed.text.includes(reg.registrationId), 'the text part names the registration');
    // Every ticket as a PDF whose QR code is the ticket's qrCode.
    assert.equal(pdfsOf(parsed).length, 2, `two PDFs: ${parsed.attachments.map((a) => a.filename)}`);
    assert.deepEqual(await qrCodesOf(parsed), reg.tickets.map((t) => t.qrCode).sort(), 'the PDFs carry the tickets');
    // The event for the calendar.
    const ics = icsOf(parsed);
    assert.equal(ics.calendar.METHOD, 'PUBLISH');
    assert.equal(ics.events.length, 1);
    assert.equal(ics.events[0].SUMMARY, TOKYO);
    assert.equal(ics.events[0].DTSTART, icsUtc(e.date), `DTSTART is the event's date (${e.date})`);
    assert.equal(ics.events[0].STATUS, 'CONFIRMED');

    // queued → sent, for the holder and for the organizer (JSON and CSV).
    const email = await waitEmail(base, reg.registrationId, att.accessToken, (m) => m.status === 'sent');
    assert.equal(email.attempts, 1);
    assert.match(email.sentAt, RFC3339);
    assert.ok(Math.abs(Date.parse(email.sentAt) - Date.now()) < 120_000, `sentAt is now: ${email.sentAt}`);
    assert.equal(email.lastError, undefined, 'no error on a message sent at the first attempt');
    const views = await organizerViews(base, org.accessToken, e.eventId);
    assert.equal(views.items.get(reg.registrationId)?.email?.status, 'sent', JSON.stringify(views.items.get(reg.registrationId)));
    assert.equal(views.csvStatus.get(reg.registrationId), 'sent');
  });

  it('a paid order: no email while pending_payment, one confirmation with the tickets once paid with the sandbox card', async () => {
    const e = await paidEvent();
    const reg = await registerOk(base, att.accessToken, e.eventId, 2);
    assert.equal(reg.status, 'pending_payment');
    assert.equal(reg.email, null, 'nothing is due while the payment is pending');
    assert.equal((await getRegistration(base, reg.registrationId, att.accessToken)).email, null);
    const views = await organizerViews(base, org.accessToken, e.eventId);
    assert.equal(views.items.get(reg.registrationId).email, null);
    assert.equal(views.csvStatus.get(reg.registrationId), '', 'an empty emailStatus while nothing is due');
    const outboxId = `registration_confirmed.${reg.registrationId}`;
    assert.equal(withId(peer, outboxId).length, 0, 'no confirmation before the payment');

    const paid = await payWithCard(base, att.accessToken, reg.registrationId);
    const message = await oneMessage(peer, outboxId);
    assertOnlyRecipient(message, att.email, 'paid confirmation');
    assert.deepEqual(await qrCodesOf(message.parsed), paid.tickets.map((t) => t.qrCode).sort());
    await waitEmail(base, reg.registrationId, att.accessToken, (m) => m.status === 'sent');
    assert.equal(withId(peer, outboxId).length, 1, 'one confirmation');
  });

  it('451 for the first 2 attempts, then accepted → delivered exactly once after 3 attempts', async () => {
    const e = await freeEvent();
    await outboxEmpty(base);
    const before = { transactions: peer.transactions.length, rejected: peer.rejected.length };
    peer.failFirst(2, '451 4.3.0 try later');
    const reg = await registerOk(base, att.accessToken, e.eventId, 1);
    const outboxId = `registration_confirmed.${reg.registrationId}`;
    const seen = new Set();
    const email = await waitEmail(base, reg.registrationId, att.accessToken, (m) => m.status === 'sent', 15_000, seen);
    assert.equal(email.attempts, 3, JSON.stringify(email));
    assert.ok(seen.has('retrying') || seen.has('queued'), [...seen].join(','));
    assert.equal(peer.rejected.length - before.rejected, 2, 'both scripted 451 replies were used');
    assert.equal(peer.transactions.length - before.transactions, 3, 'three transactions for one message');
    await outboxEmpty(base);
    assert.equal(withId(peer, outboxId).length, 1, 'delivered exactly once');
  });

  it('550 → failed with the reply, visible to the organizer (JSON and CSV), never tried again', async () => {
    const e = await freeEvent();
    await outboxEmpty(base);
    const transactionsBefore = peer.transactions.length;
    peer.rejectAll('550 5.1.1 mailbox unavailable');
    let reg;
    try {
      reg = await registerOk(base, att.accessToken, e.eventId, 1);
      const email = await waitEmail(base, reg.registrationId, att.accessToken, (m) => m.status === 'failed');
      assert.equal(email.attempts, 1, JSON.stringify(email));
      assert.match(email.lastError, /550/, `lastError carries the server's reply: ${email.lastError}`);
      assert.match(email.lastError, /mailbox unavailable/, `lastError carries the server's reply: ${email.lastError}`);
      assert.equal(email.sentAt, undefined);
    } finally {
      peer.acceptAll();
    }
    const views = await organizerViews(base, org.accessToken, e.eventId);
    const item = views.items.get(reg.registrationId);
    assert.equal(item.email.status, 'failed', JSON.stringify(item));
    assert.match(item.email.lastError, /550/);
    assert.equal(views.csvStatus.get(reg.registrationId), 'failed');
    assert.equal(peer.transactions.length - transactionsBefore, 1, 'one attempt');
    // Nothing is tried again: another message goes through the same sender (so it has polled
    // the outbox since), and for 1.5 s more (15× the retry base, 3 idle polls) no new attempt.
    const other = await registerOk(base, att.accessToken, (await freeEvent()).eventId, 1);
    await oneMessage(peer, `registration_confirmed.${other.registrationId}`);
    const settledAt = peer.transactions.length;
    const watchUntil = Date.now() + 1500;
    while (Date.now() < watchUntil) {
      assert.equal(peer.transactions.length, settledAt, 'the refused message was not tried again');
      await sleep(100);
    }
    const email = (await getRegistration(base, reg.registrationId, att.accessToken)).email;
    assert.deepEqual([email.status, email.attempts], ['failed', 1], JSON.stringify(email));
    assert.equal(withId(peer, `registration_confirmed.${reg.registrationId}`).length, 0);
  });

  it('the peer down while registering → retrying; back after a moment → delivered once', async () => {
    const e = await freeEvent();
    await outboxEmpty(base);
    await peer.stop();
    let reg;
    try {
      reg = await registerOk(base, att.accessToken, e.eventId, 1);
      const retrying = await waitEmail(base, reg.registrationId, att.accessToken, (m) => m.status === 'retrying');
      assert.ok(retrying.attempts >= 1, JSON.stringify(retrying));
      assert.ok(retrying.lastError, `a retrying message says why: ${JSON.stringify(retrying)}`);
    } finally {
      await peer.restart();
    }
    const outboxId = `registration_confirmed.${reg.registrationId}`;
    await oneMessage(peer, outboxId);
    const email = await waitEmail(base, reg.registrationId, att.accessToken, (m) => m.status === 'sent');
    assert.ok(email.attempts >= 2, `retried: ${JSON.stringify(email)}`);
    await outboxEmpty(base);
    assert.equal(withId(peer, outboxId).length, 1, 'delivered exactly once');
  });

  it('a refused registration queues nothing; a registration replayed with its Idempotency-Key is confirmed once', async () => {
    const e = await freeEvent({ capacity: 1, maxPerAttendee: 1 });
    const key = `mail-${Date.now()}`;
    const first = await registerFor(base, att.accessToken, e.eventId, 1, { headers: { 'Idempotency-Key': key } });
    assert.equal(first.status, 201, first.text);
    const replay = await registerFor(base, att.accessToken, e.eventId, 1, { headers: { 'Idempotency-Key': key } });
    assert.equal(replay.status, 201, replay.text);
    assert.equal(replay.json.registrationId, first.json.registrationId);
    const late = await signup(base, 'attendee');
    const refused = await registerFor(base, late.accessToken, e.eventId, 1);
    assertProblem(refused, 409, 'sold out');
    await oneMessage(peer, `registration_confirmed.${first.json.registrationId}`);
    await outboxEmpty(base);
    assert.equal(withId(peer, `registration_confirmed.${first.json.registrationId}`).length, 1, 'one confirmation for the replayed request');
    assert.equal(peer.messages.filter((m) => m.envelope.rcptTo.includes(late.email) &&
      m.parsed.messageId.startsWith('<registration_')).length, 0, 'nothing for the refused registration');
  });

  it('the holder cancels → one cancellation message', async () => {
    const e = await freeEvent({ name: `Cancelled by its holder ${TOKYO}` });
    const reg = await registerOk(base, att.accessToken, e.eventId, 1);
    await oneMessage(peer, `registration_confirmed.${reg.registrationId}`);
    const r = await api(base, 'POST', `/api/registrations/${reg.registrationId}/cancel`, { token: att.accessToken });
    assert.equal(r.status, 200, r.text);
    const message = await oneMessage(peer, `registration_cancelled.${reg.registrationId}`);
    assertOnlyRecipient(message, att.email, 'cancellation');
    assertProblem(await api(base, 'POST', `/api/registrations/${reg.registrationId}/resend`, { token: att.accessToken }),
      409, 'a cancelled registration has no tickets to resend');
    assert.match(message.parsed.subject, /cancel/i);
    assert.ok(message.parsed.subject.includes(e.name), message.parsed.subject);
    assert.equal(pdfsOf(message.parsed).length, 0, 'no tickets in a cancellation');
    assert.ok(message.parsed.html, 'an HTML part');
  });

  it('the organizer cancels an event with 2 holders → each gets one message with a STATUS:CANCELLED .ics', async () => {
    const e = await freeEvent({ name: `Event cancelled ${TOKYO}` });
    const other = await signup(base, 'attendee');
    const regs = [await registerOk(base, att.accessToken, e.eventId, 1), await registerOk(base, other.accessToken, e.eventId, 2)];
    for (const reg of regs) await oneMessage(peer, `registration_confirmed.${reg.registrationId}`);
    const r = await api(base, 'DELETE', `/api/events/${e.eventId}`, { token: org.accessToken });
    assert.equal(r.status, 200, r.text);
    for (const [reg, who] of [[regs[0], att], [regs[1], other]]) {
      const message = await oneMessage(peer, `event_cancelled.${reg.registrationId}`);
      assertOnlyRecipient(message, who.email, 'event cancelled');
      assert.match(message.parsed.subject, /cancelled/i);
      assert.ok(message.parsed.subject.includes(e.name), message.parsed.subject);
      const ics = icsOf(message.parsed);
      assert.equal(ics.events[0].STATUS, 'CANCELLED');
      assert.equal(ics.events[0].SUMMARY, e.name);
      assert.equal(ics.events[0].DTSTART, icsUtc(e.date));
    }
    const toAttendee = peer.messages.filter((m) => m.parsed.messageId.startsWith(`<event_cancelled.`) &&
      m.envelope.rcptTo.includes(att.email));
    assert.equal(toAttendee.length, 1, 'one message per holder');
  });

  it('an unpaid order whose hold runs out → one hold-expired message', async () => {
    const e = await paidEvent({ holdSeconds: null });  // the instance's 2 s
    const reg = await registerOk(base, att.accessToken, e.eventId, 1);
    assert.equal(reg.status, 'pending_payment');
    const message = await oneMessage(peer, `hold_expired.${reg.registrationId}`, 20_000);
    assertOnlyRecipient(message, att.email, 'hold expired');
    assert.match(message.parsed.subject, /expired/i);
    assert.ok(message.parsed.subject.includes(e.name), message.parsed.subject);
    const after = await getRegistration(base, reg.registrationId, att.accessToken);
    assert.notEqual(after.status, 'pending_payment', 'the hold ended');
    assert.equal(withId(peer, `registration_confirmed.${reg.registrationId}`).length, 0, 'no confirmation');
  });

  it('inviting door staff → an invitation message to that address', async () => {
    const e = await freeEvent({ name: `Door staff ${TOKYO}` });
    const address = uniqueEmail();
    const r = await api(base, 'POST', `/api/events/${e.eventId}/staff`, { token: org.accessToken, body: { email: address } });
    assert.equal(r.status, 201, r.text);
    const message = await oneMessage(peer, `staff_invitation.${r.json.invitationId}`);
    assert.deepEqual(message.envelope.rcptTo, [address]);
    assert.deepEqual(message.parsed.to.value.map((v) => v.address), [address]);
    assert.ok(message.parsed.subject.includes(e.name), message.parsed.subject);
    assert.ok(message.parsed.text && message.parsed.html, 'both parts');
  });

  it('resend: the holder → 202 and a second message with a new Message-ID and the same tickets; the organizer → 202; a stranger → 404; pending → 409; the 4th in an hour → 429', async () => {
    const e = await freeEvent();
    const reg = await registerOk(base, att.accessToken, e.eventId, 2);
    const first = await oneMessage(peer, `registration_confirmed.${reg.registrationId}`);
    const resendsOf = () => peer.messages.filter((m) => m.parsed.messageId.startsWith(`<registration_confirmed.${reg.registrationId}.`));
    const resend = (token, id = reg.registrationId) => api(base, 'POST', `/api/registrations/${id}/resend`, { token });

    const byHolder = await resend(att.accessToken);
    assert.equal(byHolder.status, 202, byHolder.text);
    const [again] = await waitFor('the resent confirmation', () => (resendsOf().length >= 1 ? resendsOf() : null));
    assert.notEqual(again.parsed.messageId, first.parsed.messageId, 'a resend is a new message');
    assert.match(again.parsed.messageId, new RegExp(`^<registration_confirmed\\.${reg.registrationId}\\.[^@]+@admit\\.test>$`));
    assertOnlyRecipient(again, att.email, 'resend');
    assert.equal(again.parsed.subject, first.parsed.subject);
    assert.deepEqual(again.parsed.attachments.map((a) => [a.filename, a.contentType]),
      first.parsed.attachments.map((a) => [a.filename, a.contentType]), 'the same attachments');
    assert.deepEqual(await qrCodesOf(again.parsed), reg.tickets.map((t) => t.qrCode).sort(), 'the same tickets');
    // The registration's email is the latest confirmation's.
    await waitEmail(base, reg.registrationId, att.accessToken, (m) => m.status === 'sent');

    const byOrganizer = await resend(org.accessToken);
    assert.equal(byOrganizer.status, 202, byOrganizer.text);
    const stranger = await signup(base, 'attendee');
    assertProblem(await resend(stranger.accessToken), 404, 'a stranger');
    const otherOrganizer = await signup(base, 'organizer');
    assertProblem(await resend(otherOrganizer.accessToken), 404, 'another organizer');
    assertProblem(await resend(att.accessToken, 'AAAAAAAAAAAAAAAAAAAAAA'), 404, 'no such registration');
    assertProblem(await resend(undefined), 401, 'anonymous');

    const pending = await registerOk(base, att.accessToken, (await paidEvent()).eventId, 1);
    assertProblem(await resend(att.accessToken, pending.registrationId), 409, 'a pending payment has no tickets');

    const third = await resend(att.accessToken);
    assert.equal(third.status, 202, third.text);
    const fourth = await resend(att.accessToken);
    assertProblem(fourth, 429, 'the 4th resend within an hour');
    const retryAfter = Number(fourth.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 3600, `Retry-After: ${fourth.headers.get('retry-after')}`);

    await waitFor('3 resent confirmations', () => resendsOf().length >= 3);
    await outboxEmpty(base);
    for (const m of resendsOf()) assertOnlyRecipient(m, att.email, 'a resend, also one the organizer asked for, goes to the holder');
    const ids = resendsOf().map((m) => m.parsed.messageId);
    assert.equal(ids.length, 3, `three resends delivered, each once: ${ids}`);
    assert.equal(new Set(ids).size, 3, 'each resend has its own Message-ID');
    assert.equal(withId(peer, `registration_confirmed.${reg.registrationId}`).length, 1, 'the first stays one message');
  });

  it('names that try to inject headers: CR/LF in the sign-up name or the event name → one recipient, no Bcc; 300 characters → 400 naming name', async () => {
    const injected = 'Eve\r\nBcc: x@evil.test';
    const email = uniqueEmail();
    const signed = await api(base, 'POST', '/api/auth/signup', { body: { email, password: PASSWORD, name: injected, role: 'attendee' } });
    const events = [await freeEvent(), null];
    const eventName = `Gala\r\nBcc: y@evil.test\r\nX-Injected: 1`;
    const named = await api(base, 'POST', '/api/events', { token: org.accessToken,
      body: { name: eventName, description: 'x', date: events[0].date, timezone: 'Europe/Berlin', location: 'Berlin', capacity: 10, price: 0, currency: 'EUR' } });
    if (named.status === 201) events[1] = named.json;
    else assertFieldError(named, 'name', 'an event name with CR/LF');

    const holders = [];
    if (signed.status === 201) holders.push({ token: signed.json.accessToken, email, name: injected });
    else assertFieldError(signed, 'name', 'a sign-up name with CR/LF');
    if (events[1]) holders.push({ token: att.accessToken, email: att.email, name: att.name, event: events[1] });
    for (const h of holders) {
      const reg = await registerOk(base, h.token, (h.event ?? events[0]).eventId, 1);
      const message = await oneMessage(peer, `registration_confirmed.${reg.registrationId}`);
      assertOnlyRecipient(message, h.email, `injection via ${h.event ? 'the event name' : 'the sign-up name'}`);
      assert.equal(message.parsed.headers.has('x-injected'), false, 'no injected header');
      assert.equal(message.parsed.to.value.length, 1);
    }

    // Addresses with a header or a second address in them: refused where they enter, nothing sent.
    for (const bad of ['eve@example.com\r\nBcc: x@evil.test', 'eve@example.com, x@evil.test', 'eve@example.com>\r\nBcc:<x@evil.test']) {
      assertFieldError(await api(base, 'POST', '/api/auth/signup',
        { body: { email: bad, password: PASSWORD, name: 'Eve', role: 'attendee' } }), 'email', `sign-up with ${JSON.stringify(bad)}`);
      assertFieldError(await api(base, 'POST', `/api/events/${events[0].eventId}/staff`,
        { token: org.accessToken, body: { email: bad } }), 'email', `staff invitation to ${JSON.stringify(bad)}`);
    }

    const long = 'Ü'.repeat(300);
    assertFieldError(await api(base, 'POST', '/api/auth/signup',
      { body: { email: uniqueEmail(), password: PASSWORD, name: long, role: 'attendee' } }), 'name', '300 characters');
    // The longest name sign-up takes (200 characters, not ASCII) arrives whole in To.
    const longest = `${'Ünïcödé 東京 '.repeat(18)}`.slice(0, 200);
    const person = await signup(base, 'attendee', { name: longest });
    const reg = await registerOk(base, person.accessToken, events[0].eventId, 1);
    const message = await oneMessage(peer, `registration_confirmed.${reg.registrationId}`);
    assertOnlyRecipient(message, person.email, 'a 200-character name');
    assert.equal(message.parsed.to.value[0].name, longest.trim(), 'the name survives encoding and folding');
    for (const line of message.raw.toString('latin1').split('\r\n\r\n')[0].split('\r\n')) {
      assert.ok(line.length <= 998, `no header line over RFC 5322's 998 characters: ${line.length}`);
    }
    await outboxEmpty(base);
    assert.equal(peer.messages.filter((m) => m.envelope.rcptTo.some((a) => /evil\.test/i.test(a))).length, 0,
      'nothing ever went to an injected address');
  });
});

// ---- an untrusted certificate ----

describe('a STARTTLS peer whose CA admit was not given', () => {
  let peer, srv;

  before(async () => {
    peer = await startSmtpPeer({ certificates });
    // Give-up time counts from the message's creation in whole seconds: 3 leaves at least 2 for retries.
    srv = await serverFor(peer, { trust: false, env: { ADMIT_MAIL_GIVE_UP_SECONDS: '3' } });
  });

  after(async () => {
    await srv?.stop();
    await peer?.close();
  });

  it('nothing is delivered, no password is sent: retried, then failed after the give-up time, with a certificate error', async () => {
    const base = srv.baseUrl;
    const [org, att] = await Promise.all([signup(base, 'organizer'), signup(base, 'attendee')]);
    const e = await createEvent(base, org.accessToken, { price: 0 });
    const reg = await registerOk(base, att.accessToken, e.eventId, 1);
    const email = await waitEmail(base, reg.registrationId, att.accessToken, (m) => m.status === 'failed');
    assert.ok(email.attempts >= 2, `retried (a TLS failure is transient) until the give-up time: ${JSON.stringify(email)}`);
    assert.match(email.lastError, /certificate|SSL|TLS/i, `lastError names the certificate problem: ${email.lastError}`);
    assert.equal(peer.messages.length, 0, 'nothing delivered');
    assert.equal(peer.authAttempts.length, 0, 'no AUTH: the password never left over an unverified connection');
    assert.equal(peer.transactions.length, 0, 'no MAIL FROM');
    const views = await organizerViews(base, org.accessToken, e.eventId);
    assert.equal(views.csvStatus.get(reg.registrationId), 'failed');
  });
});

// ---- kill -9 with messages in the outbox ----

describe('kill -9 with messages waiting in the outbox', () => {
  it('every message is delivered exactly once by the restarted server', async () => {
    const peer = await startSmtpPeer({ certificates });
    await peer.stop();  // down: the messages stay in the outbox
    const env = { ...SERVER_ENV, ADMIT_SMTP_URL: peer.url(), ADMIT_SMTP_CA_FILE: peer.caFile,
      // A claim of the killed process must not keep its messages for the default 5 minutes.
      ADMIT_MAIL_LEASE_SECONDS: '2' };
    let srv = await startServer({ env });
    const dataDir = srv.dataDir;
    try {
      const org = await signup(srv.baseUrl, 'organizer');
      const e = await createEvent(srv.baseUrl, org.accessToken, { price: 0, capacity: 50 });
      const people = await Promise.all(Array.from({ length: 6 }, () => signup(srv.baseUrl, 'attendee')));
      const regs = await Promise.all(people.map((p) => registerOk(srv.baseUrl, p.accessToken, e.eventId, 1)));
      for (const reg of regs) assert.equal(reg.email?.status, 'queued', JSON.stringify(reg.email));
      // The sender has tried and failed (the peer is down): the messages wait for another attempt.
      await waitEmail(srv.baseUrl, regs[0].registrationId, people[0].accessToken, (m) => m.status === 'retrying');
      srv.proc.kill('SIGKILL');
      await srv.stop({ keepDataDir: true });
      assert.equal(peer.transactions.length, 0);

      await peer.restart();
      srv = await startServer({ env: { ...env, ADMIT_DATA_DIR: dataDir } });
      for (const reg of regs) await oneMessage(peer, `registration_confirmed.${reg.registrationId}`, 20_000);
      await outboxEmpty(srv.baseUrl);
      for (const [i, reg] of regs.entries()) {
        const found = withId(peer, `registration_confirmed.${reg.registrationId}`);
        assert.equal(found.length, 1, `registration ${i} confirmed exactly once`);
        assert.deepEqual(found[0].envelope.rcptTo, [people[i].email]);
      }
      assert.equal(peer.messages.filter((m) => m.parsed.messageId.startsWith('<registration_confirmed.')).length, regs.length,
        'no other confirmation');
      const login = await api(srv.baseUrl, 'POST', '/api/auth/login', { body: { email: people[0].email, password: PASSWORD } });
      assert.equal(login.status, 200, login.text);
      const email = await waitEmail(srv.baseUrl, regs[0].registrationId, login.json.accessToken, (m) => m.status === 'sent');
      assert.ok(email.attempts >= 2, JSON.stringify(email));
    } finally {
      await srv.stop();
      await peer.close();
    }
  });
});

// ---- SIGTERM while an SMTP server stalls ----

describe('SIGTERM while the SMTP server stalls in the middle of a delivery', () => {
  // An SMTP server that takes the message's data and never answers: admit's delivery waits for
  // the reply (libcurl's 120-s timeout). A stop must not wait for it: the message stays in the
  // outbox (its claim's lease runs out) and the next start delivers it.
  it('admit exits within 5 s, and the message is delivered once after the restart', async () => {
    // Plain SMTP without AUTH, like the staller that takes its port at first.
    const stalled = await startSmtpPeer({ certificates, tls: 'none', auth: false });
    let dataBegun = 0;
    const { createRequire } = await import('node:module');
    const { SMTPServer } = createRequire(new URL('../node/package.json', import.meta.url))('smtp-server');
    const staller = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, socketTimeout: 600_000, closeTimeout: 200,
      onData(stream) { dataBegun += 1; stream.on('data', () => {}); } });
    staller.on('error', () => {});
    let stallerOpen = true;
    const closeStaller = async () => {
      if (stallerOpen) await new Promise((resolve) => staller.close(resolve));
      stallerOpen = false;
    };
    await stalled.stop();  // its port, taken over by the staller
    await new Promise((resolve, reject) => {
      staller.server.once('error', reject);
      staller.listen(stalled.port, '127.0.0.1', resolve);
    });
    const env = { ...SERVER_ENV, ADMIT_SMTP_URL: stalled.url({ credentials: false }), ADMIT_MAIL_LEASE_SECONDS: '2' };
    let srv = await startServer({ env });
    const dataDir = srv.dataDir;
    try {
      const [org, att] = await Promise.all([signup(srv.baseUrl, 'organizer'), signup(srv.baseUrl, 'attendee')]);
      const e = await createEvent(srv.baseUrl, org.accessToken, { price: 0 });
      const reg = await registerOk(srv.baseUrl, att.accessToken, e.eventId, 1);
      await waitFor('the delivery in the middle of its data', () => dataBegun >= 1);
      const stoppedAt = Date.now();
      srv.proc.kill('SIGTERM');
      const exit = await waitExit(srv.proc, 5000);
      const tookMs = Date.now() - stoppedAt;
      await srv.stop({ keepDataDir: true });  // SIGKILL if it is still there
      assert.ok(exit, `admit still ran ${tookMs} ms after SIGTERM`);
      assert.equal(exit.code, 0, JSON.stringify(exit));

      await closeStaller();
      await stalled.restart();
      srv = await startServer({ env: { ...env, ADMIT_DATA_DIR: dataDir } });
      await oneMessage(stalled, `registration_confirmed.${reg.registrationId}`);
      await outboxEmpty(srv.baseUrl);
      assert.equal(withId(stalled, `registration_confirmed.${reg.registrationId}`).length, 1);
    } finally {
      await srv.stop();
      await closeStaller();
      await stalled.close();
    }
  });
});

// ---- the file mailbox ----

describe('no ADMIT_SMTP_URL: the .eml mailbox under DATA_DIR/mail', () => {
  let srv;

  before(async () => {
    srv = await startServer({ env: { ...SERVER_ENV } });
  });

  after(async () => {
    await srv?.stop();
  });

  it('a registration → one .eml file that mailparser reads, with the PDFs and the .ics; the status says sent', async () => {
    const base = srv.baseUrl;
    const [org, att] = await Promise.all([signup(base, 'organizer'), signup(base, 'attendee')]);
    const e = await createEvent(base, org.accessToken, { price: 0, name: TOKYO });
    const reg = await registerOk(base, att.accessToken, e.eventId, 2);
    const email = await waitEmail(base, reg.registrationId, att.accessToken, (m) => m.status === 'sent');
    assert.equal(email.attempts, 1);
    const dir = join(srv.dataDir, 'mail');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.eml'));
    const ours = [];
    for (const f of files) {
      const raw = await readFile(join(dir, f));
      const parsed = await parseMail(raw);
      if (parsed.messageId === messageIdOf(`registration_confirmed.${reg.registrationId}`)) ours.push({ f, raw, parsed });
    }
    assert.equal(ours.length, 1, `one .eml for the confirmation among ${files}`);
    const { raw, parsed } = ours[0];
    assert.equal(/[^\r]\n/.test(raw.toString('latin1')), false, 'CRLF line ends');
    assert.deepEqual(parsed.to.value.map((v) => v.address), [att.email]);
    assert.deepEqual(parsed.from.value, [{ address: FROM_ADDRESS, name: 'Admit Tickets' }]);
    assert.ok(parsed.subject.includes(TOKYO), parsed.subject);
    assert.ok(parsed.text.includes(TOKYO) && parsed.html, 'both parts');
    assert.deepEqual(await qrCodesOf(parsed), reg.tickets.map((t) => t.qrCode).sort());
    assert.equal(icsOf(parsed).events[0].SUMMARY, TOKYO);
    const views = await organizerViews(base, org.accessToken, e.eventId);
    assert.equal(views.csvStatus.get(reg.registrationId), 'sent');
  });
});

// ---- recipient caps ----

describe('recipient caps (ADMIT_MAIL_CAP_PER_HOUR=2)', () => {
  let peer, srv;

  before(async () => {
    peer = await startSmtpPeer({ certificates });
    srv = await serverFor(peer, { env: { ADMIT_MAIL_CAP_PER_HOUR: '2' } });
  });

  after(async () => {
    await srv?.stop();
    await peer?.close();
  });

  it('3 free registrations → 2 messages, the third failed over the cap; a paid confirmation over the cap still goes; /metrics counts them', async () => {
    const base = srv.baseUrl;
    const [org, att] = await Promise.all([signup(base, 'organizer'), signup(base, 'attendee')]);
    const toAttendee = () => peer.messages.filter((m) => m.envelope.rcptTo.includes(att.email));
    const regs = [];
    for (let i = 0; i < 3; i++) {
      const e = await createEvent(base, org.accessToken, { price: 0 });
      const reg = await registerOk(base, att.accessToken, e.eventId, 1);
      regs.push(reg);
      // One at a time, so the order in which they meet the cap is the order of registration.
      await waitEmail(base, reg.registrationId, att.accessToken, (m) => m.status === 'sent' || m.status === 'failed');
    }
    await outboxEmpty(base);
    assert.equal(toAttendee().length, 2, `the cap lets 2 messages through: ${toAttendee().map((m) => m.parsed.messageId)}`);
    const emails = [];
    for (const reg of regs) emails.push((await getRegistration(base, reg.registrationId, att.accessToken)).email);
    const confirmationsReceived = regs.filter((r) => withId(peer, `registration_confirmed.${r.registrationId}`).length === 1);
    assert.equal(emails.filter((m) => m.status === 'sent').length, confirmationsReceived.length, JSON.stringify(emails));
    const third = emails[2];
    assert.equal(third.status, 'failed', `the third is over the cap: ${JSON.stringify(emails)}`);
    assert.match(third.lastError, /cap/i, `lastError says why: ${third.lastError}`);
    assert.equal(withId(peer, `registration_confirmed.${regs[2].registrationId}`).length, 0);

    // A paid order's confirmation is never dropped.
    const paidEvent = await createEvent(base, org.accessToken, { price: 9, currency: 'EUR', holdSeconds: 600 });
    const pending = await registerOk(base, att.accessToken, paidEvent.eventId, 1);
    const paid = await payWithCard(base, att.accessToken, pending.registrationId);
    const message = await oneMessage(peer, `registration_confirmed.${pending.registrationId}`);
    assert.deepEqual(await qrCodesOf(message.parsed), paid.tickets.map((t) => t.qrCode));
    const email = await waitEmail(base, pending.registrationId, att.accessToken, (m) => m.status === 'sent');
    assert.equal(email.attempts, 1);
    assert.equal(toAttendee().length, 3, 'over the cap, only the paid confirmation');

    const m = await metrics(base);
    assert.ok(m.get('admit_mail_messages_total{outcome="dropped"}') >= 1, `dropped: ${m.get('admit_mail_messages_total{outcome="dropped"}')}`);
    assert.ok(m.get('admit_mail_messages_total{outcome="sent"}') >= 3, `sent: ${m.get('admit_mail_messages_total{outcome="sent"}')}`);
    assert.equal(m.get('admit_mail_outbox_backlog{state="queued"}'), 0);
  });
});

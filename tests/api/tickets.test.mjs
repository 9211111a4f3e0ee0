// Tickets: reading them, the signed QR payload verified offline with Node's crypto, scan keys and
// their rotation, and PDF downloads through expiring signed URLs (checked with poppler and zbar).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { verify } from 'node:crypto';
import {
  startServer, startWithAccounts, api, signup, createEvent, assertProblem, RFC3339,
  registerOk, parseQr, verifyQrOffline, ed25519PublicKey, b64urlBytes, inspectPdf, databaseSql,
} from './harness.mjs';

let srv, base, org, org2, att, att2;

before(async () => {
  ({ srv, base, accounts: [org, org2, att, att2] } = await startWithAccounts(['organizer', 'organizer', 'attendee', 'attendee'], { env: { ADMIT_ARGON2_MEMORY_KIB: '1024' } }));
});

after(async () => {
  await srv?.stop();
});

const freeEvent = (over = {}) => createEvent(base, org.accessToken, { price: 0, ...over });
const getTicket = (id, token) => api(base, 'GET', `/api/tickets/${id}`, { token });
const scanKeys = async (eventId, token = org.accessToken) => {
  const r = await api(base, 'GET', `/api/events/${eventId}/scan-keys`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const validate = (token, body) => api(base, 'POST', '/api/tickets/validate', { token, body });

/** Fetches a download URL without any Authorization header. */
async function fetchUrl(url) {
  const res = await fetch(new URL(url, base), { redirect: 'manual' });
  const buf = Buffer.from(await res.arrayBuffer());
  let json;
  try { json = JSON.parse(buf.toString('utf8')); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, buf, text: buf.toString('utf8'), json };
}

async function downloadLink(ticketId, token = att.accessToken) {
  const r = await api(base, 'GET', `/api/tickets/${ticketId}/download`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

describe('GET /api/tickets/{id}', () => {
  it('owner and the event\'s organizer read it; other users get 404; 401 anonymous', async () => {
    const e = await freeEvent();
    const reg = await registerOk(base, att.accessToken, e.eventId, 2);
    const t = reg.tickets[1];
    for (const [who, token] of [['owner', att.accessToken], ['organizer', org.accessToken]]) {
      const r = await getTicket(t.ticketId, token);
      assert.equal(r.status, 200, `${who}: ${r.text}`);
      const g = r.json;
      for (const k of ['ticketId', 'registrationId', 'eventId', 'userId', 'qrCode', 'status', 'generatedAt', 'holderName']) {
        assert.equal(g[k], t[k], `${who}: ticket.${k}`);
      }
      assert.equal(g.status, 'valid');
      assert.equal(g.validatedAt, null);
      assert.match(g.generatedAt, RFC3339);
      assert.equal(g.registrationId, reg.registrationId);
      assert.equal(g.eventId, e.eventId);
      assert.equal(g.userId, att.user.userId);
      assert.equal(g.holderName, att.name);
    }
    assertProblem(await getTicket(t.ticketId, att2.accessToken), 404, 'other attendee');
    assertProblem(await getTicket(t.ticketId, org2.accessToken), 404, 'other organizer');
    assertProblem(await getTicket(t.ticketId), 401, 'anonymous');
    assertProblem(await getTicket('AAAAAAAAAAAAAAAAAAAAAA', att.accessToken), 404, 'unknown');
    assertProblem(await getTicket('x', att.accessToken), 404, 'garbage');
  });

  it('a ticket of a paid registration does not exist before payment', async () => {
    const e = await createEvent(base, org.accessToken, { price: 9.5 });
    const reg = await registerOk(base, att.accessToken, e.eventId, 1);
    assert.deepEqual(reg.tickets, []);
  });
});

describe('QR payload', () => {
  it('is "A" + base32 of version, key id, ticket/event/user ids and an Ed25519 signature that verifies offline', async () => {
    const e = await freeEvent();
    const reg = await registerOk(base, att.accessToken, e.eventId, 3);
    const keys = await scanKeys(e.eventId);
    assert.equal(keys.eventId, e.eventId);
    for (const t of reg.tickets) {
      assert.equal(t.qrCode.length, 189, `1 + ceil(117 × 8 / 5) characters: ${t.qrCode}`);
      const p = parseQr(t.qrCode);
      assert.equal(p.version, 1);
      assert.equal(p.ticketId, t.ticketId);
      assert.equal(p.eventId, e.eventId);
      assert.equal(p.userId, att.user.userId);
      assert.deepEqual(p.bytes.subarray(5, 21), b64urlBytes(t.ticketId));
      assert.ok(keys.keys.some((k) => k.keyId === p.keyId), `key ${p.keyId} is published: ${JSON.stringify(keys)}`);
      assert.ok(verifyQrOffline(t.qrCode, keys.keys), 'signature verifies with the published key');
    }
  });

  it('signatures do not verify under another event\'s key or after a changed byte', async () => {
    const e1 = await freeEvent();
    const e2 = await freeEvent();
    const t = (await registerOk(base, att.accessToken, e1.eventId, 1)).tickets[0];
    const k1 = (await scanKeys(e1.eventId)).keys;
    const k2 = (await scanKeys(e2.eventId)).keys;
    const p = parseQr(t.qrCode);
    const signer = k1.find((k) => k.keyId === p.keyId);
    const altered = Buffer.from(p.signed);
    altered[10] ^= 1;
    assert.equal(verify(null, altered, ed25519PublicKey(signer.publicKey), p.signature), false);
    for (const other of k2) {
      if (other.publicKey === signer.publicKey) continue;
      assert.equal(verify(null, p.signed, ed25519PublicKey(other.publicKey), p.signature), false);
    }
  });
});

describe('scan keys', () => {
  it('GET lists Ed25519 keys as 32 raw bytes in base64url, with 8-hex key ids', async () => {
    const e = await freeEvent();
    const k = await scanKeys(e.eventId);
    assert.equal(k.eventId, e.eventId);
    assert.ok(Array.isArray(k.keys) && k.keys.length >= 1, JSON.stringify(k));
    for (const key of k.keys) {
      assert.match(key.keyId, /^[0-9a-f]{8}$/);
      assert.equal(key.algorithm, 'Ed25519');
      assert.equal(b64urlBytes(key.publicKey).length, 32);
      assert.doesNotThrow(() => ed25519PublicKey(key.publicKey));
      assert.match(key.createdAt, RFC3339);
      assert.equal(typeof key.active, 'boolean');
    }
    assert.equal(k.keys.filter((key) => key.active).length, 1, 'exactly one active key');
  });

  it('403 for another organizer and an attendee; 401 anonymous; 404 unknown event', async () => {
    const e = await freeEvent();
    const path = `/api/events/${e.eventId}/scan-keys`;
    assertProblem(await api(base, 'GET', path, { token: org2.accessToken }), 403, 'other organizer');
    assertProblem(await api(base, 'GET', path, { token: att.accessToken }), 403, 'attendee');
    assertProblem(await api(base, 'GET', path), 401, 'anonymous');
    assertProblem(await api(base, 'GET', '/api/events/AAAAAAAAAAAAAAAAAAAAAA/scan-keys', { token: org.accessToken }), 404, 'unknown');
  });

  it('rotation: 201 new active key; old tickets still validate; new tickets use the new key', async () => {
    const e = await freeEvent();
    const before = (await registerOk(base, att.accessToken, e.eventId, 2)).tickets;
    const oldKeys = (await scanKeys(e.eventId)).keys;
    const oldId = parseQr(before[0].qrCode).keyId;

    const r = await api(base, 'POST', `/api/events/${e.eventId}/scan-keys/rotate`, { token: org.accessToken });
    assert.equal(r.status, 201, r.text);
    const nk = r.json;
    assert.match(nk.keyId, /^[0-9a-f]{8}$/);
    assert.notEqual(nk.keyId, oldId);
    assert.equal(nk.algorithm, 'Ed25519');
    assert.equal(nk.active, true);
    assert.equal(b64urlBytes(nk.publicKey).length, 32);
    assert.ok(!oldKeys.some((k) => k.publicKey === nk.publicKey), 'a new key pair');
    const audited = await databaseSql(srv, "SELECT actor_id, request_id FROM audit_log WHERE action = " +
      `'event.scan_key_added' AND subject_id = '${e.eventId}' AND detail = '${parseInt(nk.keyId, 16)}';`);
    assert.equal(audited.trim().replace('\t', '|'), `${org.user.userId}|${r.headers.get('x-request-id')}`,
      'the audit row names the organizer who rotated the key and the request');

    const keys = (await scanKeys(e.eventId)).keys;
    assert.ok(keys.some((k) => k.keyId === oldId), 'the old key stays published');
    assert.deepEqual(keys.filter((k) => k.active).map((k) => k.keyId), [nk.keyId], 'only the new key is active');
    assert.ok(verifyQrOffline(before[0].qrCode, keys), 'an old ticket still verifies offline');
    const stored = await getTicket(before[0].ticketId, att.accessToken);
    assert.equal(stored.json.qrCode, before[0].qrCode, 'issued QR codes do not change');

    const after = (await registerOk(base, att2.accessToken, e.eventId, 1)).tickets[0];
    assert.equal(parseQr(after.qrCode).keyId, nk.keyId, 'new tickets are signed with the new key');
    assert.ok(verifyQrOffline(after.qrCode, keys));

    for (const t of [before[0], after]) {
      const v = await validate(org.accessToken, { qrCode: t.qrCode });
      assert.equal(v.status, 200, v.text);
      assert.equal(v.json.result, 'valid', v.text);
    }
  });

  it('rotate: 403 for another organizer and an attendee; keys unchanged', async () => {
    const e = await freeEvent();
    const k = (await scanKeys(e.eventId)).keys;
    const path = `/api/events/${e.eventId}/scan-keys/rotate`;
    assertProblem(await api(base, 'POST', path, { token: org2.accessToken }), 403, 'other organizer');
    assertProblem(await api(base, 'POST', path, { token: att.accessToken }), 403, 'attendee');
    assertProblem(await api(base, 'POST', path), 401, 'anonymous');
    assert.deepEqual((await scanKeys(e.eventId)).keys, k);
  });
});

describe('GET /api/tickets/{id}/download', () => {
  it('owner gets an expiring URL serving the PDF without a token; poppler reads the CJK name, zbar the QR', async () => {
    const name = '東京ジャズナイト 2027';
    const location = '渋谷 Blue Note Hall';
    // 11:00 UTC is 20:00 in Tokyo.
    const e = await freeEvent({ name, location, timezone: 'Asia/Tokyo', date: '2027-03-10T11:00:00Z' });
    const holder = await signup(base, 'attendee', { name: 'Hanako 山田' });
    const t = (await registerOk(base, holder.accessToken, e.eventId, 1)).tickets[0];

    const link = await downloadLink(t.ticketId, holder.accessToken);
    assert.equal(typeof link.url, 'string');
    assert.match(link.expiresAt, RFC3339);
    assert.ok(Date.parse(link.expiresAt) > Date.now(), 'expires in the future');
    assert.ok(Date.parse(link.expiresAt) < Date.now() + 7 * 86_400_000, 'expires within days, not never');
    assert.doesNotMatch(link.url, /eyJ/, 'the link does not carry the bearer token');

    const res = await fetchUrl(link.url);
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.match(res.headers.get('content-type'), /^application\/pdf/);
    assert.equal(res.buf.subarray(0, 5).toString('latin1'), '%PDF-');

    const { text, qr } = await inspectPdf(res.buf);
    assert.ok(text.includes(name), `pdftotext should show the event name; got:\n${text}`);
    assert.ok(text.includes(location), `pdftotext should show the location; got:\n${text}`);
    assert.ok(text.includes('Hanako 山田'), `pdftotext should show the holder name; got:\n${text}`);
    assert.ok(text.includes(t.ticketId), `pdftotext should show the ticket id; got:\n${text}`);
    assert.ok(text.includes('20:00'), `the time is shown in the event's time zone (20:00 Tokyo); got:\n${text}`);
    assert.equal(qr, t.qrCode, 'zbarimg decodes exactly the ticket\'s qrCode');
  });

  it('the PDF is deterministic: two downloads give the same bytes', async () => {
    const e = await freeEvent();
    const t = (await registerOk(base, att.accessToken, e.eventId, 1)).tickets[0];
    const a = await fetchUrl((await downloadLink(t.ticketId)).url);
    await new Promise((r) => setTimeout(r, 1100));
    const b = await fetchUrl((await downloadLink(t.ticketId)).url);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.ok(a.buf.equals(b.buf), 'same bytes');
  });

  it('Latin ticket: text and QR are right too', async () => {
    const e = await freeEvent({ name: 'Jazz at the Café Zürich' });
    const reg = await registerOk(base, att.accessToken, e.eventId, 2);
    for (const t of reg.tickets) {
      const res = await fetchUrl((await downloadLink(t.ticketId)).url);
      assert.equal(res.status, 200);
      const { text, qr } = await inspectPdf(res.buf);
      assert.ok(text.includes('Jazz at the Café Zürich'), text);
      assert.equal(qr, t.qrCode);
    }
  });

  it('any changed character of the signature → 403 problem', async () => {
    const e = await freeEvent();
    const t = (await registerOk(base, att.accessToken, e.eventId, 1)).tickets[0];
    const { url } = await downloadLink(t.ticketId);
    const u = new URL(url, base);
    const sigName = [...u.searchParams.keys()].find((k) => /sig/i.test(k));
    assert.ok(sigName, `a signature parameter in ${url}`);
    const sig = u.searchParams.get(sigName);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const failures = [];
    for (let i = 0; i < sig.length; i++) {
      // Flip the lowest bit of the character's 6-bit value: the smallest possible change.
      const idx = alphabet.indexOf(sig[i]);
      const c = idx >= 0 ? alphabet[idx ^ 1] : (sig[i] === 'a' ? 'b' : 'a');
      const v = new URL(u);
      v.searchParams.set(sigName, sig.slice(0, i) + c + sig.slice(i + 1));
      const r = await fetchUrl(v.href);
      if (r.status !== 403) failures.push(`position ${i}: ${r.status}`);
    }
    assert.deepEqual(failures, [], 'every altered signature is refused');
    const last = new URL(u);
    last.searchParams.set(sigName, sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A'));
    const r = await fetchUrl(last.href);
    assertProblem(r, 403, 'tampered signature');
    const none = new URL(u);
    none.searchParams.delete(sigName);
    assert.equal((await fetchUrl(none.href)).status, 403, 'no signature');
    const empty = new URL(u);
    empty.searchParams.set(sigName, '');
    assert.equal((await fetchUrl(empty.href)).status, 403, 'empty signature');
    assert.equal((await fetchUrl(u.href)).status, 200, 'the real URL still works');
  });

  it('a changed expiry or another ticket id with the same signature → 403', async () => {
    const e = await freeEvent();
    const reg = await registerOk(base, att.accessToken, e.eventId, 2);
    const [t1, t2] = reg.tickets;
    const { url } = await downloadLink(t1.ticketId);
    const u = new URL(url, base);
    const expName = [...u.searchParams.keys()].find((k) => /exp/i.test(k));
    assert.ok(expName, `an expiry parameter in ${url}`);
    const exp = u.searchParams.get(expName);
    for (const bad of [String(Number(exp) + 1), String(Number(exp) + 86400 * 365), String(Number(exp) - 1), `${exp}0`, 'abc']) {
      const v = new URL(u);
      v.searchParams.set(expName, bad);
      const r = await fetchUrl(v.href);
      assertProblem(r, 403, `expires=${bad}`);
    }
    const other = new URL(u.href.replace(t1.ticketId, t2.ticketId));
    assertProblem(await fetchUrl(other.href), 403, 'signature of another ticket');
    const foreign = (await registerOk(base, att2.accessToken, e.eventId, 1)).tickets[0];
    assertProblem(await fetchUrl(u.href.replace(t1.ticketId, foreign.ticketId)), 403, 'another user\'s ticket');
  });

  it('404 for another attendee and another organizer; 401 anonymous; 404 unknown', async () => {
    const e = await freeEvent();
    const t = (await registerOk(base, att.accessToken, e.eventId, 1)).tickets[0];
    const path = `/api/tickets/${t.ticketId}/download`;
    assertProblem(await api(base, 'GET', path, { token: att2.accessToken }), 404, 'other attendee');
    assertProblem(await api(base, 'GET', path, { token: org2.accessToken }), 404, 'other organizer');
    assertProblem(await api(base, 'GET', path), 401, 'anonymous');
    assertProblem(await api(base, 'GET', '/api/tickets/AAAAAAAAAAAAAAAAAAAAAA/download', { token: att.accessToken }), 404, 'unknown');
  });

  it('an expired URL → 403 (ADMIT_DOWNLOAD_URL_TTL=1)', async () => {
    const s = await startServer({ env: { ADMIT_DOWNLOAD_URL_TTL: '1', ADMIT_ARGON2_MEMORY_KIB: '1024' } });
    try {
      const o = await signup(s.baseUrl, 'organizer');
      const a = await signup(s.baseUrl, 'attendee');
      const e = await createEvent(s.baseUrl, o.accessToken, { price: 0 });
      const t = (await registerOk(s.baseUrl, a.accessToken, e.eventId, 1)).tickets[0];
      const r = await api(s.baseUrl, 'GET', `/api/tickets/${t.ticketId}/download`, { token: a.accessToken });
      assert.equal(r.status, 200, r.text);
      assert.ok(Date.parse(r.json.expiresAt) <= Date.now() + 2000, `expiresAt ${r.json.expiresAt} about 1 s ahead`);
      const url = new URL(r.json.url, s.baseUrl).href;
      await new Promise((res) => setTimeout(res, 2200));
      const res = await fetch(url);
      const text = await res.text();
      assert.equal(res.status, 403, text);
      assert.match(res.headers.get('content-type'), /^application\/problem\+json/);
      // A fresh link works again.
      const again = await api(s.baseUrl, 'GET', `/api/tickets/${t.ticketId}/download`, { token: a.accessToken });
      const ok = await fetch(new URL(again.json.url, s.baseUrl));
      assert.equal(ok.status, 200);
    } finally {
      await s.stop();
    }
  });
});
